#include "chatstore.h"

#include "privatefile.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>
#include <QVariant>

namespace Tether {

namespace {
QAtomicInteger<quint64> s_connectionCounter;

QString describe(const QSqlError &error)
{
    const QString text = error.databaseText().isEmpty() ? error.text() : error.databaseText();
    return text.isEmpty() ? QStringLiteral("unknown database error") : text;
}
} // namespace

ChatStore::ChatStore(Sync sync)
    : m_sync(sync), m_connectionName(QStringLiteral("tether-server-%1").arg(s_connectionCounter.fetchAndAddRelaxed(1)))
{
}

ChatStore::~ChatStore()
{
    close();
}

bool ChatStore::exec(const QString &sql, QString *errorMessage)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (query.exec(sql))
        return true;
    if (errorMessage)
        *errorMessage = describe(query.lastError());
    return false;
}

bool ChatStore::open(const QString &path, QString *errorMessage)
{
    close();
    auto fail = [&](const QString &why) {
        if (errorMessage)
            *errorMessage = QStringLiteral("cannot use database %1: %2").arg(path, why);
        close();
        return false;
    };
    const QFileInfo info(path);
    if (info.exists() && !info.isFile())
        return fail(QStringLiteral("not a regular file"));
    if (!QDir().mkpath(info.absolutePath()))
        return fail(QStringLiteral("cannot create directory %1").arg(info.absolutePath()));
    // Messages and password hashes are the owner's only: a new database file is created 0600
    // before SQLite writes its first byte (SQLite gives its -wal and -shm the database's mode),
    // and one left readable by an older version is narrowed.
    const bool inMemory = path == QLatin1String(":memory:");
    if (!inMemory && !info.exists()) {
        QString error;
        if (!PrivateFile::create(path, QByteArray(), &error))
            return fail(error);
    } else if (!inMemory) {
        for (const QString &file : { path, path + QStringLiteral("-wal"), path + QStringLiteral("-shm") }) {
            if (!PrivateFile::restrict(file))
                return fail(QStringLiteral("cannot take group and others' permissions from %1").arg(file));
        }
    }

    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open())
            return fail(describe(db.lastError()));
    }
    m_path = path;
    m_open = true;

    QString error;
    // The first statement reads the header: a corrupt file fails here ("file is not a database").
    if (!exec(QStringLiteral("PRAGMA journal_mode=WAL"), &error))
        return fail(error);
    const QStringList schema = {
        m_sync == Sync::Durable ? QStringLiteral("PRAGMA synchronous=FULL") : QStringLiteral("PRAGMA synchronous=NORMAL"),
        QStringLiteral("PRAGMA foreign_keys=ON"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, salt BLOB, key BLOB, "
                       "iterations INTEGER NOT NULL DEFAULT 0, created_ms INTEGER NOT NULL)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, title TEXT NOT NULL, "
                       "is_public INTEGER NOT NULL DEFAULT 0, last_seq INTEGER NOT NULL DEFAULT 0, owner TEXT)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS members (conversation TEXT NOT NULL, user_id TEXT NOT NULL, "
                       "PRIMARY KEY (conversation, user_id))"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS messages (conversation TEXT NOT NULL, seq INTEGER NOT NULL, "
                       "client_id TEXT NOT NULL, sender TEXT NOT NULL, text TEXT NOT NULL, ts INTEGER NOT NULL, "
                       "PRIMARY KEY (conversation, seq), UNIQUE (sender, client_id))"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS refresh_tokens (hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, "
                       "expires_ms INTEGER NOT NULL, family TEXT, rotated_ms INTEGER)"),
    };
    for (const QString &sql : schema) {
        if (!exec(sql, &error))
            return fail(error);
    }
    if (!migrate(&error))
        return fail(error);
    // quick_check reports problems as rows, not as an error.
    {
        QSqlQuery check(QSqlDatabase::database(m_connectionName, false));
        if (!check.exec(QStringLiteral("PRAGMA quick_check")) || !check.next())
            return fail(describe(check.lastError()));
        const QString verdict = check.value(0).toString();
        if (verdict != QLatin1String("ok"))
            return fail(QStringLiteral("integrity check failed (%1)").arg(verdict.section(QLatin1Char('\n'), 0, 0).left(200)));
    }
    // The epoch is made once, with the database: a restored backup keeps its own, a new file gets a
    // new one, so clients can tell that seqs may have gone back.
    {
        QSqlQuery epoch(QSqlDatabase::database(m_connectionName, false));
        epoch.prepare(QStringLiteral("INSERT OR IGNORE INTO meta (key, value) VALUES ('epoch', ?)"));
        epoch.addBindValue(QString::fromLatin1(QUuid::createUuid().toRfc4122().toHex()));
        if (!epoch.exec())
            return fail(describe(epoch.lastError()));
        if (!epoch.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'epoch'")) || !epoch.next())
            return fail(describe(epoch.lastError()));
        m_epoch = epoch.value(0).toString();
    }
    // Prove the file is writable now rather than at the first acknowledged message.
    QSqlQuery probe(QSqlDatabase::database(m_connectionName, false));
    probe.prepare(QStringLiteral("INSERT OR REPLACE INTO meta (key, value) VALUES ('opened_ms', ?)"));
    probe.addBindValue(QString::number(QDateTime::currentMSecsSinceEpoch()));
    if (!probe.exec())
        return fail(describe(probe.lastError()));
    return true;
}

bool ChatStore::migrate(QString *errorMessage)
{
    // Columns added since the first release, with defaults that keep old rows meaning what they
    // meant: a conversation without owner was made by a join or the operator; a refresh token
    // without family is a family of its own; rotated_ms NULL is a live token.
    const struct { const char *table; const char *column; const char *definition; } added[] = {
        { "conversations", "owner", "TEXT" },
        { "refresh_tokens", "family", "TEXT" },
        { "refresh_tokens", "rotated_ms", "INTEGER" },
    };
    for (const auto &a : added) {
        QSqlQuery columns(QSqlDatabase::database(m_connectionName, false));
        if (!columns.exec(QStringLiteral("PRAGMA table_info(%1)").arg(QLatin1String(a.table)))) {
            if (errorMessage)
                *errorMessage = describe(columns.lastError());
            return false;
        }
        bool present = false;
        while (columns.next())
            present = present || columns.value(1).toString() == QLatin1String(a.column);
        columns.finish();
        if (!present && !exec(QStringLiteral("ALTER TABLE %1 ADD COLUMN %2 %3")
                                      .arg(QLatin1String(a.table), QLatin1String(a.column), QLatin1String(a.definition)),
                              errorMessage))
            return false;
    }
    return exec(QStringLiteral("CREATE INDEX IF NOT EXISTS refresh_tokens_family ON refresh_tokens (family)"), errorMessage);
}

int ChatStore::synchronousLevel() const
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (!query.exec(QStringLiteral("PRAGMA synchronous")) || !query.next())
        return -1;
    return query.value(0).toInt();
}

void ChatStore::close()
{
    if (QSqlDatabase::contains(m_connectionName)) {
        {
            QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
            if (db.isOpen()) {
                QSqlQuery(db).exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
                db.close();
            }
        }
        QSqlDatabase::removeDatabase(m_connectionName);
    }
    m_open = false;
}

bool ChatStore::addUser(const QString &id, const PasswordHasher::Hash &hash, QString *errorMessage)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("INSERT INTO users (id, salt, key, iterations, created_ms) VALUES (?, ?, ?, ?, ?)"));
    query.addBindValue(id);
    query.addBindValue(hash.salt);
    query.addBindValue(hash.key);
    query.addBindValue(hash.iterations);
    query.addBindValue(QDateTime::currentMSecsSinceEpoch());
    if (query.exec())
        return true;
    if (errorMessage)
        *errorMessage = hasUser(id) ? QStringLiteral("user %1 already exists").arg(id) : describe(query.lastError());
    return false;
}

bool ChatStore::hasUser(const QString &id) const
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT 1 FROM users WHERE id = ?"));
    query.addBindValue(id);
    return query.exec() && query.next();
}

std::optional<PasswordHasher::Hash> ChatStore::passwordHash(const QString &id) const
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT salt, key, iterations FROM users WHERE id = ?"));
    query.addBindValue(id);
    if (!query.exec() || !query.next())
        return std::nullopt;
    PasswordHasher::Hash hash;
    hash.salt = query.value(0).toByteArray();
    hash.key = query.value(1).toByteArray();
    hash.iterations = query.value(2).toInt();
    return hash;
}

bool ChatStore::ensureConversation(const QString &id, const QString &title, bool isPublic, QString *errorMessage)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("INSERT INTO conversations (id, title, is_public, last_seq) VALUES (?, ?, ?, 0) "
                                 "ON CONFLICT(id) DO UPDATE SET is_public = MAX(is_public, excluded.is_public)"));
    query.addBindValue(id);
    query.addBindValue(title);
    query.addBindValue(isPublic ? 1 : 0);
    if (query.exec())
        return true;
    if (errorMessage)
        *errorMessage = describe(query.lastError());
    return false;
}

ChatStore::CreateResult ChatStore::createConversation(const QString &id, const QString &title, const QString &owner,
                                                     QString *errorMessage)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    auto fail = [&](const QSqlError &error) {
        db.rollback();
        if (errorMessage)
            *errorMessage = describe(error);
        return CreateResult::Failed;
    };
    if (!db.transaction())
        return fail(db.lastError());
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral("INSERT INTO conversations (id, title, is_public, last_seq, owner) VALUES (?, ?, 0, 0, ?) "
                                  "ON CONFLICT(id) DO NOTHING"));
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
    member.prepare(QStringLiteral("INSERT OR IGNORE INTO members (conversation, user_id) VALUES (?, ?)"));
    member.addBindValue(id);
    member.addBindValue(owner);
    if (!member.exec())
        return fail(member.lastError());
    if (!db.commit())
        return fail(db.lastError());
    return CreateResult::Created;
}

bool ChatStore::setConversation(const QString &id, const QString &title, bool isPublic, QString *errorMessage)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("INSERT INTO conversations (id, title, is_public, last_seq) VALUES (?, ?, ?, 0) "
                                 "ON CONFLICT(id) DO UPDATE SET title = excluded.title, is_public = excluded.is_public"));
    query.addBindValue(id);
    query.addBindValue(title);
    query.addBindValue(isPublic ? 1 : 0);
    if (query.exec())
        return true;
    if (errorMessage)
        *errorMessage = describe(query.lastError());
    return false;
}

std::optional<ChatStore::Conversation> ChatStore::conversation(const QString &id) const
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT id, title, last_seq, is_public FROM conversations WHERE id = ?"));
    query.addBindValue(id);
    if (!query.exec() || !query.next())
        return std::nullopt;
    return Conversation{ query.value(0).toString(), query.value(1).toString(), query.value(2).toLongLong(),
                         query.value(3).toInt() != 0 };
}

QList<ChatStore::Conversation> ChatStore::conversationsFor(const QString &userId) const
{
    QList<Conversation> result;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT id, title, last_seq, is_public FROM conversations WHERE is_public = 1 "
                                 "OR id IN (SELECT conversation FROM members WHERE user_id = ?) ORDER BY id"));
    query.addBindValue(userId);
    if (!query.exec())
        return result;
    while (query.next())
        result.append(Conversation{ query.value(0).toString(), query.value(1).toString(),
                                    query.value(2).toLongLong(), query.value(3).toInt() != 0 });
    return result;
}

bool ChatStore::isMember(const QString &conversation, const QString &userId) const
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT 1 FROM conversations WHERE id = ? AND (is_public = 1 OR EXISTS "
                                 "(SELECT 1 FROM members WHERE conversation = ? AND user_id = ?))"));
    query.addBindValue(conversation);
    query.addBindValue(conversation);
    query.addBindValue(userId);
    return query.exec() && query.next();
}

QStringList ChatStore::members(const QString &conversation) const
{
    QStringList result;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT user_id FROM members WHERE conversation = ?"));
    query.addBindValue(conversation);
    if (query.exec()) {
        while (query.next())
            result.append(query.value(0).toString());
    }
    return result;
}

bool ChatStore::addMember(const QString &conversation, const QString &userId, QString *errorMessage)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("INSERT OR IGNORE INTO members (conversation, user_id) VALUES (?, ?)"));
    query.addBindValue(conversation);
    query.addBindValue(userId);
    if (query.exec())
        return true;
    if (errorMessage)
        *errorMessage = describe(query.lastError());
    return false;
}

bool ChatStore::removeMember(const QString &conversation, const QString &userId, QString *errorMessage)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("DELETE FROM members WHERE conversation = ? AND user_id = ?"));
    query.addBindValue(conversation);
    query.addBindValue(userId);
    if (query.exec())
        return true;
    if (errorMessage)
        *errorMessage = describe(query.lastError());
    return false;
}

ChatStore::AppendResult ChatStore::appendMessage(const QString &conversation, const QString &clientId,
                                                 const QString &from, const QString &text, qint64 ts,
                                                 Message *out, QString *errorMessage)
{
    const QList<AppendOutcome> outcomes = appendMessages({ NewMessage{ conversation, clientId, from, text, ts } }, errorMessage);
    if (out && outcomes.constFirst().result != AppendResult::Failed)
        *out = outcomes.constFirst().message;
    return outcomes.constFirst().result;
}

QList<ChatStore::AppendOutcome> ChatStore::appendMessages(const QList<NewMessage> &messages, QString *errorMessage)
{
    QList<AppendOutcome> outcomes(messages.size());
    if (messages.isEmpty())
        return outcomes;
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!db.transaction()) {
        if (errorMessage)
            *errorMessage = describe(db.lastError());
        return outcomes;
    }
    QString firstError;
    for (qsizetype i = 0; i < messages.size(); ++i) {
        QString error;
        outcomes[i] = appendOne(messages.at(i), &error);
        if (outcomes[i].result == AppendResult::Failed && firstError.isEmpty())
            firstError = error;
    }
    // One fsync for the whole batch (synchronous=FULL): this is what makes durable acks cheap.
    if (!db.commit()) {
        const QString error = describe(db.lastError());
        db.rollback();
        if (errorMessage)
            *errorMessage = error;
        for (AppendOutcome &outcome : outcomes)
            outcome = AppendOutcome();
        return outcomes;
    }
    if (errorMessage && !firstError.isEmpty())
        *errorMessage = firstError;
    return outcomes;
}

ChatStore::AppendOutcome ChatStore::appendOne(const NewMessage &m, QString *errorMessage)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    AppendOutcome outcome;
    auto fail = [&](const QString &why) {
        if (errorMessage)
            *errorMessage = why;
        return AppendOutcome();
    };
    {
        QSqlQuery existing(db);
        existing.prepare(QStringLiteral("SELECT conversation, seq, text, ts FROM messages WHERE sender = ? AND client_id = ?"));
        existing.addBindValue(m.from);
        existing.addBindValue(m.clientId);
        if (!existing.exec())
            return fail(describe(existing.lastError()));
        if (existing.next()) {
            outcome.result = AppendResult::Duplicate;
            outcome.message = Message{ existing.value(0).toString(), existing.value(1).toLongLong(), m.clientId, m.from,
                                       existing.value(2).toString(), existing.value(3).toLongLong() };
            return outcome;
        }
    }
    // A savepoint per message: one that fails must not leave its seq taken, nor undo the others.
    QSqlQuery savepoint(db);
    if (!savepoint.exec(QStringLiteral("SAVEPOINT append_one")))
        return fail(describe(savepoint.lastError()));
    auto undo = [&](const QString &why) {
        QSqlQuery(db).exec(QStringLiteral("ROLLBACK TO append_one"));
        QSqlQuery(db).exec(QStringLiteral("RELEASE append_one"));
        return fail(why);
    };
    QSqlQuery query(db);
    query.prepare(QStringLiteral("UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq"));
    query.addBindValue(m.conversation);
    if (!query.exec() || !query.next()) {
        const QSqlError error = query.lastError();
        query.finish();
        return undo(error.isValid() ? describe(error) : QStringLiteral("no such conversation"));
    }
    const qint64 seq = query.value(0).toLongLong();
    query.finish();
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral("INSERT INTO messages (conversation, seq, client_id, sender, text, ts) VALUES (?, ?, ?, ?, ?, ?)"));
    insert.addBindValue(m.conversation);
    insert.addBindValue(seq);
    insert.addBindValue(m.clientId);
    insert.addBindValue(m.from);
    insert.addBindValue(m.text);
    insert.addBindValue(m.ts);
    if (!insert.exec())
        return undo(describe(insert.lastError()));
    if (!QSqlQuery(db).exec(QStringLiteral("RELEASE append_one")))
        return undo(describe(db.lastError()));
    outcome.result = AppendResult::Stored;
    outcome.message = Message{ m.conversation, seq, m.clientId, m.from, m.text, m.ts };
    return outcome;
}

QList<ChatStore::Message> ChatStore::messagesAfter(const QString &conversation, qint64 after, int limit) const
{
    QList<Message> result;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT seq, client_id, sender, text, ts FROM messages WHERE conversation = ? "
                                 "AND seq > ? ORDER BY seq LIMIT ?"));
    query.addBindValue(conversation);
    query.addBindValue(after);
    query.addBindValue(limit < 0 ? qint64(-1) : qint64(limit));
    if (!query.exec())
        return result;
    while (query.next())
        result.append(Message{ conversation, query.value(0).toLongLong(), query.value(1).toString(),
                               query.value(2).toString(), query.value(3).toString(), query.value(4).toLongLong() });
    return result;
}

bool ChatStore::storeRefreshToken(const QByteArray &hash, const QString &userId, const QByteArray &family,
                                  qint64 expiresAtMs)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("INSERT INTO refresh_tokens (hash, user_id, expires_ms, family) VALUES (?, ?, ?, ?)"));
    query.addBindValue(QString::fromLatin1(hash));
    query.addBindValue(userId);
    query.addBindValue(expiresAtMs);
    query.addBindValue(QString::fromLatin1(family));
    return query.exec();
}

std::optional<ChatStore::RefreshToken> ChatStore::refreshToken(const QByteArray &hash) const
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT user_id, COALESCE(family, hash), expires_ms, rotated_ms FROM refresh_tokens "
                                 "WHERE hash = ?"));
    query.addBindValue(QString::fromLatin1(hash));
    if (!query.exec() || !query.next())
        return std::nullopt;
    RefreshToken token;
    token.userId = query.value(0).toString();
    token.family = query.value(1).toString().toLatin1();
    token.expiresAtMs = query.value(2).toLongLong();
    token.rotatedAtMs = query.value(3).isNull() ? -1 : query.value(3).toLongLong();
    return token;
}

bool ChatStore::rotateRefreshToken(const QByteArray &hash, const QByteArray &successorHash, qint64 nowMs,
                                   qint64 successorExpiresAtMs)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!db.transaction())
        return false;
    QSqlQuery rotate(db);
    rotate.prepare(QStringLiteral("UPDATE refresh_tokens SET rotated_ms = ?, family = COALESCE(family, hash) "
                                  "WHERE hash = ? AND rotated_ms IS NULL RETURNING user_id, family"));
    rotate.addBindValue(nowMs);
    rotate.addBindValue(QString::fromLatin1(hash));
    if (!rotate.exec() || !rotate.next()) {
        rotate.finish();
        db.rollback();
        return false;
    }
    const QString userId = rotate.value(0).toString();
    const QString family = rotate.value(1).toString();
    rotate.finish();
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral("INSERT INTO refresh_tokens (hash, user_id, expires_ms, family) VALUES (?, ?, ?, ?)"));
    insert.addBindValue(QString::fromLatin1(successorHash));
    insert.addBindValue(userId);
    insert.addBindValue(successorExpiresAtMs);
    insert.addBindValue(family);
    if (!insert.exec() || !db.commit()) {
        db.rollback();
        return false;
    }
    return true;
}

int ChatStore::revokeRefreshFamily(const QByteArray &family)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("DELETE FROM refresh_tokens WHERE family = ? OR (family IS NULL AND hash = ?)"));
    query.addBindValue(QString::fromLatin1(family));
    query.addBindValue(QString::fromLatin1(family));
    return query.exec() ? query.numRowsAffected() : 0;
}

int ChatStore::purgeExpiredRefreshTokens(qint64 nowMs)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("DELETE FROM refresh_tokens WHERE expires_ms <= ?"));
    query.addBindValue(nowMs);
    return query.exec() ? query.numRowsAffected() : 0;
}

} // namespace Tether
