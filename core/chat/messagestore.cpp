#include "messagestore.h"

#include <QAtomicInt>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace Tether {

Q_DECLARE_LOGGING_CATEGORY(lcChat)

namespace {

constexpr int SchemaVersion = 1;

QString stateName(ChatMessage::Delivery state)
{
    return deliveryName(state);
}

ChatMessage::Delivery stateFromName(const QString &name)
{
    if (name == QLatin1String("sending"))
        return ChatMessage::Delivery::Sending;
    if (name == QLatin1String("failed"))
        return ChatMessage::Delivery::Failed;
    return ChatMessage::Delivery::Queued;
}

QAtomicInt connectionCounter;

} // namespace

class MessageStore::Private
{
public:
    QString connectionName;
    QString path;
    QSqlDatabase db;
    mutable QString lastError;
    int transactionDepth = 0;      // nested begin/commit pairs share one SQLite transaction
    bool rollbackOnly = false;     // an inner level rolled back: the outer commit must not happen
    // Unread counts, kept up to date as the watermark moves: counting them from the table costs
    // O(unread) per call, and the session asks once per applied batch (and per message, before).
    mutable QHash<QString, int> unreadCache;
    // Prepared statements by SQL text: preparing costs more than running most of these.
    mutable QHash<QString, QSqlQuery> statements;

    // Runs the cached prepared statement for sql (prepared on first use) and returns it, or null
    // on an error. The caller reads its rows, then calls finish(): an open statement keeps SQLite's
    // read snapshot.
    QSqlQuery *run(const QString &sql, const QVariantList &bindings = {}) const
    {
        auto it = statements.find(sql);
        if (it == statements.end()) {
            QSqlQuery query(db);
            query.setForwardOnly(true);
            if (!query.prepare(sql)) {
                lastError = query.lastError().text();
                qCWarning(lcChat) << "store: prepare failed:" << lastError << sql;
                return nullptr;
            }
            it = statements.insert(sql, query);
        }
        QSqlQuery &query = it.value();
        int i = 0;
        for (const QVariant &value : bindings) {
            // A null QString binds as SQL NULL; every text column here is NOT NULL.
            if (value.typeId() == QMetaType::QString && value.toString().isNull())
                query.bindValue(i++, QStringLiteral(""));
            else
                query.bindValue(i++, value);
        }
        if (!query.exec()) {
            lastError = query.lastError().text();
            qCWarning(lcChat) << "store: query failed:" << lastError << sql;
            query.finish();
            return nullptr;
        }
        return &query;
    }

    // Runs a statement with positional bindings; records the error.
    bool exec(QSqlQuery &query, const QString &sql, const QVariantList &bindings = {}) const
    {
        if (!query.prepare(sql)) {
            lastError = query.lastError().text();
            qCWarning(lcChat) << "store: prepare failed:" << lastError << sql;
            return false;
        }
        for (const QVariant &value : bindings) {
            // A null QString binds as SQL NULL; every text column here is NOT NULL.
            if (value.typeId() == QMetaType::QString && value.toString().isNull())
                query.addBindValue(QStringLiteral(""));
            else
                query.addBindValue(value);
        }
        if (!query.exec()) {
            lastError = query.lastError().text();
            qCWarning(lcChat) << "store: query failed:" << lastError << sql;
            return false;
        }
        return true;
    }

    bool exec(const QString &sql, const QVariantList &bindings = {}) const
    {
        QSqlQuery query(db);
        return exec(query, sql, bindings);
    }

    ChatMessage messageFromRow(const QSqlQuery &q) const
    {
        // columns: conversation, seq, id, sender, text, ts, outgoing, local
        ChatMessage m;
        m.conversation = q.value(0).toString();
        m.seq = q.value(1).toLongLong();
        m.id = q.value(2).toString();
        m.from = q.value(3).toString();
        m.text = q.value(4).toString();
        m.timestamp = QDateTime::fromMSecsSinceEpoch(q.value(5).toLongLong(), Qt::UTC);
        m.outgoing = q.value(6).toBool();
        m.delivery = q.value(7).toBool() ? ChatMessage::Delivery::Sent : ChatMessage::Delivery::Received;
        return m;
    }

    MessageStore::OutboxEntry entryFromRow(const QSqlQuery &q) const
    {
        // columns: id, conversation, text, created, state, error, attempts
        MessageStore::OutboxEntry e;
        e.id = q.value(0).toString();
        e.conversation = q.value(1).toString();
        e.text = q.value(2).toString();
        e.created = QDateTime::fromMSecsSinceEpoch(q.value(3).toLongLong(), Qt::UTC);
        e.state = stateFromName(q.value(4).toString());
        e.errorCode = q.value(5).toString();
        e.attempts = q.value(6).toInt();
        return e;
    }
};

MessageStore::MessageStore() : d(new Private)
{
    d->connectionName = QStringLiteral("tether-chat-store-%1").arg(connectionCounter.fetchAndAddRelaxed(1));
}

MessageStore::~MessageStore()
{
    close();
}

bool MessageStore::open(const QString &path, QString *errorMessage)
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
    QSqlQuery query(d->db);
    if (!d->exec(query, QStringLiteral("PRAGMA journal_mode=WAL")))
        return fail(d->lastError);
    if (!d->exec(QStringLiteral("PRAGMA synchronous=NORMAL")) || !d->exec(QStringLiteral("PRAGMA foreign_keys=ON")))
        return fail(d->lastError);

    if (!d->exec(query, QStringLiteral("PRAGMA user_version")) || !query.next())
        return fail(d->lastError);
    const int version = query.value(0).toInt();
    query.finish();
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
                       "state TEXT NOT NULL, error TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0)"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS messages_by_id ON messages (id)"),
        QStringLiteral("PRAGMA user_version = %1").arg(SchemaVersion),
    };
    if (!beginTransaction())
        return fail(d->lastError);
    for (const QString &sql : schema) {
        if (!d->exec(sql)) {
            const QString why = d->lastError;
            rollback();
            return fail(why);
        }
    }
    // A write probe: a read-only file or folder must fail here, not at the first send.
    if (!d->exec(QStringLiteral("INSERT OR REPLACE INTO meta (key, value) VALUES ('opened_at', ?)"),
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

void MessageStore::close()
{
    d->transactionDepth = 0;
    d->rollbackOnly = false;
    d->statements.clear();
    d->unreadCache.clear();
    if (!d->db.isValid())
        return;
    d->db.close();
    d->db = QSqlDatabase();
    QSqlDatabase::removeDatabase(d->connectionName);
}

bool MessageStore::isOpen() const { return d->db.isValid() && d->db.isOpen(); }
QString MessageStore::path() const { return d->path; }
QString MessageStore::lastError() const { return d->lastError; }

bool MessageStore::beginTransaction()
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

bool MessageStore::commit()
{
    if (d->transactionDepth <= 0)
        return false;
    if (--d->transactionDepth > 0)
        return !d->rollbackOnly;
    if (d->rollbackOnly) {
        d->db.rollback();
        d->rollbackOnly = false;
        d->unreadCache.clear();
        return false;
    }
    if (!d->db.commit()) {
        d->lastError = d->db.lastError().text();
        d->db.rollback();
        d->unreadCache.clear();
        return false;
    }
    return true;
}

void MessageStore::rollback()
{
    if (d->transactionDepth <= 0)
        return;
    if (--d->transactionDepth > 0) {
        d->rollbackOnly = true;
        return;
    }
    d->db.rollback();
    d->rollbackOnly = false;
    d->unreadCache.clear(); // counts moved inside the transaction are void
}

QString MessageStore::value(const QString &key) const
{
    QSqlQuery *q = d->run(QStringLiteral("SELECT value FROM meta WHERE key = ?"), {key});
    const QString result = q && q->next() ? q->value(0).toString() : QString();
    if (q)
        q->finish();
    return result;
}

bool MessageStore::setValue(const QString &key, const QString &value)
{
    return d->exec(QStringLiteral("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"), {key, value});
}

QList<Conversation> MessageStore::conversations() const
{
    QList<Conversation> result;
    QSqlQuery q(d->db);
    if (!d->exec(q, QStringLiteral("SELECT id, title, last_seq FROM conversations ORDER BY id")))
        return result;
    while (q.next()) {
        Conversation c;
        c.id = q.value(0).toString();
        c.title = q.value(1).toString();
        c.lastSeq = q.value(2).toLongLong();
        result.append(c);
    }
    for (Conversation &c : result)
        c.unread = unread(c.id);
    return result;
}

std::optional<Conversation> MessageStore::conversation(const QString &id) const
{
    QSqlQuery *q = d->run(QStringLiteral("SELECT id, title, last_seq FROM conversations WHERE id = ?"), {id});
    if (!q)
        return std::nullopt;
    if (!q->next()) {
        q->finish();
        return std::nullopt;
    }
    Conversation c;
    c.id = q->value(0).toString();
    c.title = q->value(1).toString();
    c.lastSeq = q->value(2).toLongLong();
    q->finish();
    c.unread = unread(id);
    return c;
}

bool MessageStore::hasConversation(const QString &id) const
{
    QSqlQuery *q = d->run(QStringLiteral("SELECT 1 FROM conversations WHERE id = ?"), {id});
    const bool found = q && q->next();
    if (q)
        q->finish();
    return found;
}

bool MessageStore::upsertConversation(const QString &id, const QString &title)
{
    return d->exec(QStringLiteral("INSERT INTO conversations (id, title) VALUES (?, ?) "
                                  "ON CONFLICT(id) DO UPDATE SET title = excluded.title"),
                   {id, title});
}

bool MessageStore::removeConversation(const QString &id)
{
    d->unreadCache.remove(id);
    return d->exec(QStringLiteral("DELETE FROM messages WHERE conversation = ?"), {id})
        && d->exec(QStringLiteral("DELETE FROM conversations WHERE id = ?"), {id});
}

qint64 MessageStore::lastSeq(const QString &conversation) const
{
    QSqlQuery *q = d->run(QStringLiteral("SELECT last_seq FROM conversations WHERE id = ?"), {conversation});
    const qint64 result = q && q->next() ? q->value(0).toLongLong() : 0;
    if (q)
        q->finish();
    return result;
}

qint64 MessageStore::maxSeq(const QString &conversation) const
{
    QSqlQuery *q = d->run(QStringLiteral("SELECT MAX(seq) FROM messages WHERE conversation = ?"), {conversation});
    const qint64 result = q && q->next() ? q->value(0).toLongLong() : 0;
    if (q)
        q->finish();
    return result;
}

bool MessageStore::setReadSeq(const QString &conversation, qint64 seq)
{
    d->unreadCache.remove(conversation);
    return d->exec(QStringLiteral("UPDATE conversations SET read_seq = MAX(read_seq, ?) WHERE id = ?"),
                   {seq, conversation});
}

int MessageStore::unread(const QString &conversation) const
{
    const auto cached = d->unreadCache.constFind(conversation);
    if (cached != d->unreadCache.constEnd())
        return cached.value();
    QSqlQuery q(d->db);
    if (!d->exec(q,
                 QStringLiteral("SELECT COUNT(*) FROM messages m JOIN conversations c ON c.id = m.conversation "
                                "WHERE m.conversation = ? AND m.seq > c.read_seq AND m.seq <= c.last_seq "
                                "AND m.outgoing = 0"),
                 {conversation})
        || !q.next())
        return 0;
    const int count = q.value(0).toInt();
    d->unreadCache.insert(conversation, count);
    return count;
}

qint64 MessageStore::advanceWatermark(const QString &conversation)
{
    qint64 mark = 0;
    qint64 readSeq = 0;
    if (QSqlQuery *q = d->run(QStringLiteral("SELECT last_seq, read_seq FROM conversations WHERE id = ?"), {conversation})) {
        if (q->next()) {
            mark = q->value(0).toLongLong();
            readSeq = q->value(1).toLongLong();
        }
        q->finish();
    } else {
        return -1;
    }
    const qint64 start = mark;
    int newlyUnread = 0;
    for (;;) {
        QSqlQuery *q = d->run(QStringLiteral("SELECT seq, outgoing FROM messages WHERE conversation = ? AND seq > ? "
                                             "ORDER BY seq LIMIT 1000"),
                              {conversation, mark});
        if (!q)
            return -1;
        int rows = 0;
        bool gap = false;
        while (q->next()) {
            ++rows;
            const qint64 seq = q->value(0).toLongLong();
            if (seq != mark + 1) {
                gap = true;
                break;
            }
            mark = seq;
            if (!q->value(1).toBool())
                ++newlyUnread;
        }
        q->finish();
        if (gap || rows < 1000)
            break;
    }
    if (mark == start)
        return mark;
    if (QSqlQuery *q = d->run(QStringLiteral("UPDATE conversations SET last_seq = ? WHERE id = ?"), {mark, conversation}))
        q->finish();
    else
        return -1;
    // Unread = incoming messages in (read_seq, last_seq]: with read_seq at or below the old
    // watermark, it grows by the incoming ones just passed over; otherwise count again later.
    auto cached = d->unreadCache.find(conversation);
    if (cached != d->unreadCache.end()) {
        if (readSeq <= start)
            cached.value() += newlyUnread;
        else
            d->unreadCache.erase(cached);
    }
    return mark;
}

MessageStore::InsertResult MessageStore::insertMessage(const ChatMessage &message, bool local)
{
    QSqlQuery *q = d->run(QStringLiteral("INSERT OR IGNORE INTO messages (conversation, seq, id, sender, text, ts, "
                                         "outgoing, local) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                          {message.conversation, message.seq, message.id, message.from, message.text,
                           message.timestamp.toMSecsSinceEpoch(), message.outgoing ? 1 : 0, local ? 1 : 0});
    if (!q)
        return InsertResult::Error;
    const bool inserted = q->numRowsAffected() > 0;
    q->finish();
    return inserted ? InsertResult::Inserted : InsertResult::Duplicate;
}

std::optional<ChatMessage> MessageStore::message(const QString &conversation, qint64 seq) const
{
    QSqlQuery q(d->db);
    if (!d->exec(q,
                 QStringLiteral("SELECT conversation, seq, id, sender, text, ts, outgoing, local FROM messages "
                                "WHERE conversation = ? AND seq = ?"),
                 {conversation, seq})
        || !q.next())
        return std::nullopt;
    return d->messageFromRow(q);
}

QList<ChatMessage> MessageStore::messagesInRange(const QString &conversation, qint64 after, qint64 upTo,
                                                 bool excludeLocal) const
{
    QList<ChatMessage> result;
    QSqlQuery *q = d->run(QStringLiteral("SELECT conversation, seq, id, sender, text, ts, outgoing, local FROM messages "
                                         "WHERE conversation = ? AND seq > ? AND seq <= ? AND local <= ? ORDER BY seq"),
                          {conversation, after, upTo, excludeLocal ? 0 : 1});
    if (!q)
        return result;
    while (q->next())
        result.append(d->messageFromRow(*q));
    q->finish();
    return result;
}

QList<ChatMessage> MessageStore::messages(const QString &conversation) const
{
    QList<ChatMessage> result;
    {
        QSqlQuery q(d->db);
        q.setForwardOnly(true);
        if (!d->exec(q,
                     QStringLiteral("SELECT m.conversation, m.seq, m.id, m.sender, m.text, m.ts, m.outgoing, m.local "
                                    "FROM messages m LEFT JOIN conversations c ON c.id = m.conversation "
                                    "WHERE m.conversation = ? AND (m.seq <= IFNULL(c.last_seq, 0) OR m.local = 1) "
                                    "ORDER BY m.seq"),
                     {conversation}))
            return result;
        while (q.next())
            result.append(d->messageFromRow(q));
    }
    const QString self = value(QStringLiteral("user"));
    QSqlQuery q(d->db);
    q.setForwardOnly(true);
    if (!d->exec(q,
                 QStringLiteral("SELECT id, conversation, text, created, state, error, attempts FROM outbox "
                                "WHERE conversation = ? ORDER BY ord"),
                 {conversation}))
        return result;
    while (q.next())
        result.append(toMessage(d->entryFromRow(q), self));
    return result;
}

bool MessageStore::hasOutgoingMessage(const QString &id) const
{
    QSqlQuery *q = d->run(QStringLiteral("SELECT 1 FROM messages WHERE id = ? AND outgoing = 1 LIMIT 1"), {id});
    const bool found = q && q->next();
    if (q)
        q->finish();
    return found;
}

int MessageStore::messageCount(const QString &conversation) const
{
    QSqlQuery q(d->db);
    if (!d->exec(q, QStringLiteral("SELECT COUNT(*) FROM messages WHERE conversation = ?"), {conversation}) || !q.next())
        return 0;
    return q.value(0).toInt();
}

bool MessageStore::enqueue(const OutboxEntry &entry, int limit, QString *errorCode)
{
    auto fail = [errorCode](const QString &code) {
        if (errorCode)
            *errorCode = code;
        return false;
    };
    if (limit > 0 && outboxSize() >= limit) {
        d->lastError = QStringLiteral("the outbox holds %1 unsent messages (its limit)").arg(limit);
        return fail(QStringLiteral("outbox_full"));
    }
    QSqlQuery *q = d->run(QStringLiteral("INSERT INTO outbox (id, conversation, text, created, state, error, attempts) "
                                         "VALUES (?, ?, ?, ?, ?, ?, ?)"),
                          {entry.id, entry.conversation, entry.text, entry.created.toMSecsSinceEpoch(),
                           stateName(entry.state), entry.errorCode, entry.attempts});
    if (!q)
        return fail(QStringLiteral("storage_error"));
    q->finish();
    return true;
}

std::optional<MessageStore::OutboxEntry> MessageStore::outboxEntry(const QString &id) const
{
    QSqlQuery *q = d->run(
        QStringLiteral("SELECT id, conversation, text, created, state, error, attempts FROM outbox WHERE id = ?"), {id});
    if (!q)
        return std::nullopt;
    std::optional<OutboxEntry> result;
    if (q->next())
        result = d->entryFromRow(*q);
    q->finish();
    return result;
}

QList<MessageStore::OutboxEntry> MessageStore::outbox() const
{
    QList<OutboxEntry> result;
    QSqlQuery *q = d->run(
        QStringLiteral("SELECT id, conversation, text, created, state, error, attempts FROM outbox ORDER BY ord"));
    if (!q)
        return result;
    while (q->next())
        result.append(d->entryFromRow(*q));
    q->finish();
    return result;
}

QList<MessageStore::OutboxEntry> MessageStore::queuedOutbox(int limit) const
{
    QList<OutboxEntry> result;
    QSqlQuery *q = d->run(QStringLiteral("SELECT id, conversation, text, created, state, error, attempts FROM outbox "
                                         "WHERE state = 'queued' ORDER BY ord LIMIT ?"),
                          {limit});
    if (!q)
        return result;
    while (q->next())
        result.append(d->entryFromRow(*q));
    q->finish();
    return result;
}

bool MessageStore::setOutboxState(const QString &id, ChatMessage::Delivery state, const QString &errorCode,
                                  bool countAttempt)
{
    QSqlQuery *q = d->run(QStringLiteral("UPDATE outbox SET state = ?, error = ?, attempts = attempts + ? WHERE id = ?"),
                          {stateName(state), errorCode, countAttempt ? 1 : 0, id});
    if (!q)
        return false;
    const bool changed = q->numRowsAffected() > 0;
    q->finish();
    return changed;
}

bool MessageStore::resetSending()
{
    return d->exec(QStringLiteral("UPDATE outbox SET state = 'queued' WHERE state = 'sending'"));
}

bool MessageStore::removeFromOutbox(const QString &id)
{
    QSqlQuery *q = d->run(QStringLiteral("DELETE FROM outbox WHERE id = ?"), {id});
    if (!q)
        return false;
    const bool removed = q->numRowsAffected() > 0;
    q->finish();
    return removed;
}

bool MessageStore::acknowledge(const QString &id, qint64 seq, const QDateTime &timestamp, const QString &from)
{
    const std::optional<OutboxEntry> entry = outboxEntry(id);
    if (!entry)
        return false;
    ChatMessage m = toMessage(*entry, from);
    m.seq = seq;
    m.timestamp = timestamp;
    if (!beginTransaction())
        return false;
    if (insertMessage(m, true) == InsertResult::Error || !removeFromOutbox(id)) {
        rollback();
        return false;
    }
    return commit();
}

int MessageStore::outboxSize() const
{
    QSqlQuery *q = d->run(QStringLiteral("SELECT COUNT(*) FROM outbox"));
    const int result = q && q->next() ? q->value(0).toInt() : 0;
    if (q)
        q->finish();
    return result;
}

ChatMessage MessageStore::toMessage(const OutboxEntry &entry, const QString &from)
{
    ChatMessage m;
    m.id = entry.id;
    m.conversation = entry.conversation;
    m.from = from;
    m.text = entry.text;
    m.timestamp = entry.created;
    m.delivery = entry.state;
    m.errorCode = entry.errorCode;
    m.outgoing = true;
    return m;
}

} // namespace Tether
