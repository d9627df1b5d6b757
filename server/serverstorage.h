#pragma once
// What the server keeps: users, conversations, members, messages and refresh tokens, behind one
// interface so the SQLite store can be joined by others (PostgreSQL is next). Synchronous: every
// call returns when the change is committed.

#include "passwordhasher.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Tether {

class ServerStorage
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

    virtual ~ServerStorage() = default;

    // location: a file path (SQLite) or connection string, whatever the implementation needs.
    virtual bool open(const QString &location, QString *errorMessage) = 0;
    virtual void close() = 0;
    virtual bool isOpen() const = 0;
    // Random, made once with the database and kept with it: tells clients a reset or restored server
    // (its seqs may repeat) from the one they knew. Empty when the storage has none.
    virtual QString epoch() const { return QString(); }

    virtual bool addUser(const QString &id, const PasswordHasher::Hash &hash, QString *errorMessage) = 0;
    virtual bool hasUser(const QString &id) const = 0;
    virtual std::optional<PasswordHasher::Hash> passwordHash(const QString &id) const = 0;

    virtual bool ensureConversation(const QString &id, const QString &title, bool isPublic, QString *errorMessage) = 0;
    virtual std::optional<Conversation> conversation(const QString &id) const = 0;
    virtual QList<Conversation> conversationsFor(const QString &userId) const = 0; // public ones + memberships
    virtual bool isMember(const QString &conversation, const QString &userId) const = 0;
    virtual QStringList members(const QString &conversation) const = 0; // explicit members only
    virtual bool addMember(const QString &conversation, const QString &userId, QString *errorMessage) = 0;
    virtual bool removeMember(const QString &conversation, const QString &userId, QString *errorMessage) = 0;

    // Assigns the next seq of the conversation exactly once. Dedupe by (from, clientId): a known
    // pair returns Duplicate and fills *out with the original.
    virtual AppendResult appendMessage(const QString &conversation, const QString &clientId, const QString &from,
                                       const QString &text, qint64 ts, Message *out, QString *errorMessage) = 0;
    // Messages with seq > after in seq order; limit < 0 = all.
    virtual QList<Message> messagesAfter(const QString &conversation, qint64 after, int limit = -1) const = 0;

    virtual bool storeRefreshToken(const QByteArray &hash, const QString &userId, qint64 expiresAtMs) = 0;
    // Deletes the token (rotation) and returns its user, if it existed and had not expired.
    virtual std::optional<QString> consumeRefreshToken(const QByteArray &hash, qint64 nowMs) = 0;
    virtual int purgeExpiredRefreshTokens(qint64 nowMs) = 0;

protected:
    ServerStorage() = default;
    ServerStorage(const ServerStorage &) = delete;
    ServerStorage &operator=(const ServerStorage &) = delete;
};

} // namespace Tether
