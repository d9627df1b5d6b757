#include "chatstore.h"

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

ChatStore::ChatStore()
    : m_connectionName(QStringLiteral("tether-server-%1").arg(s_connectionCounter.fetchAndAddRelaxed(1)))
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
        QStringLiteral("PRAGMA synchronous=NORMAL"),
        QStringLiteral("PRAGMA foreign_keys=ON"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, salt BLOB, key BLOB, "
                       "iterations INTEGER NOT NULL DEFAULT 0, created_ms INTEGER NOT NULL)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, title TEXT NOT NULL, "
                       "is_public INTEGER NOT NULL DEFAULT 0, last_seq INTEGER NOT NULL DEFAULT 0)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS members (conversation TEXT NOT NULL, user_id TEXT NOT NULL, "
                       "PRIMARY KEY (conversation, user_id))"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS messages (conversation TEXT NOT NULL, seq INTEGER NOT NULL, "
                       "client_id TEXT NOT NULL, sender TEXT NOT NULL, text TEXT NOT NULL, ts INTEGER NOT NULL, "
                       "PRIMARY KEY (conversation, seq), UNIQUE (sender, client_id))"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS refresh_tokens (hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, "
                       "expires_ms INTEGER NOT NULL)"),
    };
    for (const QString &sql : schema) {
        if (!exec(sql, &error))
            return fail(error);
    }
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
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    auto fail = [&](const QSqlError &error) {
        if (errorMessage)
            *errorMessage = describe(error);
        return AppendResult::Failed;
    };
    {
        QSqlQuery existing(db);
        existing.prepare(QStringLiteral("SELECT conversation, seq, text, ts FROM messages WHERE sender = ? AND client_id = ?"));
        existing.addBindValue(from);
        existing.addBindValue(clientId);
        if (!existing.exec())
            return fail(existing.lastError());
        if (existing.next()) {
            if (out)
                *out = Message{ existing.value(0).toString(), existing.value(1).toLongLong(), clientId, from,
                                existing.value(2).toString(), existing.value(3).toLongLong() };
            return AppendResult::Duplicate;
        }
    }
    if (!db.transaction())
        return fail(db.lastError());
    QSqlQuery query(db);
    query.prepare(QStringLiteral("UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq"));
    query.addBindValue(conversation);
    if (!query.exec() || !query.next()) {
        const QSqlError error = query.lastError();
        query.finish();
        db.rollback();
        if (errorMessage)
            *errorMessage = error.isValid() ? describe(error) : QStringLiteral("no such conversation");
        return AppendResult::Failed;
    }
    const qint64 seq = query.value(0).toLongLong();
    query.finish();
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral("INSERT INTO messages (conversation, seq, client_id, sender, text, ts) VALUES (?, ?, ?, ?, ?, ?)"));
    insert.addBindValue(conversation);
    insert.addBindValue(seq);
    insert.addBindValue(clientId);
    insert.addBindValue(from);
    insert.addBindValue(text);
    insert.addBindValue(ts);
    if (!insert.exec()) {
        const QSqlError error = insert.lastError();
        db.rollback();
        return fail(error);
    }
    if (!db.commit()) {
        const QSqlError error = db.lastError();
        db.rollback();
        return fail(error);
    }
    if (out)
        *out = Message{ conversation, seq, clientId, from, text, ts };
    return AppendResult::Stored;
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

bool ChatStore::storeRefreshToken(const QByteArray &hash, const QString &userId, qint64 expiresAtMs)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("INSERT INTO refresh_tokens (hash, user_id, expires_ms) VALUES (?, ?, ?)"));
    query.addBindValue(QString::fromLatin1(hash));
    query.addBindValue(userId);
    query.addBindValue(expiresAtMs);
    return query.exec();
}

std::optional<QString> ChatStore::consumeRefreshToken(const QByteArray &hash, qint64 nowMs)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("DELETE FROM refresh_tokens WHERE hash = ? RETURNING user_id, expires_ms"));
    query.addBindValue(QString::fromLatin1(hash));
    if (!query.exec() || !query.next())
        return std::nullopt;
    const QString userId = query.value(0).toString();
    const qint64 expires = query.value(1).toLongLong();
    query.finish();
    if (expires <= nowMs)
        return std::nullopt;
    return userId;
}

int ChatStore::purgeExpiredRefreshTokens(qint64 nowMs)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("DELETE FROM refresh_tokens WHERE expires_ms <= ?"));
    query.addBindValue(nowMs);
    return query.exec() ? query.numRowsAffected() : 0;
}

} // namespace Tether
