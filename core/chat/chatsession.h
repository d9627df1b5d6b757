#pragma once
// ChatSession is the chat layer over one ConnectionManager: protocol v1 (hello/resume, send/ack,
// history, typing), a persistent local store and outbox, exactly-once in-order delivery.
// chatsession.cpp runs past 600 lines because it is the one place that wires the parts together.
//
// CONTRACT NOTE: the UI, tether-cli and the soak test code against this API. Additions are fine;
// renames are not.

#include "protocollimits.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <memory>

namespace Tether {

class ConnectionManager;

struct ChatMessage
{
    enum class Delivery { Queued, Sending, Sent, Failed, Received };

    QString id;            // client UUID (ours) or server id
    QString conversation;
    qint64 seq = 0;        // 0 until acknowledged
    QString from;          // sender user id/name
    QString text;
    QDateTime timestamp;   // server ts; ours sent from here keep the local time they were written
    Delivery delivery = Delivery::Received;
    QString errorCode;     // for Failed
    bool outgoing = false;
};

// "queued", "sending", "sent", "failed", "received" (the CLI's and the store's spelling).
QString deliveryName(ChatMessage::Delivery delivery);

struct Conversation
{
    QString id;
    QString title;
    qint64 lastSeq = 0;    // highest seq held locally without a gap
    int unread = 0;
};

struct ChatSessionConfig
{
    QString databasePath;          // empty = default (ChatSession::defaultDatabasePath())
    int outboxLimit = 10000;       // unacked outgoing messages; send() fails beyond it
    // Messages asked per history request when filling a gap (clamped to the protocol's maximum).
    int historyPageLimit = Protocol::Limits::HistoryPageMax;
    int sendingTimeoutMs = 30000;  // a message Sending this long without an ack is re-sent
    int typingIntervalMs = 3000;   // sendTyping() sends at most once per interval per conversation
    int maxTextBytes = Protocol::Limits::MaxTextBytes; // send() refuses longer texts (the server's --max-text default)
    int sendWindow = 64;           // outbox entries in flight (sent, not yet acked) at once
    // Sends per second we write, and the burst written at once (a token bucket). The reference
    // server allows each user 20 sends/s with a burst of 100 (across its connections) and each
    // connection 100 frames/s; what goes over is answered rate_limited and sent again after the
    // pause. 0 = unpaced (a server without a rate limit).
    double sendRatePerSecond = 20;
    int sendBurst = 80;
    int rateLimitedRetryMs = 1000; // wait after a rate_limited/storage_error answer before re-sending
    int batchSize = 500;           // incoming frames applied per event-loop pass (one transaction)
    int storeRetryMs = 1000;       // first wait before a resync after the store failed to write (doubles, max 60 s)
};

class ChatSession : public QObject
{
    Q_OBJECT

public:
    /*!
        \enum ChatSession::Error
        What went wrong, as errorOccurred() reports it. errorName() gives each value's wire name:
        the spelling the CLI prints, ChatMessage::errorCode holds and the server sends.

        Raised by this client:
        \value NotOpen          not_open: the chat store is not open (open() failed or was not called).
        \value InvalidArgument  invalid_argument: send() refused its input: no conversation, an empty
                                text, a text over ChatSessionConfig::maxTextBytes, an id that is empty
                                or longer than the protocol allows.
        \value OutboxFull       outbox_full: ChatSessionConfig::outboxLimit messages are unacknowledged.
        \value StorageError     storage_error: the local store refused a write (a batch that could
                                not be committed is asked for again), or the server's storage_error
                                for a request that is not one of our sends.
        \value ProtocolError    protocol_error: the server sent a frame this client cannot read (not
                                a JSON object, or a known type with missing or mistyped fields).
        \value AccountChanged   account_changed: never signalled and no longer given to messages
                                (kept for its name): another account's queued messages now wait on
                                this store for that account, and go when it is back.

        Sent by the server in an error frame not tied to one of our messages (docs/protocol.md):
        \value BadJson          bad_json: the server could not read one of our frames.
        \value UnknownType      unknown_type: the server does not know one of our frame types.
        \value MissingField     missing_field: one of our frames lacked a field the server needs.
        \value InvalidField     invalid_field: one of our frames had a field the server refuses.
        \value NotMember        not_member: a request for a conversation we are not in.
        \value Forbidden        forbidden: e.g. leaving a public conversation.
        \value RateLimited      rate_limited: we wrote faster than the server allows and it dropped
                                the frame (sends and history requests are retried by themselves).
        \value UnknownServerError error: an error frame without a code, or with one this build does
                                not know (the message then names it).
        \value IdReused         id_reused: the id of one of our sends names another of our messages,
                                in another conversation (the server refused it, or acknowledged the
                                other message). The message fails with this ChatMessage::errorCode;
                                retry() sends it again under the same id, so discard it and send anew.
    */
    enum class Error {
        NotOpen,
        InvalidArgument,
        OutboxFull,
        StorageError,
        ProtocolError,
        AccountChanged,
        BadJson,
        UnknownType,
        MissingField,
        InvalidField,
        NotMember,
        Forbidden,
        RateLimited,
        UnknownServerError,
        IdReused,
    };
    Q_ENUM(Error)
    static QString errorName(Error error);           // "outbox_full", ...
    static Error errorFromName(const QString &name); // UnknownServerError for a name not listed above

    ChatSession(ConnectionManager *connection, const ChatSessionConfig &config, QObject *parent = nullptr);
    ~ChatSession() override;

    static QString defaultDatabasePath(); // <AppDataLocation>/chat.sqlite

    // Opens/creates the local store. A corrupt or unreadable file is moved aside (as
    // <name>.corrupt-<timestamp>) and its readable outbox carried into a fresh store: see
    // storeRecovery(). False when even that fails (a folder that cannot be written, a newer schema).
    bool open(QString *errorMessage = nullptr);
    bool isOpen() const;
    // What open() did to a damaged store: where the file went, why, and how many unsent messages
    // were salvaged. Empty movedTo when the store opened as it was.
    struct StoreRecovery
    {
        QString movedTo;
        QString reason;
        int salvagedOutbox = 0;
    };
    StoreRecovery storeRecovery() const;
    ConnectionManager *connection() const;
    QString userName() const;                    // from welcome
    bool isSynced() const;                       // welcome + replay applied on the current connection
    QList<Conversation> conversations() const;
    QList<ChatMessage> messages(const QString &conversation) const; // seq order, pending outgoing last
    QString send(const QString &conversation, const QString &text, QString *errorMessage = nullptr); // id, or empty on error
    // Like send() with a caller-chosen id (e.g. a tool re-feeding input after a crash): an id already
    // in the outbox is not queued twice and its id is returned; the server dedupes ids it has seen.
    QString sendWithId(const QString &id, const QString &conversation, const QString &text,
                       QString *errorMessage = nullptr);
    bool retry(const QString &id);
    bool discard(const QString &id);
    void markRead(const QString &conversation);
    void sendTyping(const QString &conversation);
    void join(const QString &conversation);
    void leave(const QString &conversation);
    int outboxSize() const;                      // queued + sending + failed (everything not yet acked); cheap
    QList<ChatMessage> outbox() const;           // those entries, every conversation, oldest first
    int reconnects() const;                      // welcomes received after the first

Q_SIGNALS:
    void conversationsChanged();
    void messagesAdded(const QString &conversation, const QList<Tether::ChatMessage> &messages); // batched
    void messageUpdated(const Tether::ChatMessage &message);  // delivery state changes (queued->sending->sent/failed)
    void messageRemoved(const QString &conversation, const QString &id); // discard
    void unreadChanged(const QString &conversation, int unread);
    void typing(const QString &conversation, const QString &user);
    void synced();
    // The server was reset or restored: what this conversation held is archived (kept, marked) and
    // its history is fetched anew; a view shows messages(conversation) again.
    void conversationReset(const QString &conversation);
    // outboxSize() changed: a message was queued, acknowledged or discarded (not on state changes).
    void outboxSizeChanged(int size);
    // Errors not tied to one of our messages (those fail the message: ChatMessage::errorCode).
    // errorName(error) spells the code.
    void errorOccurred(Tether::ChatSession::Error error, const QString &message);

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace Tether

Q_DECLARE_METATYPE(Tether::ChatMessage)
Q_DECLARE_METATYPE(Tether::Conversation)
