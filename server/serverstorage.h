#pragma once
// What the server keeps: users, conversations, members, messages and refresh tokens, behind one
// interface so the SQLite store can be joined by others (PostgreSQL is next). Synchronous: every
// call returns when the change is committed.

#include "passwordhasher.h"

#include <QByteArray>
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
    enum class CreateResult { Created, Exists, Failed };
    // One refresh token of a family (a login's chain of rotations), found by its hash.
    struct RefreshToken
    {
        QString userId;
        QByteArray family;      // the hash of the family's first token
        qint64 expiresAtMs = 0;
        qint64 rotatedAtMs = -1; // when it was exchanged for its successor; -1 while it is the live one
    };
    // A message to append (appendMessages), and what became of it.
    struct NewMessage
    {
        QString conversation;
        QString clientId;
        QString from;
        QString text;
        qint64 ts = 0;
    };
    struct AppendOutcome
    {
        AppendResult result = AppendResult::Failed;
        Message message; // the stored one, or the original for Duplicate
    };

    virtual ~ServerStorage() = default;

    // location: a file path (SQLite) or connection string, whatever the implementation needs.
    virtual bool open(const QString &location, QString *errorMessage) = 0;
    virtual void close() = 0;
    virtual bool isOpen() const = 0;
    // Random, made once with the database and kept with it: tells clients a reset or restored server
    // (its seqs may repeat) from the one they knew. Empty when the storage has none.
    virtual QString epoch() const { return QString(); }
    // The token signing secret kept with the data, so that every instance on it signs alike; empty
    // without an error when the storage keeps none (SQLite: the secret lives in a file).
    virtual QByteArray sharedSecret(QString *errorMessage)
    {
        Q_UNUSED(errorMessage)
        return QByteArray();
    }
    // Empty while the storage works; otherwise why not, for /health (it may try to reconnect).
    virtual QString healthProblem() { return isOpen() ? QString() : QStringLiteral("storage closed"); }

    virtual bool addUser(const QString &id, const PasswordHasher::Hash &hash, QString *errorMessage) = 0;
    virtual bool hasUser(const QString &id) const = 0;
    virtual std::optional<PasswordHasher::Hash> passwordHash(const QString &id) const = 0;

    virtual bool ensureConversation(const QString &id, const QString &title, bool isPublic, QString *errorMessage) = 0;
    // A new private conversation with owner as its first member, in one transaction; Exists (and
    // nothing changed) when the id is taken.
    virtual CreateResult createConversation(const QString &id, const QString &title, const QString &owner,
                                            QString *errorMessage) = 0;
    // The operator's command: creates the conversation or changes its title and visibility.
    virtual bool setConversation(const QString &id, const QString &title, bool isPublic, QString *errorMessage) = 0;
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
    // Group commit: appends in order in ONE transaction, each as appendMessage() would (a message
    // refused on its own is Failed without touching the others; dedupe sees the earlier ones of
    // the batch). Returns when the transaction is durable; if it cannot be committed, every
    // outcome is Failed and *errorMessage says why.
    virtual QList<AppendOutcome> appendMessages(const QList<NewMessage> &messages, QString *errorMessage) = 0;
    // Messages with seq > after in seq order; limit < 0 = all.
    virtual QList<Message> messagesAfter(const QString &conversation, qint64 after, int limit = -1) const = 0;

    // Refresh tokens are kept by hash only. A new family starts with its first token (family = hash).
    virtual bool storeRefreshToken(const QByteArray &hash, const QString &userId, const QByteArray &family,
                                   qint64 expiresAtMs) = 0;
    virtual std::optional<RefreshToken> refreshToken(const QByteArray &hash) const = 0;
    // Marks the live token hash rotated at nowMs and stores its successor in the same family and
    // for the same user, in one transaction. False when hash is not live (already rotated or gone).
    virtual bool rotateRefreshToken(const QByteArray &hash, const QByteArray &successorHash, qint64 nowMs,
                                    qint64 successorExpiresAtMs) = 0;
    // Deletes every token of the family (reuse was detected); returns how many.
    virtual int revokeRefreshFamily(const QByteArray &family) = 0;
    virtual int purgeExpiredRefreshTokens(qint64 nowMs) = 0;

protected:
    ServerStorage() = default;
    ServerStorage(const ServerStorage &) = delete;
    ServerStorage &operator=(const ServerStorage &) = delete;
};

} // namespace Tether
