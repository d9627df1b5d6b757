#include "messagestore.h"

#include "chatdatabase.h"

#include <QHash>
#include <QSqlQuery>
#include <QVariant>

namespace Tether {

namespace {

// The outbox's state column holds deliveryName(): "queued", "sending" or "failed".
ChatMessage::Delivery stateFromName(const QString &name)
{
    if (name == QLatin1String("sending"))
        return ChatMessage::Delivery::Sending;
    if (name == QLatin1String("failed"))
        return ChatMessage::Delivery::Failed;
    return ChatMessage::Delivery::Queued;
}

} // namespace

class MessageStore::Private
{
public:
    ChatDatabase db;
    // Unread counts, kept up to date as the watermark moves: counting them from the table costs
    // O(unread) per call, and the session asks once per applied batch (and per message, before).
    mutable QHash<QString, int> unreadCache;
    // outboxSize(), kept as entries come and go (the session reports it after every change); -1 =
    // count again.
    mutable int outboxCount = -1;

    // Counts moved inside a transaction that was rolled back are void.
    void dropCaches()
    {
        unreadCache.clear();
        outboxCount = -1;
    }

    static ChatMessage messageFromRow(const QSqlQuery &q)
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

    static MessageStore::OutboxEntry entryFromRow(const QSqlQuery &q)
    {
        // columns: id, conversation, text, created, state, error, attempts, owner
        MessageStore::OutboxEntry e;
        e.id = q.value(0).toString();
        e.conversation = q.value(1).toString();
        e.text = q.value(2).toString();
        e.created = QDateTime::fromMSecsSinceEpoch(q.value(3).toLongLong(), Qt::UTC);
        e.state = stateFromName(q.value(4).toString());
        e.errorCode = q.value(5).toString();
        e.attempts = q.value(6).toInt();
        e.owner = q.value(7).toString();
        return e;
    }

    // The outbox entries the cached statement sql returns, in its order.
    QList<MessageStore::OutboxEntry> entries(const QString &sql, const QVariantList &bindings = {}) const
    {
        QList<MessageStore::OutboxEntry> result;
        QSqlQuery *q = db.run(sql, bindings);
        if (!q)
            return result;
        while (q->next())
            result.append(entryFromRow(*q));
        q->finish();
        return result;
    }
};

MessageStore::MessageStore() : d(new Private) {}

MessageStore::~MessageStore()
{
    close();
}

bool MessageStore::open(const QString &path, QString *errorMessage)
{
    d->dropCaches();
    return d->db.open(path, errorMessage);
}

void MessageStore::close()
{
    d->dropCaches();
    d->db.close();
}

bool MessageStore::isOpen() const { return d->db.isOpen(); }
QString MessageStore::path() const { return d->db.path(); }
QString MessageStore::lastError() const { return d->db.lastError(); }
bool MessageStore::beginTransaction() { return d->db.beginTransaction(); }

bool MessageStore::commit()
{
    if (d->db.commit())
        return true;
    if (!d->db.inTransaction())
        d->dropCaches();
    return false;
}

void MessageStore::rollback()
{
    d->db.rollback();
    if (!d->db.inTransaction())
        d->dropCaches();
}

QString MessageStore::value(const QString &key) const
{
    return d->db.scalar(QStringLiteral("SELECT value FROM meta WHERE key = ?"), {key}).toString();
}

bool MessageStore::setValue(const QString &key, const QString &value)
{
    return d->db.exec(QStringLiteral("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"), {key, value});
}

QList<Conversation> MessageStore::conversations() const
{
    QList<Conversation> result;
    QSqlQuery q = d->db.query();
    if (!d->db.exec(q, QStringLiteral("SELECT id, title, last_seq FROM conversations ORDER BY id")))
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
    QSqlQuery *q = d->db.run(QStringLiteral("SELECT id, title, last_seq FROM conversations WHERE id = ?"), {id});
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
    return d->db.exists(QStringLiteral("SELECT 1 FROM conversations WHERE id = ?"), {id});
}

bool MessageStore::upsertConversation(const QString &id, const QString &title)
{
    return d->db.exec(QStringLiteral("INSERT INTO conversations (id, title) VALUES (?, ?) "
                                     "ON CONFLICT(id) DO UPDATE SET title = excluded.title"),
                      {id, title});
}

bool MessageStore::removeConversation(const QString &id)
{
    d->unreadCache.remove(id);
    return d->db.exec(QStringLiteral("DELETE FROM messages WHERE conversation = ?"), {id})
        && d->db.exec(QStringLiteral("DELETE FROM conversations WHERE id = ?"), {id});
}

bool MessageStore::archiveConversation(const QString &id, const QString &epoch)
{
    d->unreadCache.remove(id);
    return d->db.exec(QStringLiteral("INSERT INTO archived_messages (conversation, seq, id, sender, text, ts, outgoing, "
                                     "epoch, archived_at) SELECT conversation, seq, id, sender, text, ts, outgoing, ?, ? "
                                     "FROM messages WHERE conversation = ?"),
                      {epoch, QDateTime::currentMSecsSinceEpoch(), id})
        && d->db.exec(QStringLiteral("DELETE FROM messages WHERE conversation = ?"), {id})
        && d->db.exec(QStringLiteral("UPDATE conversations SET last_seq = 0, read_seq = 0 WHERE id = ?"), {id});
}

int MessageStore::archivedCount(const QString &id) const
{
    return d->db.scalar(QStringLiteral("SELECT COUNT(*) FROM archived_messages WHERE conversation = ?"), {id}).toInt();
}

qint64 MessageStore::lastSeq(const QString &conversation) const
{
    return d->db.scalar(QStringLiteral("SELECT last_seq FROM conversations WHERE id = ?"), {conversation}).toLongLong();
}

qint64 MessageStore::maxSeq(const QString &conversation) const
{
    return d->db.scalar(QStringLiteral("SELECT MAX(seq) FROM messages WHERE conversation = ?"), {conversation})
        .toLongLong();
}

bool MessageStore::setReadSeq(const QString &conversation, qint64 seq)
{
    d->unreadCache.remove(conversation);
    return d->db.exec(QStringLiteral("UPDATE conversations SET read_seq = MAX(read_seq, ?) WHERE id = ?"),
                      {seq, conversation});
}

int MessageStore::unread(const QString &conversation) const
{
    const auto cached = d->unreadCache.constFind(conversation);
    if (cached != d->unreadCache.constEnd())
        return cached.value();
    QSqlQuery q = d->db.query();
    if (!d->db.exec(q,
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
    if (QSqlQuery *q = d->db.run(QStringLiteral("SELECT last_seq, read_seq FROM conversations WHERE id = ?"),
                                 {conversation})) {
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
        QSqlQuery *q = d->db.run(QStringLiteral("SELECT seq, outgoing FROM messages WHERE conversation = ? AND seq > ? "
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
    if (d->db.change(QStringLiteral("UPDATE conversations SET last_seq = ? WHERE id = ?"), {mark, conversation}) < 0)
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
    const int rows = d->db.change(
        QStringLiteral("INSERT OR IGNORE INTO messages (conversation, seq, id, sender, text, ts, outgoing, local) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
        {message.conversation, message.seq, message.id, message.from, message.text,
         message.timestamp.toMSecsSinceEpoch(), message.outgoing ? 1 : 0, local ? 1 : 0});
    if (rows < 0)
        return InsertResult::Error;
    return rows > 0 ? InsertResult::Inserted : InsertResult::Duplicate;
}

std::optional<ChatMessage> MessageStore::message(const QString &conversation, qint64 seq) const
{
    QSqlQuery q = d->db.query();
    if (!d->db.exec(q,
                    QStringLiteral("SELECT conversation, seq, id, sender, text, ts, outgoing, local FROM messages "
                                   "WHERE conversation = ? AND seq = ?"),
                    {conversation, seq})
        || !q.next())
        return std::nullopt;
    return Private::messageFromRow(q);
}

QList<ChatMessage> MessageStore::messagesInRange(const QString &conversation, qint64 after, qint64 upTo,
                                                 bool excludeLocal) const
{
    QList<ChatMessage> result;
    QSqlQuery *q = d->db.run(
        QStringLiteral("SELECT conversation, seq, id, sender, text, ts, outgoing, local FROM messages "
                       "WHERE conversation = ? AND seq > ? AND seq <= ? AND local <= ? ORDER BY seq"),
        {conversation, after, upTo, excludeLocal ? 0 : 1});
    if (!q)
        return result;
    while (q->next())
        result.append(Private::messageFromRow(*q));
    q->finish();
    return result;
}

QList<ChatMessage> MessageStore::messages(const QString &conversation) const
{
    QList<ChatMessage> result;
    {
        QSqlQuery q = d->db.query();
        if (!d->db.exec(q,
                        QStringLiteral("SELECT m.conversation, m.seq, m.id, m.sender, m.text, m.ts, m.outgoing, m.local "
                                       "FROM messages m LEFT JOIN conversations c ON c.id = m.conversation "
                                       "WHERE m.conversation = ? AND (m.seq <= IFNULL(c.last_seq, 0) OR m.local = 1) "
                                       "ORDER BY m.seq"),
                        {conversation}))
            return result;
        while (q.next())
            result.append(Private::messageFromRow(q));
    }
    const QString self = value(MetaUser);
    QSqlQuery q = d->db.query();
    if (!d->db.exec(q,
                    QStringLiteral("SELECT id, conversation, text, created, state, error, attempts, owner FROM outbox "
                                   "WHERE conversation = ? ORDER BY ord"),
                    {conversation}))
        return result;
    while (q.next())
        result.append(toMessage(Private::entryFromRow(q), self));
    return result;
}

bool MessageStore::hasOutgoingMessage(const QString &id) const
{
    return d->db.exists(QStringLiteral("SELECT 1 FROM messages WHERE id = ? AND outgoing = 1 LIMIT 1"), {id});
}

int MessageStore::messageCount(const QString &conversation) const
{
    QSqlQuery q = d->db.query();
    if (!d->db.exec(q, QStringLiteral("SELECT COUNT(*) FROM messages WHERE conversation = ?"), {conversation})
        || !q.next())
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
        d->db.setLastError(QStringLiteral("the outbox holds %1 unsent messages (its limit)").arg(limit));
        return fail(ChatSession::errorName(ChatSession::Error::OutboxFull));
    }
    if (d->db.change(QStringLiteral("INSERT INTO outbox (id, conversation, text, created, state, error, attempts, owner) "
                                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                     {entry.id, entry.conversation, entry.text, entry.created.toMSecsSinceEpoch(),
                      deliveryName(entry.state), entry.errorCode, entry.attempts, entry.owner})
        < 0)
        return fail(ChatSession::errorName(ChatSession::Error::StorageError));
    if (d->outboxCount >= 0)
        ++d->outboxCount;
    return true;
}

std::optional<MessageStore::OutboxEntry> MessageStore::outboxEntry(const QString &id) const
{
    const QList<OutboxEntry> found = d->entries(
        QStringLiteral("SELECT id, conversation, text, created, state, error, attempts, owner FROM outbox WHERE id = ?"), {id});
    if (found.isEmpty())
        return std::nullopt;
    return found.first();
}

QList<MessageStore::OutboxEntry> MessageStore::outbox() const
{
    return d->entries(
        QStringLiteral("SELECT id, conversation, text, created, state, error, attempts, owner FROM outbox ORDER BY ord"));
}

QList<MessageStore::OutboxEntry> MessageStore::queuedOutbox(int limit) const
{
    return d->entries(QStringLiteral("SELECT id, conversation, text, created, state, error, attempts, owner FROM outbox "
                                     "WHERE state = 'queued' ORDER BY ord LIMIT ?"),
                      {limit});
}

QList<MessageStore::OutboxEntry> MessageStore::queuedOutbox(int limit, const QString &owner) const
{
    return d->entries(QStringLiteral("SELECT id, conversation, text, created, state, error, attempts, owner FROM outbox "
                                     "WHERE state = 'queued' AND owner = ? ORDER BY ord LIMIT ?"),
                      {owner, limit});
}

int MessageStore::adoptOutbox(const QString &owner)
{
    return d->db.change(QStringLiteral("UPDATE outbox SET owner = ? WHERE owner = ''"), {owner});
}

int MessageStore::outboxSizeNotOwnedBy(const QString &owner) const
{
    return d->db.scalar(QStringLiteral("SELECT COUNT(*) FROM outbox WHERE owner != '' AND owner != ?"), {owner}, 0).toInt();
}

bool MessageStore::setOutboxState(const QString &id, ChatMessage::Delivery state, const QString &errorCode,
                                  bool countAttempt)
{
    return d->db.change(QStringLiteral("UPDATE outbox SET state = ?, error = ?, attempts = attempts + ? WHERE id = ?"),
                        {deliveryName(state), errorCode, countAttempt ? 1 : 0, id})
        > 0;
}

bool MessageStore::resetSending()
{
    return d->db.exec(QStringLiteral("UPDATE outbox SET state = 'queued' WHERE state = 'sending'"));
}

bool MessageStore::removeFromOutbox(const QString &id)
{
    if (d->db.change(QStringLiteral("DELETE FROM outbox WHERE id = ?"), {id}) <= 0)
        return false;
    if (d->outboxCount > 0)
        --d->outboxCount;
    return true;
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
    if (d->outboxCount < 0) {
        const QVariant count = d->db.scalar(QStringLiteral("SELECT COUNT(*) FROM outbox"));
        if (!count.isValid())
            return 0; // an error: ask again next time
        d->outboxCount = count.toInt();
    }
    return d->outboxCount;
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
