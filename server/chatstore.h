#pragma once
// The server's SQLite store (Qt SQL, WAL): the ServerStorage of a single server instance.
// Each instance owns a uniquely named QSqlDatabase connection, so several servers can share a process.
// Durable by default (synchronous=FULL: a commit returns after the WAL is fsync'ed).

#include "serverstorage.h"

namespace Tether {

class ChatStore : public ServerStorage
{
public:
    // Durable: synchronous=FULL (a commit survives a power cut). NotDurable: synchronous=NORMAL,
    // the old mode (a commit survives a crash of the process, not of the machine).
    enum class Sync { Durable, NotDurable };
    explicit ChatStore(Sync sync = Sync::Durable);
    ~ChatStore() override;

    bool open(const QString &path, QString *errorMessage) override;
    void close() override;
    bool isOpen() const override { return m_open; }
    QString path() const { return m_path; }
    int synchronousLevel() const; // PRAGMA synchronous in force: 2 = FULL, 1 = NORMAL, -1 = closed
    QString epoch() const override { return m_epoch; }

    bool addUser(const QString &id, const PasswordHasher::Hash &hash, QString *errorMessage) override;
    bool hasUser(const QString &id) const override;
    std::optional<PasswordHasher::Hash> passwordHash(const QString &id) const override;

    bool ensureConversation(const QString &id, const QString &title, bool isPublic, QString *errorMessage) override;
    CreateResult createConversation(const QString &id, const QString &title, const QString &owner,
                                    QString *errorMessage) override;
    bool setConversation(const QString &id, const QString &title, bool isPublic, QString *errorMessage) override;
    std::optional<Conversation> conversation(const QString &id) const override;
    QList<Conversation> conversationsFor(const QString &userId) const override;
    bool isMember(const QString &conversation, const QString &userId) const override;
    QStringList members(const QString &conversation) const override;
    bool addMember(const QString &conversation, const QString &userId, QString *errorMessage) override;
    bool removeMember(const QString &conversation, const QString &userId, QString *errorMessage) override;

    AppendResult appendMessage(const QString &conversation, const QString &clientId, const QString &from,
                               const QString &text, qint64 ts, Message *out, QString *errorMessage) override;
    QList<AppendOutcome> appendMessages(const QList<NewMessage> &messages, QString *errorMessage) override;
    QList<Message> messagesAfter(const QString &conversation, qint64 after, int limit = -1) const override;

    bool storeRefreshToken(const QByteArray &hash, const QString &userId, const QByteArray &family,
                           qint64 expiresAtMs) override;
    std::optional<RefreshToken> refreshToken(const QByteArray &hash) const override;
    bool rotateRefreshToken(const QByteArray &hash, const QByteArray &successorHash, qint64 nowMs,
                            qint64 successorExpiresAtMs) override;
    int revokeRefreshFamily(const QByteArray &family) override;
    int purgeExpiredRefreshTokens(qint64 nowMs) override;

private:
    bool exec(const QString &sql, QString *errorMessage);
    // Adds the columns newer versions need to a database made by an older one.
    bool migrate(QString *errorMessage);
    // One message inside an open transaction (no commit).
    AppendOutcome appendOne(const NewMessage &message, QString *errorMessage);
    Sync m_sync;
    QString m_connectionName;
    QString m_path;
    QString m_epoch;
    bool m_open = false;
};

} // namespace Tether
