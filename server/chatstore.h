#pragma once
// The server's SQLite store (Qt SQL, WAL): the ServerStorage of a single server instance.
// Each instance owns a uniquely named QSqlDatabase connection, so several servers can share a process.

#include "serverstorage.h"

namespace Tether {

class ChatStore : public ServerStorage
{
public:
    ChatStore();
    ~ChatStore() override;

    bool open(const QString &path, QString *errorMessage) override;
    void close() override;
    bool isOpen() const override { return m_open; }
    QString path() const { return m_path; }
    QString epoch() const override { return m_epoch; }

    bool addUser(const QString &id, const PasswordHasher::Hash &hash, QString *errorMessage) override;
    bool hasUser(const QString &id) const override;
    std::optional<PasswordHasher::Hash> passwordHash(const QString &id) const override;

    bool ensureConversation(const QString &id, const QString &title, bool isPublic, QString *errorMessage) override;
    std::optional<Conversation> conversation(const QString &id) const override;
    QList<Conversation> conversationsFor(const QString &userId) const override;
    bool isMember(const QString &conversation, const QString &userId) const override;
    QStringList members(const QString &conversation) const override;
    bool addMember(const QString &conversation, const QString &userId, QString *errorMessage) override;
    bool removeMember(const QString &conversation, const QString &userId, QString *errorMessage) override;

    AppendResult appendMessage(const QString &conversation, const QString &clientId, const QString &from,
                               const QString &text, qint64 ts, Message *out, QString *errorMessage) override;
    QList<Message> messagesAfter(const QString &conversation, qint64 after, int limit = -1) const override;

    bool storeRefreshToken(const QByteArray &hash, const QString &userId, qint64 expiresAtMs) override;
    std::optional<QString> consumeRefreshToken(const QByteArray &hash, qint64 nowMs) override;
    int purgeExpiredRefreshTokens(qint64 nowMs) override;

private:
    bool exec(const QString &sql, QString *errorMessage);
    QString m_connectionName;
    QString m_path;
    QString m_epoch;
    bool m_open = false;
};

} // namespace Tether
