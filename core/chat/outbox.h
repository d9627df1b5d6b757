#pragma once
// Outbox puts the persistent outbox on the wire: it writes queued entries as send frames as fast
// as OutboxPacer allows and marks them sending, settles them from the server's answers (ack,
// our own message echoed, error), and takes them back to the queue when the link drops. The
// entries live in MessageStore, written there before any byte goes out; this class holds only
// what is on the wire now. Every change is reported to a ChangeBatch. Each entry belongs to the
// account that wrote it and is only ever sent under that account.

#include "chatsession.h"
#include "messagestore.h"
#include "outboxpacer.h"
#include "sendframe.h"

#include <QDateTime>
#include <QString>

#include <functional>
#include <optional>

namespace Tether {

class ChangeBatch;

class Outbox
{
public:
    // Writes a frame; false when it could not (the link is down).
    using Writer = std::function<bool(const Protocol::SendFrame &)>;

    // Reads outboxLimit, maxTextBytes and, for its OutboxPacer, the pacing settings.
    Outbox(MessageStore *store, ChangeBatch *changes, const ChatSessionConfig &config, Writer writer);

    // The sender named in the messages this reports (the welcome's user id).
    void setUserId(const QString &userId) { m_userId = userId; }
    // The account now using the store (ChatAccount::ownerKey()): new entries are written for it,
    // entries without an owner become its own, and only its entries are sent. Another account's
    // entries stay queued, untouched, until that account is back. False on a store error.
    bool setOwner(const QString &owner);
    QString owner() const { return m_owner; }

    enum class QueueResult { Queued, Known, Refused };
    // Queues a new message: checked (conversation, text, its size, the id), then written to the
    // store before any byte of it goes out. An id already queued or acknowledged is not queued
    // again (a re-fed line after a restart): Known, exactly once. Refused: *error and *message say
    // why (invalid_argument, outbox_full, storage_error).
    QueueResult queue(const QString &id, const QString &conversation, const QString &text, ChatMessage *queued,
                      ChatSession::Error *error, QString *message);
    // A failed entry back to the queue: the message as it now is, or nothing when it was not failed.
    std::optional<ChatMessage> retry(const QString &id);
    // Drops an entry that is not on the wire (the server may have stored one that is): its
    // conversation, or nothing.
    std::optional<QString> discard(const QString &id);
    QList<ChatMessage> messages() const; // every entry, oldest first

    bool contains(const QString &id) const; // the entry is in the outbox (not yet acknowledged)
    // ... and was sent to that conversation: our message echoed from another conversation under
    // the same id is an older message of ours, not a confirmation of this one.
    bool contains(const QString &id, const QString &conversation) const;
    // Writes what the pacer allows now. Returns when to flush again (ms), or -1.
    qint64 flush(qint64 nowMs);
    // The server confirmed the entry (ack, or our message echoed): it becomes a held message with
    // this seq. False when it is not (any more) in the outbox, e.g. a repeated ack. An ack that
    // names another conversation than the entry's confirms another message under this id: the
    // entry fails with id_reused instead (an empty conversation, from an older server, is trusted).
    bool acknowledge(const QString &id, const QString &conversation, qint64 seq, const QDateTime &timestamp);
    // An error answer for the entry: rate_limited/storage_error put it back in the queue after a
    // pause (at least retryAfterMs when the server named one), any other code fails it
    // (ChatMessage::errorCode = code, e.g. id_reused). False when id is not ours.
    bool refuse(const QString &id, const QString &code, const QString &message, qint64 nowMs, qint64 retryAfterMs = -1);
    // The link is gone: everything in flight goes back to the queue, sent again after the next
    // welcome (same ids).
    void linkLost();
    // A batch was not committed: what it recorded as answered may still be in the store.
    void forgetInFlight();

private:
    bool isOwn(const MessageStore::OutboxEntry &entry) const; // the current account's (or nobody's yet)

    MessageStore *m_store;
    ChangeBatch *m_changes;
    int m_limit;
    int m_maxTextBytes;
    OutboxPacer m_pacer;
    Writer m_writer;
    QString m_userId;
    QString m_owner;
};

} // namespace Tether
