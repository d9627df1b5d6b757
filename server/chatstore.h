#pragma once
// The server's SQLite store (Qt SQL, WAL): users, conversations, members, messages, refresh tokens.
// Each instance owns a uniquely named QSqlDatabase connection, so several servers can share a process.

#include "passwordhasher.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Tether {

class ChatStore
{
public:
    struct Conversation
    {
        QString id;
        QString title;
        qint64 lastSeq = 0;
        bool isPublic = false;
    };
    struct Message
    {
        QString conversation;
        qint64 seq = 0;
        QString id; // client id
        QString from;
        QString text;
        qint64 ts = 0;
    };
    enum class AppendResult { Stored, Duplicate, Failed };

    ChatStore();
    ~ChatStore();
    ChatStore(const ChatStore &) = delete;
    ChatStore &operator=(const ChatStore &) = delete;

    bool open(const QString &path, QString *errorMessage);
    void close();
    bool isOpen() const { return m_open; }
    QString path() const { return m_path; }

    bool addUser(const QString &id, const PasswordHasher::Hash &hash, QString *errorMessage);
    bool hasUser(const QString &id) const;
    std::optional<PasswordHasher::Hash> passwordHash(const QString &id) const;

    bool ensureConversation(const QString &id, const QString &title, bool isPublic, QString *errorMessage);
    std::optional<Conversation> conversation(const QString &id) const;
    QList<Conversation> conversationsFor(const QString &userId) const; // public ones + memberships
    bool isMember(const QString &conversation, const QString &userId) const;
    QStringList members(const QString &conversation) const; // explicit members only
    bool addMember(const QString &conversation, const QString &userId, QString *errorMessage);
    bool removeMember(const QString &conversation, const QString &userId, QString *errorMessage);

    // Dedupe by (from, clientId): a known pair returns Duplicate and fills *out with the original.
    AppendResult appendMessage(const QString &conversation, const QString &clientId, const QString &from,
                               const QString &text, qint64 ts, Message *out, QString *errorMessage);
    // Messages with seq > after in seq order; limit < 0 = all.
    QList<Message> messagesAfter(const QString &conversation, qint64 after, int limit = -1) const;

    bool storeRefreshToken(const QByteArray &hash, const QString &userId, qint64 expiresAtMs);
    // Deletes the token (rotation) and returns its user, if it existed and had not expired.
    std::optional<QString> consumeRefreshToken(const QByteArray &hash, qint64 nowMs);
    int purgeExpiredRefreshTokens(qint64 nowMs);

private:
    bool exec(const QString &sql, QString *errorMessage);
    QString m_connectionName;
    QString m_path;
    bool m_open = false;
};

} // namespace Tether
