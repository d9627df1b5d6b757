#pragma once
// ChatSession is the chat layer over one ConnectionManager: protocol v1 (hello/resume, send/ack,
// history, typing), a persistent local store and outbox, exactly-once in-order delivery.
//
// CONTRACT NOTE: the UI, tether-cli and the soak test code against this API. Additions are fine;
// renames are not.

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
    int historyPageLimit = 500;    // messages asked per history request when filling a gap
    int sendingTimeoutMs = 30000;  // a message Sending this long without an ack is re-sent
    int typingIntervalMs = 3000;   // sendTyping() sends at most once per interval per conversation
    int maxTextBytes = 64 * 1024;  // send() refuses longer texts (the server limits frames)
    int sendWindow = 64;           // outbox entries in flight (sent, not yet acked) at once
    // Frames per second we write, and the burst written at once (a token bucket). The reference
    // server allows 100/s with a burst of 500 per connection; this leaves room for hello, history,
    // typing and join frames. 0 = unpaced (a server without a rate limit).
    double sendRatePerSecond = 80;
    int sendBurst = 400;
    int rateLimitedRetryMs = 1000; // wait after a rate_limited/storage_error answer before re-sending
    int batchSize = 500;           // incoming frames applied per event-loop pass (one transaction)
};

class ChatSession : public QObject
{
    Q_OBJECT

public:
    ChatSession(ConnectionManager *connection, const ChatSessionConfig &config, QObject *parent = nullptr);
    ~ChatSession() override;

    static QString defaultDatabasePath(); // <AppDataLocation>/chat.sqlite

    bool open(QString *errorMessage = nullptr); // opens/creates the local store; false on a broken db
    bool isOpen() const;
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
    int outboxSize() const;                      // queued + sending + failed (everything not yet acked)
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
    // code: "outbox_full", "storage_error", "not_open", "invalid_argument", "protocol_error", or the
    // server's error code (e.g. "not_member", "rate_limited") for errors not tied to one of our messages.
    void errorOccurred(const QString &code, const QString &message);

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace Tether

Q_DECLARE_METATYPE(Tether::ChatMessage)
Q_DECLARE_METATYPE(Tether::Conversation)
