#include "pgchatstore.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>
#include <QVariant>

#include <libpq-fe.h>

#include <algorithm>

namespace Tether {

Q_DECLARE_LOGGING_CATEGORY(lcServer)

namespace {
QAtomicInteger<quint64> s_connectionCounter;
constexpr qint64 kRetryMs = 500;
// Any constant, the same in every instance: pg_advisory_lock's key for the schema migration.
constexpr qint64 kMigrationLock = 0x7465746865720001; // "tether" 1
constexpr int kSchemaVersion = 1;

QString describe(const QSqlError &error)
{
    const QString text = error.databaseText().isEmpty() ? error.text() : error.databaseText();
    return text.isEmpty() ? QStringLiteral("unknown database error") : text.simplified();
}

QVariant nullLimit()
{
    return QVariant(QMetaType::fromType<qlonglong>());
}
} // namespace

PgChatStore::PgChatStore()
    : m_connectionName(QStringLiteral("tether-pg-%1").arg(s_connectionCounter.fetchAndAddRelaxed(1)))
{
}

PgChatStore::~PgChatStore()
{
    close();
}

QString PgChatStore::redacted(const QString &conninfo)
{
    char *error = nullptr;
    PQconninfoOption *options = PQconninfoParse(conninfo.toUtf8().constData(), &error);
    if (!options) {
        PQfreemem(error);
        return QStringLiteral("(unparsable connection string)");
    }
    QStringList parts;
    for (PQconninfoOption *o = options; o->keyword; ++o) {
        if (!o->val)
            continue;
        // dispchar "*" marks libpq's secret keywords (password, ...).
        const bool secret = o->dispchar && o->dispchar[0] == '*';
        parts.append(QStringLiteral("%1=%2").arg(QString::fromUtf8(o->keyword),
                                                 secret ? QStringLiteral("***") : QString::fromUtf8(o->val)));
    }
    PQconninfoFree(options);
    return parts.join(QLatin1Char(' '));
}

bool PgChatStore::connectDb(QString *errorMessage)
{
    QSqlDatabase db = QSqlDatabase::contains(m_connectionName)
            ? QSqlDatabase::database(m_connectionName, false)
            : QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connectionName);
    if (!db.isValid()) {
        if (errorMessage)
            *errorMessage = QStringLiteral("Qt's PostgreSQL driver (QPSQL) is not installed (Debian: libqt6sql6-psql)");
        return false;
    }
    db.close();
    // QPSQL appends the connect options to its own key=value string: the whole CONNINFO goes
    // there, after defaults it may override (libpq takes the last value of a key).
    db.setConnectOptions(QStringLiteral("connect_timeout=3 application_name=tether-server "
                                        "options='-c client_min_messages=warning' ") + m_conninfo);
    if (!db.open()) {
        if (errorMessage)
            *errorMessage = describe(db.lastError());
        return false;
    }
    return true;
}

bool PgChatStore::exec(const QString &sql, QString *errorMessage)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (query.exec(sql))
        return true;
    const QString why = describe(query.lastError());
    noteFailure(why);
    if (errorMessage)
        *errorMessage = why;
    return false;
}

bool PgChatStore::open(const QString &conninfo, QString *errorMessage)
{
    close();
    m_conninfo = conninfo;
    auto fail = [&](const QString &why) {
        if (errorMessage)
            *errorMessage = QStringLiteral("cannot use PostgreSQL (%1): %2").arg(redacted(conninfo), why);
        close();
        return false;
    };
    QString error;
    if (!connectDb(&error))
        return fail(error);
    m_open = true;
    m_broken = false;
    m_problem.clear();
    if (!migrate(&error))
        return fail(error);
    // The epoch is made once, with the database (see ServerStorage::epoch).
    QSqlQuery epoch(QSqlDatabase::database(m_connectionName, false));
    epoch.prepare(QStringLiteral("INSERT INTO meta (key, value) VALUES ('epoch', ?) ON CONFLICT (key) DO NOTHING"));
    epoch.addBindValue(QString::fromLatin1(QUuid::createUuid().toRfc4122().toHex()));
    if (!epoch.exec())
        return fail(describe(epoch.lastError()));
    if (!epoch.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'epoch'")) || !epoch.next())
        return fail(describe(epoch.lastError()));
    m_epoch = epoch.value(0).toString();
    return true;
}

bool PgChatStore::migrate(QString *errorMessage)
{
    // Session-level advisory lock: the first instance creates the schema, the others wait and
    // then find it there (CREATE ... IF NOT EXISTS alone races on the catalogue).
    if (!exec(QStringLiteral("SELECT pg_advisory_lock(%1)").arg(kMigrationLock), errorMessage))
        return false;
    const QStringList schema = {
        QStringLiteral("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, salt BYTEA, key BYTEA, "
                       "iterations INTEGER NOT NULL DEFAULT 0, created_ms BIGINT NOT NULL)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, title TEXT NOT NULL, "
                       "is_public BOOLEAN NOT NULL DEFAULT FALSE, last_seq BIGINT NOT NULL DEFAULT 0, owner TEXT)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS members (conversation TEXT NOT NULL, user_id TEXT NOT NULL, "
                       "PRIMARY KEY (conversation, user_id))"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS members_user ON members (user_id)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS messages (conversation TEXT NOT NULL, seq BIGINT NOT NULL, "
                       "client_id TEXT NOT NULL, sender TEXT NOT NULL, text TEXT NOT NULL, ts BIGINT NOT NULL, "
                       "PRIMARY KEY (conversation, seq), UNIQUE (sender, client_id))"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS refresh_tokens (hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, "
                       "expires_ms BIGINT NOT NULL, family TEXT NOT NULL, rotated_ms BIGINT)"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS refresh_tokens_family ON refresh_tokens (family)"),
        QStringLiteral("INSERT INTO meta (key, value) VALUES ('schema_version', '%1') ON CONFLICT (key) DO NOTHING")
                .arg(kSchemaVersion),
    };
    bool ok = true;
    for (const QString &sql : schema) {
        if (!(ok = exec(sql, errorMessage)))
            break;
    }
    // A database made by a newer version is not ours to write to.
    if (ok) {
        QSqlQuery version(QSqlDatabase::database(m_connectionName, false));
        if (version.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'schema_version'")) && version.next()
            && version.value(0).toInt() > kSchemaVersion) {
            ok = false;
            if (errorMessage)
                *errorMessage = QStringLiteral("the schema is version %1, newer than this server's %2")
                                        .arg(version.value(0).toString()).arg(kSchemaVersion);
        }
    }
    QString unlockError;
    exec(QStringLiteral("SELECT pg_advisory_unlock(%1)").arg(kMigrationLock), &unlockError);
    return ok;
}

void PgChatStore::close()
{
    if (QSqlDatabase::contains(m_connectionName)) {
        {
            QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_connectionName);
    }
    m_open = false;
}

bool PgChatStore::failed(const QSqlQuery &query, QString *errorMessage) const
{
    const QString why = describe(query.lastError());
    noteFailure(why);
    if (errorMessage)
        *errorMessage = m_broken ? m_problem : why;
    return false;
}

void PgChatStore::noteFailure(const QString &why) const
{
    if (m_broken || !m_open)
        return; // known already: keep the first reason
    const QVariant handle = QSqlDatabase::database(m_connectionName, false).driver()->handle();
    PGconn *connection = handle.isValid() && qstrcmp(handle.typeName(), "PGconn*") == 0
            ? *static_cast<PGconn *const *>(handle.constData()) : nullptr;
    if (connection && PQstatus(connection) == CONNECTION_OK)
        return; // the statement failed, not the connection
    qCWarning(lcServer).noquote() << "PostgreSQL connection lost:" << why;
    m_broken = true;
    m_problem = QStringLiteral("postgresql: %1").arg(why);
}

bool PgChatStore::ready() const
{
    if (!m_open)
        return false;
    if (!m_broken)
        return true;
    if (m_lastAttempt.isValid() && m_lastAttempt.elapsed() < kRetryMs)
        return false;
    m_lastAttempt.start();
    QString error;
    if (!const_cast<PgChatStore *>(this)->connectDb(&error)) {
        m_problem = QStringLiteral("postgresql: %1").arg(error);
        return false;
    }
    qCInfo(lcServer).noquote() << "PostgreSQL connection restored";
    m_broken = false;
    m_problem.clear();
    return true;
}

QString PgChatStore::healthProblem()
{
    if (!m_open)
        return QStringLiteral("storage closed");
    // A probe, so /health notices a lost (or regained) database without waiting for traffic.
    if (ready())
        exec(QStringLiteral("SELECT 1"), nullptr);
    return m_broken ? m_problem : QString();
}

QByteArray PgChatStore::sharedSecret(QString *errorMessage)
{
    quint32 random[8];
    QRandomGenerator::system()->fillRange(random);
    const QString fresh = QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(random), sizeof(random)).toHex());
    const bool up = ready(); // before prepare(), which QPSQL sends to the server
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    // Whoever inserts first wins; everyone then reads the same one.
    query.prepare(QStringLiteral("INSERT INTO meta (key, value) VALUES ('token_secret', ?) ON CONFLICT (key) DO NOTHING"));
    query.addBindValue(fresh);
    if (!up || !query.exec() || !query.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'token_secret'"))
        || !query.next()) {
        if (errorMessage)
            *errorMessage = QStringLiteral("cannot keep the token secret in PostgreSQL: %1").arg(describe(query.lastError()));
        return QByteArray();
    }
    return query.value(0).toString().toLatin1();
}

bool PgChatStore::addUser(const QString &id, const PasswordHasher::Hash &hash, QString *errorMessage)
{
    const bool up = ready(); // before prepare(), which QPSQL sends to the server
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("INSERT INTO users (id, salt, key, iterations, created_ms) VALUES (?, ?, ?, ?, ?) "
                                 "ON CONFLICT (id) DO NOTHING"));
    query.addBindValue(id);
    query.addBindValue(hash.salt);
    query.addBindValue(hash.key);
    query.addBindValue(hash.iterations);
    query.addBindValue(QDateTime::currentMSecsSinceEpoch());
    if (up && query.exec()) {
        if (query.numRowsAffected() == 1)
            return true;
        if (errorMessage)
            *errorMessage = QStringLiteral("user %1 already exists").arg(id);
        return false;
    }
    noteFailure(describe(query.lastError()));
    if (errorMessage)
        *errorMessage = m_broken ? m_problem : describe(query.lastError());
    return false;
}

bool PgChatStore::hasUser(const QString &id) const
{
    const bool up = ready(); // before prepare(), which QPSQL sends to the server
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT 1 FROM users WHERE id = ?"));
    query.addBindValue(id);
    return up && query.exec() ? query.next() : failed(query, nullptr);
}

std::optional<PasswordHasher::Hash> PgChatStore::passwordHash(const QString &id) const
{
    const bool up = ready(); // before prepare(), which QPSQL sends to the server
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT salt, key, iterations FROM users WHERE id = ?"));
    query.addBindValue(id);
    if (!up || !query.exec())
        return failed(query, nullptr), std::nullopt;
    if (!query.next())
        return std::nullopt;
    PasswordHasher::Hash hash;
    hash.salt = query.value(0).toByteArray();
    hash.key = query.value(1).toByteArray();
    hash.iterations = query.value(2).toInt();
    return hash;
}

bool PgChatStore::ensureConversation(const QString &id, const QString &title, bool isPublic, QString *errorMessage)
{
    const bool up = ready(); // before prepare(), which QPSQL sends to the server
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("INSERT INTO conversations (id, title, is_public, last_seq) VALUES (?, ?, ?, 0) "
                                 "ON CONFLICT (id) DO UPDATE SET is_public = conversations.is_public OR excluded.is_public"));
    query.addBindValue(id);
    query.addBindValue(title);
    query.addBindValue(isPublic);
    return (up && query.exec()) || failed(query, errorMessage);
}

PgChatStore::CreateResult PgChatStore::createConversation(const QString &id, const QString &title, const QString &owner,
                                                          QString *errorMessage)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    auto fail = [&](const QSqlError &error) {
        noteFailure(describe(error));
        db.rollback();
        if (errorMessage)
            *errorMessage = describe(error);
        return CreateResult::Failed;
    };
    if (!ready() || !db.transaction())
        return fail(db.lastError());
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral("INSERT INTO conversations (id, title, is_public, last_seq, owner) "
                                  "VALUES (?, ?, FALSE, 0, ?) ON CONFLICT (id) DO NOTHING"));
    insert.addBindValue(id);
    insert.addBindValue(title);
    insert.addBindValue(owner);
    if (!insert.exec())
        return fail(insert.lastError());
    if (insert.numRowsAffected() != 1) {
        db.rollback();
        return CreateResult::Exists;
    }
    QSqlQuery member(db);
    member.prepare(QStringLiteral("INSERT INTO members (conversation, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING"));
    member.addBindValue(id);
    member.addBindValue(owner);
    if (!member.exec())
        return fail(member.lastError());
    if (!db.commit())
        return fail(db.lastError());
    return CreateResult::Created;
}

bool PgChatStore::setConversation(const QString &id, const QString &title, bool isPublic, QString *errorMessage)
{
    const bool up = ready(); // before prepare(), which QPSQL sends to the server
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("INSERT INTO conversations (id, title, is_public, last_seq) VALUES (?, ?, ?, 0) "
                                 "ON CONFLICT (id) DO UPDATE SET title = excluded.title, is_public = excluded.is_public"));
    query.addBindValue(id);
    query.addBindValue(title);
    query.addBindValue(isPublic);
    return (up && query.exec()) || failed(query, errorMessage);
}

std::optional<PgChatStore::Conversation> PgChatStore::conversation(const QString &id) const
{
    const bool up = ready(); // before prepare(), which QPSQL sends to the server
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT id, title, last_seq, is_public FROM conversations WHERE id = ?"));
    query.addBindValue(id);
    if (!up || !query.exec())
        return failed(query, nullptr), std::nullopt;
    if (!query.next())
        return std::nullopt;
    return Conversation{ query.value(0).toString(), query.value(1).toString(), query.value(2).toLongLong(),
                         query.value(3).toBool() };
}

QList<PgChatStore::Conversation> PgChatStore::conversationsFor(const QString &userId) const
{
    QList<Conversation> result;
    const bool up = ready(); // before prepare(), which QPSQL sends to the server
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT id, title, last_seq, is_public FROM conversations WHERE is_public "
                                 "OR id IN (SELECT conversation FROM members WHERE user_id = ?) ORDER BY id"));
    query.addBindValue(userId);
    if (!up || !query.exec())
        return failed(query, nullptr), result;
    while (query.next())
        result.append(Conversation{ query.value(0).toString(), query.value(1).toString(),
                                    query.value(2).toLongLong(), query.value(3).toBool() });
    return result;
}

bool PgChatStore::isMember(const QString &conversation, const QString &userId) const
{
    const bool up = ready(); // before prepare(), which QPSQL sends to the server
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT 1 FROM conversations WHERE id = ? AND (is_public OR EXISTS "
                                 "(SELECT 1 FROM members WHERE conversation = ? AND user_id = ?))"));
    query.addBindValue(conversation);
    query.addBindValue(conversation);
    query.addBindValue(userId);
    return up && query.exec() ? query.next() : failed(query, nullptr);
}

QStringList PgChatStore::members(const QString &conversation) const
{
    QStringList result;
    const bool up = ready(); // before prepare(), which QPSQL sends to the server
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT user_id FROM members WHERE conversation = ?"));
    query.addBindValue(conversation);
    if (!up || !query.exec())
        return failed(query, nullptr), result;
    while (query.next())
        result.append(query.value(0).toString());
    return result;
}

bool PgChatStore::addMember(const QString &conversation, const QString &userId, QString *errorMessage)
{
    const bool up = ready(); // before prepare(), which QPSQL sends to the server
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("INSERT INTO members (conversation, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING"));
    query.addBindValue(conversation);
    query.addBindValue(userId);
    return (up && query.exec()) || failed(query, errorMessage);
}

bool PgChatStore::removeMember(const QString &conversation, const QString &userId, QString *errorMessage)
{
    const bool up = ready(); // before prepare(), which QPSQL sends to the server
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("DELETE FROM members WHERE conversation = ? AND user_id = ?"));
    query.addBindValue(conversation);
    query.addBindValue(userId);
    return (up && query.exec()) || failed(query, errorMessage);
}

PgChatStore::AppendResult PgChatStore::appendMessage(const QString &conversation, const QString &clientId,
                                                     const QString &from, const QString &text, qint64 ts,
                                                     Message *out, QString *errorMessage)
{
    const QList<AppendOutcome> outcomes = appendMessages({ NewMessage{ conversation, clientId, from, text, ts } }, errorMessage);
    if (out && outcomes.constFirst().result != AppendResult::Failed)
        *out = outcomes.constFirst().message;
    return outcomes.constFirst().result;
}

QList<PgChatStore::AppendOutcome> PgChatStore::appendMessages(const QList<NewMessage> &messages, QString *errorMessage)
{
    QList<AppendOutcome> outcomes(messages.size());
    if (messages.isEmpty())
        return outcomes;
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    auto failAll = [&](const QString &why) {
        noteFailure(why);
        db.rollback();
        if (errorMessage)
            *errorMessage = m_broken ? m_problem : why;
        for (AppendOutcome &outcome : outcomes)
            outcome = AppendOutcome();
        return outcomes;
    };
    if (!ready())
        return failAll(m_problem.isEmpty() ? QStringLiteral("postgresql: not connected") : m_problem);
    if (!db.transaction())
        return failAll(describe(db.lastError()));
    // The conversations' rows are locked in one order (by id) before any seq is taken: two
    // instances committing batches over the same conversations then queue, never deadlock.
    QStringList conversations;
    for (const NewMessage &m : messages)
        conversations.append(m.conversation);
    conversations.removeDuplicates();
    std::sort(conversations.begin(), conversations.end());
    for (const QString &id : std::as_const(conversations)) {
        QSqlQuery lock(db);
        lock.prepare(QStringLiteral("SELECT 1 FROM conversations WHERE id = ? FOR UPDATE"));
        lock.addBindValue(id);
        if (!lock.exec())
            return failAll(describe(lock.lastError()));
    }
    QString firstError;
    for (qsizetype i = 0; i < messages.size(); ++i) {
        QString error;
        outcomes[i] = appendOne(messages.at(i), &error);
        if (outcomes[i].result == AppendResult::Failed && firstError.isEmpty())
            firstError = error;
    }
    // The ack waits for this: nothing is acknowledged that PostgreSQL has not committed.
    if (!db.commit())
        return failAll(describe(db.lastError()));
    if (errorMessage && !firstError.isEmpty())
        *errorMessage = firstError;
    return outcomes;
}

PgChatStore::AppendOutcome PgChatStore::appendOne(const NewMessage &original, QString *errorMessage)
{
    // PostgreSQL's text cannot hold U+0000 (SQLite's can): it becomes U+FFFD, or the message would
    // fail as storage_error on every retry and block its sender's outbox.
    NewMessage m = original;
    m.text.replace(QChar(0), QChar::ReplacementCharacter);
    m.clientId.replace(QChar(0), QChar::ReplacementCharacter);
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    auto fail = [&](const QString &why) {
        if (errorMessage)
            *errorMessage = why;
        return AppendOutcome();
    };
    auto existing = [&]() -> std::optional<AppendOutcome> {
        QSqlQuery query(db);
        query.prepare(QStringLiteral("SELECT conversation, seq, text, ts FROM messages WHERE sender = ? AND client_id = ?"));
        query.addBindValue(m.from);
        query.addBindValue(m.clientId);
        if (!query.exec() || !query.next())
            return std::nullopt;
        AppendOutcome outcome;
        outcome.result = AppendResult::Duplicate;
        outcome.message = Message{ query.value(0).toString(), query.value(1).toLongLong(), m.clientId, m.from,
                                   query.value(2).toString(), query.value(3).toLongLong() };
        return outcome;
    };
    if (const auto duplicate = existing())
        return *duplicate;
    // A savepoint per message: one that fails must not keep its seq taken, nor undo the others.
    if (!QSqlQuery(db).exec(QStringLiteral("SAVEPOINT append_one")))
        return fail(describe(db.lastError()));
    auto undo = [&](const QString &why) {
        QSqlQuery(db).exec(QStringLiteral("ROLLBACK TO SAVEPOINT append_one"));
        QSqlQuery(db).exec(QStringLiteral("RELEASE SAVEPOINT append_one"));
        return fail(why);
    };
    QSqlQuery query(db);
    query.prepare(QStringLiteral("UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq"));
    query.addBindValue(m.conversation);
    if (!query.exec() || !query.next()) {
        const QSqlError error = query.lastError();
        return undo(error.isValid() ? describe(error) : QStringLiteral("no such conversation"));
    }
    const qint64 seq = query.value(0).toLongLong();
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral("INSERT INTO messages (conversation, seq, client_id, sender, text, ts) VALUES (?, ?, ?, ?, ?, ?)"));
    insert.addBindValue(m.conversation);
    insert.addBindValue(seq);
    insert.addBindValue(m.clientId);
    insert.addBindValue(m.from);
    insert.addBindValue(m.text);
    insert.addBindValue(m.ts);
    if (!insert.exec()) {
        const QString why = describe(insert.lastError());
        undo(why);
        // Another instance stored the same (sender, id) meanwhile: PostgreSQL waited for its
        // commit before refusing this one, so it can be read now.
        if (const auto duplicate = existing())
            return *duplicate;
        return fail(why);
    }
    if (!QSqlQuery(db).exec(QStringLiteral("RELEASE SAVEPOINT append_one")))
        return undo(describe(db.lastError()));
    AppendOutcome outcome;
    outcome.result = AppendResult::Stored;
    outcome.message = Message{ m.conversation, seq, m.clientId, m.from, m.text, m.ts };
    return outcome;
}

QList<PgChatStore::Message> PgChatStore::messagesAfter(const QString &conversation, qint64 after, int limit) const
{
    QList<Message> result;
    const bool up = ready(); // before prepare(), which QPSQL sends to the server
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT seq, client_id, sender, text, ts FROM messages WHERE conversation = ? "
                                 "AND seq > ? ORDER BY seq LIMIT ?"));
    query.addBindValue(conversation);
    query.addBindValue(after);
    query.addBindValue(limit < 0 ? nullLimit() : QVariant(qlonglong(limit)));
    if (!up || !query.exec())
        return failed(query, nullptr), result;
    while (query.next())
        result.append(Message{ conversation, query.value(0).toLongLong(), query.value(1).toString(),
                               query.value(2).toString(), query.value(3).toString(), query.value(4).toLongLong() });
    return result;
}

bool PgChatStore::storeRefreshToken(const QByteArray &hash, const QString &userId, const QByteArray &family,
                                    qint64 expiresAtMs)
{
    const bool up = ready(); // before prepare(), which QPSQL sends to the server
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("INSERT INTO refresh_tokens (hash, user_id, expires_ms, family) VALUES (?, ?, ?, ?)"));
    query.addBindValue(QString::fromLatin1(hash));
    query.addBindValue(userId);
    query.addBindValue(expiresAtMs);
    query.addBindValue(QString::fromLatin1(family));
    return (up && query.exec()) || failed(query, nullptr);
}

std::optional<PgChatStore::RefreshToken> PgChatStore::refreshToken(const QByteArray &hash) const
{
    const bool up = ready(); // before prepare(), which QPSQL sends to the server
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT user_id, family, expires_ms, rotated_ms FROM refresh_tokens WHERE hash = ?"));
    query.addBindValue(QString::fromLatin1(hash));
    if (!up || !query.exec())
        return failed(query, nullptr), std::nullopt;
    if (!query.next())
        return std::nullopt;
    RefreshToken token;
    token.userId = query.value(0).toString();
    token.family = query.value(1).toString().toLatin1();
    token.expiresAtMs = query.value(2).toLongLong();
    token.rotatedAtMs = query.value(3).isNull() ? -1 : query.value(3).toLongLong();
    return token;
}

bool PgChatStore::rotateRefreshToken(const QByteArray &hash, const QByteArray &successorHash, qint64 nowMs,
                                     qint64 successorExpiresAtMs)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!ready() || !db.transaction()) {
        noteFailure(describe(db.lastError()));
        return false;
    }
    // The row lock of the UPDATE makes one of two instances rotating the same token at once win.
    QSqlQuery rotate(db);
    rotate.prepare(QStringLiteral("UPDATE refresh_tokens SET rotated_ms = ? WHERE hash = ? AND rotated_ms IS NULL "
                                  "RETURNING user_id, family"));
    rotate.addBindValue(nowMs);
    rotate.addBindValue(QString::fromLatin1(hash));
    if (!rotate.exec() || !rotate.next()) {
        noteFailure(describe(rotate.lastError()));
        db.rollback();
        return false;
    }
    const QString userId = rotate.value(0).toString();
    const QString family = rotate.value(1).toString();
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral("INSERT INTO refresh_tokens (hash, user_id, expires_ms, family) VALUES (?, ?, ?, ?)"));
    insert.addBindValue(QString::fromLatin1(successorHash));
    insert.addBindValue(userId);
    insert.addBindValue(successorExpiresAtMs);
    insert.addBindValue(family);
    if (!insert.exec() || !db.commit()) {
        noteFailure(describe(db.lastError()));
        db.rollback();
        return false;
    }
    return true;
}

int PgChatStore::revokeRefreshFamily(const QByteArray &family)
{
    const bool up = ready(); // before prepare(), which QPSQL sends to the server
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("DELETE FROM refresh_tokens WHERE family = ?"));
    query.addBindValue(QString::fromLatin1(family));
    return up && query.exec() ? query.numRowsAffected() : (failed(query, nullptr), 0);
}

int PgChatStore::purgeExpiredRefreshTokens(qint64 nowMs)
{
    const bool up = ready(); // before prepare(), which QPSQL sends to the server
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("DELETE FROM refresh_tokens WHERE expires_ms <= ?"));
    query.addBindValue(nowMs);
    return up && query.exec() ? query.numRowsAffected() : (failed(query, nullptr), 0);
}

} // namespace Tether
