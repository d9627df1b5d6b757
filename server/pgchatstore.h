#pragma once
// The server's PostgreSQL store (Qt SQL's QPSQL driver): the ServerStorage that any number of
// tether-server instances share. Seqs are assigned under the conversation's row lock in the
// transaction of the insert; the token secret and the epoch live in the database.
// (pgchatstore.cpp is over 600 lines: it is the whole ServerStorage interface in PostgreSQL's SQL.)

#include "serverstorage.h"

#include <QElapsedTimer>

class QSqlQuery;

namespace Tether {

class PgChatStore : public ServerStorage
{
public:
    PgChatStore();
    ~PgChatStore() override;

    // location: a libpq connection string (key=value form). Creates or migrates the schema under
    // an advisory lock, so instances starting together on an empty database do not collide.
    bool open(const QString &conninfo, QString *errorMessage) override;
    void close() override;
    bool isOpen() const override { return m_open; }
    QString epoch() const override { return m_epoch; }
    QByteArray sharedSecret(QString *errorMessage) override;
    QString healthProblem() override;

    // The connection string fit for a log line: the password (and any other secret) replaced.
    static QString redacted(const QString &conninfo);

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
    bool connectDb(QString *errorMessage);
    bool migrate(QString *errorMessage);
    bool exec(const QString &sql, QString *errorMessage);
    // Before a call: a connection found broken is opened again (at most every kRetryMs), so the
    // server comes back by itself when PostgreSQL does. False while it is down.
    bool ready() const;
    // After a failed statement: whether the connection itself is gone (then the next call reconnects).
    void noteFailure(const QString &why) const;
    // noteFailure() for a failed query, and its reason in *errorMessage; always false.
    bool failed(const QSqlQuery &query, QString *errorMessage) const;
    AppendOutcome appendOne(const NewMessage &message, QString *errorMessage);

    QString m_connectionName;
    QString m_conninfo;
    QString m_epoch;
    bool m_open = false;
    mutable bool m_broken = false;
    mutable QString m_problem;
    mutable QElapsedTimer m_lastAttempt;
};

} // namespace Tether
