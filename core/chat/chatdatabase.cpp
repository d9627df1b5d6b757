#include "chatdatabase.h"

#include <QAtomicInt>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlError>

namespace Tether {

Q_DECLARE_LOGGING_CATEGORY(lcChat)

namespace {

// 2: outbox.owner, the account each unsent message waits for.
constexpr int SchemaVersion = 2;

QAtomicInt connectionCounter;

// A null QString binds as SQL NULL; every text column here is NOT NULL.
QVariant bindable(const QVariant &value)
{
    if (value.typeId() == QMetaType::QString && value.toString().isNull())
        return QStringLiteral("");
    return value;
}

} // namespace

class ChatDatabase::Private
{
public:
    QString connectionName;
    QString path;
    QSqlDatabase db;
    mutable QString lastError;
    int transactionDepth = 0;
    bool rollbackOnly = false; // an inner level rolled back: the outer commit must not happen
    // Prepared statements by SQL text: preparing costs more than running most of these.
    mutable QHash<QString, QSqlQuery> statements;

    bool failed(const QSqlQuery &query, const char *what, const QString &sql) const
    {
        lastError = query.lastError().text();
        qCWarning(lcChat) << "store:" << what << "failed:" << lastError << sql;
        return false;
    }
};

ChatDatabase::ChatDatabase() : d(new Private)
{
    d->connectionName = QStringLiteral("tether-chat-store-%1").arg(connectionCounter.fetchAndAddRelaxed(1));
}

ChatDatabase::~ChatDatabase()
{
    close();
}

bool ChatDatabase::open(const QString &path, QString *errorMessage)
{
    close();
    auto fail = [this, errorMessage, &path](const QString &why) {
        const QString message = QStringLiteral("cannot open chat database %1: %2").arg(path, why);
        d->lastError = message;
        if (errorMessage)
            *errorMessage = message;
        qCWarning(lcChat).noquote() << message;
        close();
        return false;
    };
    if (path.isEmpty())
        return fail(QStringLiteral("no path given"));
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")))
        return fail(QStringLiteral("the Qt SQLite driver (QSQLITE) is not installed"));

    const QFileInfo info(path);
    if (info.exists() && info.isDir())
        return fail(QStringLiteral("it is a directory"));
    if (!QDir().mkpath(info.absolutePath()))
        return fail(QStringLiteral("cannot create the folder %1").arg(info.absolutePath()));

    d->path = path;
    d->db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), d->connectionName);
    d->db.setDatabaseName(path);
    d->db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!d->db.open())
        return fail(d->db.lastError().text());

    // SQLite opens anything lazily: the first statements tell a garbage file from a database.
    QSqlQuery q = query();
    if (!exec(q, QStringLiteral("PRAGMA journal_mode=WAL")))
        return fail(d->lastError);
    if (!exec(QStringLiteral("PRAGMA synchronous=NORMAL")) || !exec(QStringLiteral("PRAGMA foreign_keys=ON")))
        return fail(d->lastError);

    if (!exec(q, QStringLiteral("PRAGMA user_version")) || !q.next())
        return fail(d->lastError);
    const int version = q.value(0).toInt();
    q.finish();
    if (version > SchemaVersion)
        return fail(QStringLiteral("it was written by a newer version (schema %1, this build knows %2)")
                        .arg(version).arg(SchemaVersion));

    const QStringList schema = {
        QStringLiteral("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, title TEXT NOT NULL DEFAULT '', "
                       "last_seq INTEGER NOT NULL DEFAULT 0, read_seq INTEGER NOT NULL DEFAULT 0)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS messages (conversation TEXT NOT NULL, seq INTEGER NOT NULL, "
                       "id TEXT NOT NULL, sender TEXT NOT NULL, text TEXT NOT NULL, ts INTEGER NOT NULL, "
                       "outgoing INTEGER NOT NULL DEFAULT 0, local INTEGER NOT NULL DEFAULT 0, "
                       "PRIMARY KEY (conversation, seq))"),
        // rowid keeps the order messages were written in; AUTOINCREMENT never reuses one.
        QStringLiteral("CREATE TABLE IF NOT EXISTS outbox (ord INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, "
                       "conversation TEXT NOT NULL, text TEXT NOT NULL, created INTEGER NOT NULL, "
                       "state TEXT NOT NULL, error TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0, "
                       "owner TEXT NOT NULL DEFAULT '')"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS messages_by_id ON messages (id)"),
        // What a reset or restored server made stale: kept, marked with the epoch it belonged to.
        QStringLiteral("CREATE TABLE IF NOT EXISTS archived_messages (conversation TEXT NOT NULL, seq INTEGER NOT NULL, "
                       "id TEXT NOT NULL, sender TEXT NOT NULL, text TEXT NOT NULL, ts INTEGER NOT NULL, "
                       "outgoing INTEGER NOT NULL DEFAULT 0, epoch TEXT NOT NULL DEFAULT '', archived_at INTEGER NOT NULL)"),
        QStringLiteral("PRAGMA user_version = %1").arg(SchemaVersion),
    };
    if (!beginTransaction())
        return fail(d->lastError);
    // Schema 1 had no owner: its entries get '' (the store's account adopts them, MessageStore::adoptOutbox).
    if (version == 1 && !exec(QStringLiteral("ALTER TABLE outbox ADD COLUMN owner TEXT NOT NULL DEFAULT ''"))) {
        const QString why = d->lastError;
        rollback();
        return fail(why);
    }
    for (const QString &sql : schema) {
        if (!exec(sql)) {
            const QString why = d->lastError;
            rollback();
            return fail(why);
        }
    }
    // A write probe: a read-only file or folder must fail here, not at the first send.
    if (!exec(QStringLiteral("INSERT OR REPLACE INTO meta (key, value) VALUES ('opened_at', ?)"),
              {QString::number(QDateTime::currentMSecsSinceEpoch())})) {
        const QString why = d->lastError;
        rollback();
        return fail(why);
    }
    if (!commit())
        return fail(d->lastError);
    qCDebug(lcChat) << "store opened" << path;
    return true;
}

void ChatDatabase::close()
{
    d->transactionDepth = 0;
    d->rollbackOnly = false;
    d->statements.clear();
    if (!d->db.isValid())
        return;
    d->db.close();
    d->db = QSqlDatabase();
    QSqlDatabase::removeDatabase(d->connectionName);
}

bool ChatDatabase::isOpen() const { return d->db.isValid() && d->db.isOpen(); }
QString ChatDatabase::path() const { return d->path; }
QString ChatDatabase::lastError() const { return d->lastError; }
void ChatDatabase::setLastError(const QString &message) { d->lastError = message; }
bool ChatDatabase::inTransaction() const { return d->transactionDepth > 0; }

bool ChatDatabase::beginTransaction()
{
    if (d->transactionDepth == 0) {
        if (!d->db.transaction()) {
            d->lastError = d->db.lastError().text();
            return false;
        }
        d->rollbackOnly = false;
    }
    ++d->transactionDepth;
    return true;
}

bool ChatDatabase::commit()
{
    if (d->transactionDepth <= 0)
        return false;
    if (--d->transactionDepth > 0)
        return !d->rollbackOnly;
    if (d->rollbackOnly) {
        d->db.rollback();
        d->rollbackOnly = false;
        return false;
    }
    if (!d->db.commit()) {
        d->lastError = d->db.lastError().text();
        d->db.rollback();
        return false;
    }
    return true;
}

void ChatDatabase::rollback()
{
    if (d->transactionDepth <= 0)
        return;
    if (--d->transactionDepth > 0) {
        d->rollbackOnly = true;
        return;
    }
    d->db.rollback();
    d->rollbackOnly = false;
}

QSqlQuery *ChatDatabase::run(const QString &sql, const QVariantList &bindings) const
{
    auto it = d->statements.find(sql);
    if (it == d->statements.end()) {
        QSqlQuery q = query();
        if (!q.prepare(sql)) {
            d->failed(q, "prepare", sql);
            return nullptr;
        }
        it = d->statements.insert(sql, q);
    }
    QSqlQuery &q = it.value();
    int i = 0;
    for (const QVariant &value : bindings)
        q.bindValue(i++, bindable(value));
    if (!q.exec()) {
        d->failed(q, "query", sql);
        q.finish();
        return nullptr;
    }
    return &q;
}

bool ChatDatabase::exec(QSqlQuery &query, const QString &sql, const QVariantList &bindings) const
{
    if (!query.prepare(sql))
        return d->failed(query, "prepare", sql);
    for (const QVariant &value : bindings)
        query.addBindValue(bindable(value));
    if (!query.exec())
        return d->failed(query, "query", sql);
    return true;
}

bool ChatDatabase::exec(const QString &sql, const QVariantList &bindings) const
{
    QSqlQuery q = query();
    return exec(q, sql, bindings);
}

QSqlQuery ChatDatabase::query() const
{
    QSqlQuery q(d->db);
    q.setForwardOnly(true);
    return q;
}

bool ChatDatabase::exists(const QString &sql, const QVariantList &bindings) const
{
    QSqlQuery *q = run(sql, bindings);
    const bool found = q && q->next();
    if (q)
        q->finish();
    return found;
}

QVariant ChatDatabase::scalar(const QString &sql, const QVariantList &bindings, const QVariant &fallback) const
{
    QSqlQuery *q = run(sql, bindings);
    const QVariant result = q && q->next() ? q->value(0) : fallback;
    if (q)
        q->finish();
    return result;
}

int ChatDatabase::change(const QString &sql, const QVariantList &bindings) const
{
    QSqlQuery *q = run(sql, bindings);
    if (!q)
        return -1;
    const int rows = q->numRowsAffected();
    q->finish();
    return rows;
}

} // namespace Tether
