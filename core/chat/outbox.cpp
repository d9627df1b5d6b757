#include "outbox.h"

#include "changebatch.h"
#include "errorcode.h"
#include "messagestore.h"
#include "protocollimits.h"

#include <QLoggingCategory>

namespace Tether {

Q_DECLARE_LOGGING_CATEGORY(lcChat)

Outbox::Outbox(MessageStore *store, ChangeBatch *changes, const ChatSessionConfig &config, Writer writer)
    : m_store(store),
      m_changes(changes),
      m_limit(config.outboxLimit),
      m_maxTextBytes(config.maxTextBytes),
      m_pacer(config),
      m_writer(std::move(writer))
{
}

bool Outbox::setOwner(const QString &owner)
{
    m_owner = owner;
    if (owner.isEmpty())
        return true;
    const int adopted = m_store->adoptOutbox(owner);
    if (adopted > 0)
        qCDebug(lcChat) << adopted << "unsent messages without an account adopted";
    const int others = m_store->outboxSizeNotOwnedBy(owner);
    if (others > 0)
        qCInfo(lcChat) << others << "unsent messages of another account wait for it";
    m_pacer.setFullScanNeeded(true);
    return adopted >= 0;
}

bool Outbox::isOwn(const MessageStore::OutboxEntry &entry) const
{
    return entry.owner.isEmpty() || entry.owner == m_owner;
}

Outbox::QueueResult Outbox::queue(const QString &id, const QString &conversation, const QString &text,
                                  ChatMessage *queued, ChatSession::Error *error, QString *message)
{
    auto refuse = [error, message](ChatSession::Error code, const QString &why) {
        *error = code;
        *message = why;
        return QueueResult::Refused;
    };
    using Error = ChatSession::Error;
    if (conversation.isEmpty())
        return refuse(Error::InvalidArgument, QStringLiteral("no conversation given"));
    if (text.trimmed().isEmpty())
        return refuse(Error::InvalidArgument, QStringLiteral("an empty message is not sent"));
    if (text.toUtf8().size() > m_maxTextBytes)
        return refuse(Error::InvalidArgument, QStringLiteral("the message is longer than %1 bytes").arg(m_maxTextBytes));
    if (!Protocol::Limits::isValidClientId(id))
        return refuse(Error::InvalidArgument, QStringLiteral("a message id must have 1 to %1 characters")
                                                  .arg(Protocol::Limits::MaxClientIdLength));
    if (m_store->outboxEntry(id) || m_store->hasOutgoingMessage(id))
        return QueueResult::Known;

    MessageStore::OutboxEntry entry;
    entry.id = id;
    entry.conversation = conversation;
    entry.text = text;
    entry.created = QDateTime::currentDateTimeUtc();
    entry.owner = m_owner;
    QString code;
    if (!m_store->enqueue(entry, m_limit, &code))
        return refuse(ChatSession::errorFromName(code), m_store->lastError());
    qCDebug(lcChat) << "queued" << id << "in" << conversation;
    *queued = MessageStore::toMessage(entry, m_userId);
    return QueueResult::Queued;
}

std::optional<ChatMessage> Outbox::retry(const QString &id)
{
    auto entry = m_store->outboxEntry(id);
    if (!entry || entry->state != ChatMessage::Delivery::Failed)
        return std::nullopt;
    if (!m_store->setOutboxState(id, ChatMessage::Delivery::Queued))
        return std::nullopt;
    entry->state = ChatMessage::Delivery::Queued;
    entry->errorCode.clear();
    return MessageStore::toMessage(*entry, m_userId);
}

std::optional<QString> Outbox::discard(const QString &id)
{
    const auto entry = m_store->outboxEntry(id);
    if (!entry || entry->state == ChatMessage::Delivery::Sending)
        return std::nullopt;
    if (!m_store->removeFromOutbox(id))
        return std::nullopt;
    return entry->conversation;
}

QList<ChatMessage> Outbox::messages() const
{
    QList<ChatMessage> result;
    for (const MessageStore::OutboxEntry &e : m_store->outbox())
        result.append(MessageStore::toMessage(e, m_userId));
    return result;
}

bool Outbox::contains(const QString &id) const
{
    return m_store->outboxEntry(id).has_value();
}

bool Outbox::contains(const QString &id, const QString &conversation) const
{
    const auto entry = m_store->outboxEntry(id);
    return entry && entry->conversation == conversation;
}

qint64 Outbox::flush(qint64 nowMs)
{
    if (const qint64 paused = m_pacer.pausedForMs(nowMs))
        return paused;
    m_pacer.expire(nowMs);
    if (m_pacer.room() == 0)
        return m_pacer.nextFlushInMs(nowMs, false); // when the oldest answer times out

    bool more = false;
    bool complete = true;
    const bool transaction = m_store->beginTransaction();
    // Usually only queued entries can go, and only as many as the window has room for: reading
    // the whole outbox for every ack made each send cost O(window).
    const bool fullScan = m_pacer.fullScanNeeded();
    const QList<MessageStore::OutboxEntry> entries =
        fullScan ? m_store->outbox() : m_store->queuedOutbox(m_pacer.room(), m_owner);
    for (MessageStore::OutboxEntry e : entries) {
        // Another account's entries wait for it: never sent under this one's name.
        if (e.state == ChatMessage::Delivery::Failed || m_pacer.isInFlight(e.id) || !isOwn(e))
            continue;
        if (!m_pacer.mayWrite(nowMs)) {
            more = true;
            complete = false;
            break;
        }
        Protocol::SendFrame frame;
        frame.id = e.id;
        frame.conversation = e.conversation;
        frame.text = e.text;
        if (!m_writer(frame)) {
            complete = false;
            break;
        }
        m_pacer.written(e.id, nowMs);
        if (e.state != ChatMessage::Delivery::Sending) {
            m_store->setOutboxState(e.id, ChatMessage::Delivery::Sending, QString(), true);
            e.state = ChatMessage::Delivery::Sending;
            m_changes->update(MessageStore::toMessage(e, m_userId));
        }
    }
    if (transaction && !m_store->commit()) {
        m_changes->error(ChatSession::Error::StorageError,
                         QStringLiteral("cannot update the outbox: %1").arg(m_store->lastError()));
        complete = false;
        m_pacer.setFullScanNeeded(true);
    }
    if (fullScan && complete)
        m_pacer.setFullScanNeeded(false);
    return m_pacer.nextFlushInMs(nowMs, more);
}

bool Outbox::acknowledge(const QString &id, const QString &conversation, qint64 seq, const QDateTime &timestamp)
{
    const auto entry = m_store->outboxEntry(id);
    if (entry && !conversation.isEmpty() && conversation != entry->conversation) {
        // A server that dedupes by id alone confirms our older message in that conversation:
        // this one was not stored and never will be under this id.
        qCWarning(lcChat).noquote() << "the ack for" << id << "names" << conversation << "instead of"
                                    << entry->conversation;
        refuse(id, Protocol::wireName(Protocol::ErrorCode::IdReused),
               QStringLiteral("the server confirmed another message under this id"), 0);
        return false;
    }
    m_pacer.answered(id);
    if (!entry)
        return false; // a repeated ack (the server's answer to a retry): already done
    m_changes->touch(entry->conversation);
    // Ours keeps the time it was written (shown while it waited), not the server's arrival time.
    const QDateTime written = entry->created.isValid() ? entry->created : timestamp;
    if (!m_store->acknowledge(id, seq, written, m_userId)) {
        m_changes->error(ChatSession::Error::StorageError,
                         QStringLiteral("cannot record an acknowledgement: %1").arg(m_store->lastError()));
        return false;
    }
    ChatMessage m = MessageStore::toMessage(*entry, m_userId);
    m.seq = seq;
    m.timestamp = written;
    m.delivery = ChatMessage::Delivery::Sent;
    m.errorCode.clear();
    m_changes->update(m);
    return true;
}

bool Outbox::refuse(const QString &id, const QString &code, const QString &message, qint64 nowMs, qint64 retryAfterMs)
{
    const auto entry = m_store->outboxEntry(id);
    if (!entry)
        return false;
    m_pacer.answered(id);
    MessageStore::OutboxEntry e = *entry;
    // Errors that say "not now", not "never": the entry goes back to the queue.
    if (Protocol::isTransient(Protocol::fromWireName(code))) {
        qCDebug(lcChat) << "send" << id << "answered" << code << "- will retry";
        m_pacer.pause(nowMs, retryAfterMs);
        e.state = ChatMessage::Delivery::Queued;
        m_store->setOutboxState(id, e.state);
    } else {
        qCWarning(lcChat).noquote() << "send" << id << "failed:" << code << message;
        e.state = ChatMessage::Delivery::Failed;
        e.errorCode = code;
        m_store->setOutboxState(id, e.state, e.errorCode);
    }
    m_changes->update(MessageStore::toMessage(e, m_userId));
    return true;
}

void Outbox::linkLost()
{
    m_pacer.reset();
    // Unconfirmed sends go back to the queue; they are sent again (same id) after the next welcome.
    const QList<MessageStore::OutboxEntry> entries = m_store->outbox();
    if (!m_store->resetSending())
        return;
    for (MessageStore::OutboxEntry e : entries) {
        if (e.state != ChatMessage::Delivery::Sending)
            continue;
        e.state = ChatMessage::Delivery::Queued;
        m_changes->update(MessageStore::toMessage(e, m_userId));
    }
}

void Outbox::forgetInFlight()
{
    m_pacer.reset();
}

} // namespace Tether
