#pragma once
// MessageStore is the chat layer's local SQLite store: conversations with their gap-free seq
// watermark, received messages, and the persistent outbox (written before anything is sent).
// ChatDatabase holds the SQL connection, schema and transactions; this class holds the queries.
// Not thread-safe.

#include "chatsession.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace Tether {

class MessageStore
{
public:
    struct OutboxEntry
    {
        QString id;
        QString conversation;
        QString text;
        QDateTime created;
        ChatMessage::Delivery state = ChatMessage::Delivery::Queued; // Queued, Sending or Failed
        QString errorCode;
        int attempts = 0;
        // The account it waits for (ChatAccount::ownerKey()); '' = not known yet, the next
        // account that takes the store adopts it.
        QString owner;
    };

    enum class InsertResult { Inserted, Duplicate, Error };

    MessageStore();
    ~MessageStore();
    MessageStore(const MessageStore &) = delete;
    MessageStore &operator=(const MessageStore &) = delete;

    // Creates the file (and its folder) if needed. False + a message naming the path on a file that
    // is not a database, a newer schema, or a location that cannot be written.
    bool open(const QString &path, QString *errorMessage = nullptr);
    void close();
    bool isOpen() const;
    QString path() const;
    QString lastError() const; // of the last failed operation

    bool beginTransaction();
    bool commit();
    void rollback();

    // Keys of the meta table (value(), setValue()).
    static constexpr QLatin1String MetaUser{"user"};           // the last welcome's user id
    static constexpr QLatin1String MetaUserName{"user_name"};
    static constexpr QLatin1String MetaGuest{"guest"};         // "1" when that user was a guest
    static constexpr QLatin1String MetaGuestKey{"guest_key"};  // a guest's secret, never logged
    static constexpr QLatin1String MetaServerEpoch{"server_epoch"}; // the last welcome's epoch

    QString value(const QString &key) const;
    bool setValue(const QString &key, const QString &value);

    // Conversations. lastSeq is the watermark: every seq 1..lastSeq is held.
    QList<Conversation> conversations() const; // unread filled in, ordered by id
    std::optional<Conversation> conversation(const QString &id) const;
    bool hasConversation(const QString &id) const; // cheaper than conversation(): no unread count
    bool upsertConversation(const QString &id, const QString &title);
    bool removeConversation(const QString &id); // with its messages (the outbox is kept)
    // The server was reset: the held messages move to the archive marked with epoch, and the
    // watermark goes back to 0 so the server's copy is fetched anew (the outbox is kept).
    bool archiveConversation(const QString &id, const QString &epoch);
    int archivedCount(const QString &id) const;
    qint64 lastSeq(const QString &conversation) const;
    qint64 maxSeq(const QString &conversation) const; // highest seq held, gaps or not
    bool setReadSeq(const QString &conversation, qint64 seq);
    int unread(const QString &conversation) const;
    // Moves the watermark over every contiguous seq now held; returns the new watermark (or -1).
    qint64 advanceWatermark(const QString &conversation);

    // Messages. local = it came from this store's outbox (already shown as pending).
    InsertResult insertMessage(const ChatMessage &message, bool local);
    std::optional<ChatMessage> message(const QString &conversation, qint64 seq) const;
    // Held messages with after < seq <= upTo, ascending; excludeLocal leaves out our own sent ones.
    QList<ChatMessage> messagesInRange(const QString &conversation, qint64 after, qint64 upTo,
                                       bool excludeLocal) const;
    // What a view shows: every seq up to the watermark plus our own acked ones, in seq order,
    // then pending outbox entries in the order they were written.
    QList<ChatMessage> messages(const QString &conversation) const;
    int messageCount(const QString &conversation) const;
    bool hasOutgoingMessage(const QString &id) const; // one of ours with this id is held (acked)

    // Outbox. enqueue() fails (outbox_full) when limit entries are already waiting.
    bool enqueue(const OutboxEntry &entry, int limit, QString *errorCode = nullptr);
    std::optional<OutboxEntry> outboxEntry(const QString &id) const;
    QList<OutboxEntry> outbox() const; // oldest first
    QList<OutboxEntry> queuedOutbox(int limit) const; // the oldest `limit` entries in state Queued
    QList<OutboxEntry> queuedOutbox(int limit, const QString &owner) const; // ... waiting for that account
    // Entries without an owner (queued before any welcome, or by schema 1) become that account's.
    // Returns how many, or -1 on an error.
    int adoptOutbox(const QString &owner);
    int outboxSizeNotOwnedBy(const QString &owner) const; // entries waiting for other accounts
    bool setOutboxState(const QString &id, ChatMessage::Delivery state, const QString &errorCode = QString(),
                        bool countAttempt = false);
    bool resetSending(); // every Sending entry back to Queued (the link is gone)
    bool removeFromOutbox(const QString &id);
    // The server acknowledged an outbox entry: it becomes a held local message, atomically.
    bool acknowledge(const QString &id, qint64 seq, const QDateTime &timestamp, const QString &from);
    int outboxSize() const;

    static ChatMessage toMessage(const OutboxEntry &entry, const QString &from);

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace Tether
