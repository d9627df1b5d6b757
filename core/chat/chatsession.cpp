#include "chatsession.h"

#include "connectionmanager.h"
#include "messagestore.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSet>
#include <QStandardPaths>
#include <QTimer>
#include <QUuid>

#include <optional>

namespace Tether {

Q_LOGGING_CATEGORY(lcChat, "tether.chat")

namespace {

QString str(const char *latin1) { return QString::fromLatin1(latin1); }

// Errors that say "not now", not "never": the entry goes back to the queue.
bool isTransientError(const QString &code)
{
    return code == QLatin1String("rate_limited") || code == QLatin1String("storage_error");
}

QDateTime fromMs(const QJsonValue &value)
{
    if (!value.isDouble())
        return QDateTime::currentDateTimeUtc();
    return QDateTime::fromMSecsSinceEpoch(qint64(value.toDouble()), Qt::UTC);
}

} // namespace

QString deliveryName(ChatMessage::Delivery delivery)
{
    switch (delivery) {
    case ChatMessage::Delivery::Queued: return QStringLiteral("queued");
    case ChatMessage::Delivery::Sending: return QStringLiteral("sending");
    case ChatMessage::Delivery::Sent: return QStringLiteral("sent");
    case ChatMessage::Delivery::Failed: return QStringLiteral("failed");
    case ChatMessage::Delivery::Received: return QStringLiteral("received");
    }
    return QString();
}

class ChatSession::Private
{
public:
    explicit Private(ChatSession *q) : q(q) {}

    ChatSession *q;
    ConnectionManager *connection = nullptr;
    ChatSessionConfig config;
    MessageStore store;
    bool opened = false;

    QString userId;
    QString userName;
    bool guest = false;
    bool helloSent = false;
    bool synced = false;
    int welcomes = 0;
    int helloCounter = 0;

    QElapsedTimer clock;
    QStringList incoming;
    QTimer incomingTimer;

    QHash<QString, qint64> serverLastSeq;       // from welcome / joined
    QHash<QString, QString> historyRequests;    // request id -> conversation
    QSet<QString> historyInFlight;              // conversations
    int historyCounter = 0;

    QHash<QString, qint64> inFlight;            // outbox id -> ms it was written to the socket
    double tokens = 0;
    qint64 tokensAtMs = 0;
    qint64 retryNotBeforeMs = 0;
    QTimer outboxTimer;
    // Set when an entry may be Sending in the store but no longer in flight (its answer timed out,
    // or a failed commit forgot it): the next flush walks the whole outbox instead of only the
    // queued entries it can send.
    bool outboxScanNeeded = true;

    QHash<QString, qint64> typingSentAt;
    QStringList pendingRequests;                // join/leave frames waiting for a synced link

    // Signals collected while a batch is applied, emitted after it is committed.
    struct Pending
    {
        QHash<QString, QList<ChatMessage>> added;
        QStringList addedOrder;
        QList<ChatMessage> updated;
        QSet<QString> unread;
        QList<QPair<QString, QString>> typing;
        QList<QPair<QString, QString>> errors;
        bool conversations = false;
        bool synced = false;
    } pending;

    // Watermarks before the current batch touched a conversation.
    QHash<QString, qint64> touched;

    bool isLinkUp() const
    {
        return connection && connection->state() == ConnectionState::Connected;
    }

    bool sendFrame(const QJsonObject &frame)
    {
        if (!isLinkUp())
            return false;
        const QString text = QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact));
        return connection->send(text) != ConnectionManager::SendResult::Rejected;
    }

    // A guest proves it is the same guest on every connection with this secret (docs/protocol.md),
    // so the server recognises its retried sends. Kept in the store, never logged.
    QString guestKey()
    {
        QString key = store.value(str("guest_key"));
        if (key.isEmpty()) {
            key = QUuid::createUuid().toString(QUuid::Id128) + QUuid::createUuid().toString(QUuid::Id128);
            store.setValue(str("guest_key"), key);
        }
        return key;
    }

    void error(const QString &code, const QString &message)
    {
        qCWarning(lcChat).noquote() << code << message;
        pending.errors.append({code, message});
    }

    void touch(const QString &conversation)
    {
        if (!touched.contains(conversation))
            touched.insert(conversation, store.lastSeq(conversation));
    }

    void update(const ChatMessage &message) { pending.updated.append(message); }

    // connection events
    void onConnected();
    void onLinkLost();
    void onText(const QString &text);

    // incoming
    void processIncoming();
    void dispatch(const QJsonObject &frame);
    void handleWelcome(const QJsonObject &frame);
    void handleMessage(const QJsonObject &frame);
    void handleAck(const QJsonObject &frame);
    void handleHistory(const QJsonObject &frame);
    void handleError(const QJsonObject &frame);
    void handleJoined(const QJsonObject &frame);
    void handleLeft(const QJsonObject &frame);
    void finishBatch();
    void requestHistory(const QString &conversation);
    void checkGaps();

    // outgoing
    void sendHello();
    void flushOutbox();
    void flushRequests();
    void scheduleOutboxTimer(int ms);
    void emitPending();
    std::optional<ChatMessage> acknowledge(const QString &id, qint64 seq, const QDateTime &ts);
};

// ---------------------------------------------------------------------------------------------

ChatSession::ChatSession(ConnectionManager *connection, const ChatSessionConfig &config, QObject *parent)
    : QObject(parent), d(new Private(this))
{
    qRegisterMetaType<Tether::ChatMessage>();
    qRegisterMetaType<QList<Tether::ChatMessage>>();
    d->connection = connection;
    d->config = config;
    d->clock.start();
    d->incomingTimer.setSingleShot(true);
    d->incomingTimer.setInterval(0);
    connect(&d->incomingTimer, &QTimer::timeout, this, [this] { d->processIncoming(); });
    d->outboxTimer.setSingleShot(true);
    connect(&d->outboxTimer, &QTimer::timeout, this, [this] {
        d->flushOutbox();
        d->emitPending();
    });
}

ChatSession::~ChatSession() = default;

QString ChatSession::defaultDatabasePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/chat.sqlite");
}

bool ChatSession::open(QString *errorMessage)
{
    if (d->opened)
        return true;
    if (!d->connection) {
        if (errorMessage)
            *errorMessage = QStringLiteral("ChatSession needs a ConnectionManager");
        return false;
    }
    const QString path = d->config.databasePath.isEmpty() ? defaultDatabasePath() : d->config.databasePath;
    QString message;
    if (!d->store.open(path, &message)) {
        if (errorMessage)
            *errorMessage = message;
        return false;
    }
    d->opened = true;
    d->userId = d->store.value(QStringLiteral("user"));
    d->userName = d->store.value(QStringLiteral("user_name"));
    // Whatever was in flight when the last process ended is unconfirmed: send it again.
    d->store.resetSending();
    qCInfo(lcChat).noquote() << "chat store" << path << "outbox" << d->store.outboxSize();

    connect(d->connection, &ConnectionManager::connected, this, [this] { d->onConnected(); });
    connect(d->connection, &ConnectionManager::stateChanged, this,
            [this](ConnectionState state, ConnectionState previous) {
                if (previous == ConnectionState::Connected && state != ConnectionState::Connected)
                    d->onLinkLost();
            });
    connect(d->connection, &ConnectionManager::textMessageReceived, this,
            [this](const QString &text) { d->onText(text); });
    if (d->isLinkUp())
        d->onConnected();
    return true;
}

bool ChatSession::isOpen() const { return d->opened; }
ConnectionManager *ChatSession::connection() const { return d->connection; }
QString ChatSession::userName() const { return d->userName.isEmpty() ? d->userId : d->userName; }
bool ChatSession::isSynced() const { return d->synced; }

QList<Conversation> ChatSession::conversations() const
{
    return d->opened ? d->store.conversations() : QList<Conversation>();
}

QList<ChatMessage> ChatSession::messages(const QString &conversation) const
{
    return d->opened ? d->store.messages(conversation) : QList<ChatMessage>();
}

QString ChatSession::send(const QString &conversation, const QString &text, QString *errorMessage)
{
    return sendWithId(QUuid::createUuid().toString(QUuid::WithoutBraces), conversation, text, errorMessage);
}

QString ChatSession::sendWithId(const QString &id, const QString &conversation, const QString &text,
                                QString *errorMessage)
{
    auto fail = [this, errorMessage](const QString &code, const QString &message) {
        if (errorMessage)
            *errorMessage = message;
        qCWarning(lcChat).noquote() << "send refused:" << code << message;
        Q_EMIT errorOccurred(code, message);
        return QString();
    };
    if (!d->opened)
        return fail(str("not_open"), QStringLiteral("the chat store is not open"));
    if (conversation.isEmpty())
        return fail(str("invalid_argument"), QStringLiteral("no conversation given"));
    if (text.trimmed().isEmpty())
        return fail(str("invalid_argument"), QStringLiteral("an empty message is not sent"));
    if (text.toUtf8().size() > d->config.maxTextBytes)
        return fail(str("invalid_argument"),
                    QStringLiteral("the message is longer than %1 bytes").arg(d->config.maxTextBytes));
    if (id.isEmpty() || id.size() > 128)
        return fail(str("invalid_argument"), QStringLiteral("a message id must have 1 to 128 characters"));

    if (d->store.outboxEntry(id) || d->store.hasOutgoingMessage(id))
        return id; // already written (a re-fed line after a restart): exactly once

    MessageStore::OutboxEntry entry;
    entry.id = id;
    entry.conversation = conversation;
    entry.text = text;
    entry.created = QDateTime::currentDateTimeUtc();
    QString code;
    // Write before send: the entry is committed before any byte of it goes out.
    if (!d->store.enqueue(entry, d->config.outboxLimit, &code))
        return fail(code, d->store.lastError());

    qCDebug(lcChat) << "queued" << id << "in" << conversation;
    Q_EMIT messagesAdded(conversation, {MessageStore::toMessage(entry, d->userId)});
    d->flushOutbox();
    d->emitPending();
    return id;
}

bool ChatSession::retry(const QString &id)
{
    if (!d->opened)
        return false;
    const auto entry = d->store.outboxEntry(id);
    if (!entry || entry->state != ChatMessage::Delivery::Failed)
        return false;
    if (!d->store.setOutboxState(id, ChatMessage::Delivery::Queued))
        return false;
    auto updated = *entry;
    updated.state = ChatMessage::Delivery::Queued;
    updated.errorCode.clear();
    Q_EMIT messageUpdated(MessageStore::toMessage(updated, d->userId));
    d->flushOutbox();
    d->emitPending();
    return true;
}

bool ChatSession::discard(const QString &id)
{
    if (!d->opened)
        return false;
    const auto entry = d->store.outboxEntry(id);
    // A message on the wire may already be stored by the server; only what is not in flight can go.
    if (!entry || entry->state == ChatMessage::Delivery::Sending)
        return false;
    if (!d->store.removeFromOutbox(id))
        return false;
    Q_EMIT messageRemoved(entry->conversation, id);
    return true;
}

void ChatSession::markRead(const QString &conversation)
{
    if (!d->opened)
        return;
    const int before = d->store.unread(conversation);
    d->store.setReadSeq(conversation, d->store.lastSeq(conversation));
    const int after = d->store.unread(conversation);
    if (after != before)
        Q_EMIT unreadChanged(conversation, after);
}

void ChatSession::sendTyping(const QString &conversation)
{
    if (!d->opened || !d->synced)
        return;
    const qint64 now = d->clock.elapsed();
    const auto it = d->typingSentAt.constFind(conversation);
    if (it != d->typingSentAt.constEnd() && now - it.value() < d->config.typingIntervalMs)
        return;
    d->typingSentAt.insert(conversation, now);
    d->sendFrame({{str("type"), str("typing")}, {str("conversation"), conversation}});
}

void ChatSession::join(const QString &conversation)
{
    if (!d->opened || conversation.isEmpty())
        return;
    d->pendingRequests.append(QStringLiteral("join:") + conversation);
    d->flushRequests();
}

void ChatSession::leave(const QString &conversation)
{
    if (!d->opened || conversation.isEmpty())
        return;
    d->pendingRequests.append(QStringLiteral("leave:") + conversation);
    d->flushRequests();
}

int ChatSession::outboxSize() const { return d->opened ? d->store.outboxSize() : 0; }

QList<ChatMessage> ChatSession::outbox() const
{
    QList<ChatMessage> result;
    if (!d->opened)
        return result;
    for (const MessageStore::OutboxEntry &e : d->store.outbox())
        result.append(MessageStore::toMessage(e, d->userId));
    return result;
}
int ChatSession::reconnects() const { return qMax(0, d->welcomes - 1); }

// ---------------------------------------------------------------------------------------------
// Connection events

void ChatSession::Private::onConnected()
{
    synced = false;
    sendHello();
}

void ChatSession::Private::sendHello()
{
    QJsonObject resume;
    for (const Conversation &c : store.conversations())
        resume.insert(c.id, c.lastSeq);
    QJsonObject hello{{str("type"), str("hello")},
                      {str("protocol"), 1},
                      {str("id"), QStringLiteral("hello:%1").arg(++helloCounter)},
                      {str("resume"), resume}};
    if (connection->credentials().isAnonymous())
        hello.insert(str("guest_key"), guestKey());
    helloSent = sendFrame(hello);
    qCDebug(lcChat) << "hello sent:" << helloSent << "resume" << resume.size() << "conversations";
}

void ChatSession::Private::onLinkLost()
{
    // Frames already received are still applied: they are true whatever happened to the link.
    processIncoming();
    helloSent = false;
    synced = false;
    historyRequests.clear();
    historyInFlight.clear();
    inFlight.clear();
    outboxScanNeeded = true;
    outboxTimer.stop();
    // Unconfirmed sends go back to the queue; they are sent again (same id) after the next welcome.
    const QList<MessageStore::OutboxEntry> entries = store.outbox();
    if (store.resetSending()) {
        for (MessageStore::OutboxEntry e : entries) {
            if (e.state != ChatMessage::Delivery::Sending)
                continue;
            e.state = ChatMessage::Delivery::Queued;
            update(MessageStore::toMessage(e, userId));
        }
    }
    emitPending();
}

void ChatSession::Private::onText(const QString &text)
{
    incoming.append(text);
    if (incoming.size() >= config.batchSize)
        processIncoming();
    else if (!incomingTimer.isActive())
        incomingTimer.start();
}

// ---------------------------------------------------------------------------------------------
// Incoming frames, applied in batches: one transaction and one round of signals per batch.

void ChatSession::Private::processIncoming()
{
    if (incoming.isEmpty())
        return;
    const int n = qMin<int>(incoming.size(), qMax(1, config.batchSize));
    const QStringList batch = incoming.mid(0, n);
    incoming.erase(incoming.begin(), incoming.begin() + n);
    if (!incoming.isEmpty())
        incomingTimer.start(); // the rest on the next pass: the UI gets the event loop in between

    const bool transaction = store.beginTransaction();
    for (const QString &text : batch) {
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &parseError);
        if (!doc.isObject()) {
            error(str("protocol_error"), QStringLiteral("the server sent a frame that is not a JSON object: %1")
                                             .arg(parseError.errorString()));
            continue;
        }
        dispatch(doc.object());
    }
    finishBatch();
    if (transaction && !store.commit()) {
        // Nothing of this batch is on disk: forget its effects and ask the server again.
        error(str("storage_error"), QStringLiteral("cannot write to the chat store: %1").arg(store.lastError()));
        pending = Pending();
        inFlight.clear();
        outboxScanNeeded = true;
        if (isLinkUp())
            sendHello();
        emitPending();
        return;
    }
    const bool wasSynced = pending.synced;
    emitPending();
    if (wasSynced || synced) {
        flushOutbox();
        flushRequests();
        emitPending();
    }
}

void ChatSession::Private::dispatch(const QJsonObject &frame)
{
    const QString type = frame.value(QLatin1String("type")).toString();
    if (type == QLatin1String("message"))
        handleMessage(frame);
    else if (type == QLatin1String("ack"))
        handleAck(frame);
    else if (type == QLatin1String("welcome"))
        handleWelcome(frame);
    else if (type == QLatin1String("synced")) {
        synced = true;
        pending.synced = true;
        checkGaps();
    } else if (type == QLatin1String("history"))
        handleHistory(frame);
    else if (type == QLatin1String("error"))
        handleError(frame);
    else if (type == QLatin1String("typing")) {
        const QString from = frame.value(QLatin1String("from")).toString();
        if (from != userId)
            pending.typing.append({frame.value(QLatin1String("conversation")).toString(), from});
    } else if (type == QLatin1String("joined"))
        handleJoined(frame);
    else if (type == QLatin1String("left"))
        handleLeft(frame);
    else if (type == QLatin1String("auth_ok") || type == QLatin1String("pong"))
        return;
    else
        qCDebug(lcChat) << "ignored a frame of type" << type;
}

void ChatSession::Private::handleWelcome(const QJsonObject &frame)
{
    ++welcomes;
    const QJsonObject user = frame.value(QLatin1String("user")).toObject();
    const QString id = user.value(QLatin1String("id")).toString();
    const QString name = user.value(QLatin1String("name")).toString();
    const bool isGuest = user.value(QLatin1String("guest")).toBool();
    const bool wasGuest = store.value(QStringLiteral("guest")) == QLatin1String("1");
    if (!userId.isEmpty() && id != userId && !(isGuest && wasGuest)) {
        // Another account on this store: its cache is not ours, and its unsent messages must not go
        // out under our name. They stay visible as failed, for the user to retry or discard.
        qCWarning(lcChat).noquote() << "the account changed from" << userId << "to" << id << "- clearing the local cache";
        for (const Conversation &c : store.conversations())
            store.removeConversation(c.id);
        for (MessageStore::OutboxEntry e : store.outbox()) {
            store.setOutboxState(e.id, ChatMessage::Delivery::Failed, str("account_changed"));
            e.state = ChatMessage::Delivery::Failed;
            e.errorCode = str("account_changed");
            update(MessageStore::toMessage(e, userId));
        }
        touched.clear();
    }
    userId = id;
    userName = name;
    guest = isGuest;
    store.setValue(QStringLiteral("user"), userId);
    store.setValue(QStringLiteral("user_name"), userName);
    store.setValue(QStringLiteral("guest"), isGuest ? QStringLiteral("1") : QStringLiteral("0"));

    QSet<QString> listed;
    serverLastSeq.clear();
    const QJsonArray conversations = frame.value(QLatin1String("conversations")).toArray();
    for (const QJsonValue &value : conversations) {
        const QJsonObject c = value.toObject();
        const QString cid = c.value(QLatin1String("id")).toString();
        if (cid.isEmpty())
            continue;
        listed.insert(cid);
        store.upsertConversation(cid, c.value(QLatin1String("title")).toString());
        serverLastSeq.insert(cid, qint64(c.value(QLatin1String("last_seq")).toDouble()));
    }
    for (const Conversation &c : store.conversations()) {
        if (!listed.contains(c.id)) {
            qCInfo(lcChat).noquote() << "no longer a member of" << c.id;
            store.removeConversation(c.id);
            touched.remove(c.id);
        }
    }
    pending.conversations = true;
    qCInfo(lcChat).noquote() << "welcome as" << userId << "conversations" << listed.size() << "welcomes" << welcomes;
}

void ChatSession::Private::handleMessage(const QJsonObject &frame)
{
    ChatMessage m;
    m.conversation = frame.value(QLatin1String("conversation")).toString();
    m.seq = qint64(frame.value(QLatin1String("seq")).toDouble());
    m.id = frame.value(QLatin1String("id")).toString();
    m.from = frame.value(QLatin1String("from")).toString();
    m.text = frame.value(QLatin1String("text")).toString();
    m.timestamp = fromMs(frame.value(QLatin1String("ts")));
    if (m.conversation.isEmpty() || m.seq <= 0) {
        error(str("protocol_error"), QStringLiteral("the server sent a message without conversation or seq"));
        return;
    }
    if (!store.hasConversation(m.conversation)) {
        store.upsertConversation(m.conversation, m.conversation);
        pending.conversations = true;
    }
    touch(m.conversation);
    m.outgoing = !userId.isEmpty() && m.from == userId;
    // Our own message coming back (broadcast, replay or history) confirms it like an ack would.
    // A guest's id changes with every connection, so for guests the (UUID) id alone decides.
    const bool maybeOurs = m.outgoing || (guest && m.from.startsWith(QLatin1String("guest-")));
    if (maybeOurs && store.outboxEntry(m.id)) {
        acknowledge(m.id, m.seq, m.timestamp);
        return;
    }
    if (store.insertMessage(m, false) == MessageStore::InsertResult::Error)
        error(str("storage_error"), QStringLiteral("cannot store a message: %1").arg(store.lastError()));
}

std::optional<ChatMessage> ChatSession::Private::acknowledge(const QString &id, qint64 seq, const QDateTime &ts)
{
    const auto entry = store.outboxEntry(id);
    inFlight.remove(id);
    if (!entry)
        return std::nullopt; // a repeated ack (the server's answer to a retry): already done
    touch(entry->conversation);
    // Ours keeps the time it was written (shown while it waited), not the server's arrival time.
    const QDateTime written = entry->created.isValid() ? entry->created : ts;
    if (!store.acknowledge(id, seq, written, userId)) {
        error(str("storage_error"), QStringLiteral("cannot record an acknowledgement: %1").arg(store.lastError()));
        return std::nullopt;
    }
    ChatMessage m = MessageStore::toMessage(*entry, userId);
    m.seq = seq;
    m.timestamp = written;
    m.delivery = ChatMessage::Delivery::Sent;
    m.errorCode.clear();
    update(m);
    return m;
}

void ChatSession::Private::handleAck(const QJsonObject &frame)
{
    const QString id = frame.value(QLatin1String("id")).toString();
    const qint64 seq = qint64(frame.value(QLatin1String("seq")).toDouble());
    if (id.isEmpty() || seq <= 0) {
        error(str("protocol_error"), QStringLiteral("the server sent an ack without id or seq"));
        return;
    }
    acknowledge(id, seq, fromMs(frame.value(QLatin1String("ts"))));
}

void ChatSession::Private::handleHistory(const QJsonObject &frame)
{
    const QString conversation = frame.value(QLatin1String("conversation")).toString();
    const QString requestId = frame.value(QLatin1String("id")).toString();
    historyRequests.remove(requestId);
    historyInFlight.remove(conversation);
    const QJsonArray messages = frame.value(QLatin1String("messages")).toArray();
    for (const QJsonValue &value : messages) {
        QJsonObject m = value.toObject();
        if (!m.contains(QLatin1String("conversation")))
            m.insert(str("conversation"), conversation);
        handleMessage(m);
    }
    touch(conversation);
    if (messages.isEmpty() && !frame.value(QLatin1String("has_more")).toBool()) {
        // The server has nothing more: never ask again for what it said it does not have.
        serverLastSeq.insert(conversation, qMin(serverLastSeq.value(conversation), store.lastSeq(conversation)));
    }
    for (auto it = historyRequests.begin(); it != historyRequests.end();) {
        if (it.value() == conversation)
            it = historyRequests.erase(it);
        else
            ++it;
    }
    qCDebug(lcChat) << "history for" << conversation << messages.size() << "messages, has_more"
                    << frame.value(QLatin1String("has_more")).toBool();
    // finishBatch() checks again whether a gap is left and asks for the next page.
}

void ChatSession::Private::handleError(const QJsonObject &frame)
{
    const QString code = frame.value(QLatin1String("code")).toString();
    const QString message = frame.value(QLatin1String("message")).toString();
    const QString id = frame.value(QLatin1String("id")).toString();

    if (!id.isEmpty()) {
        if (const auto entry = store.outboxEntry(id)) {
            inFlight.remove(id);
            MessageStore::OutboxEntry e = *entry;
            if (isTransientError(code)) {
                qCDebug(lcChat) << "send" << id << "answered" << code << "- will retry";
                retryNotBeforeMs = clock.elapsed() + config.rateLimitedRetryMs;
                e.state = ChatMessage::Delivery::Queued;
                store.setOutboxState(id, e.state);
            } else {
                qCWarning(lcChat).noquote() << "send" << id << "failed:" << code << message;
                e.state = ChatMessage::Delivery::Failed;
                e.errorCode = code.isEmpty() ? str("error") : code;
                store.setOutboxState(id, e.state, e.errorCode);
            }
            update(MessageStore::toMessage(e, userId));
            return;
        }
        if (historyRequests.contains(id)) {
            const QString conversation = historyRequests.take(id);
            historyInFlight.remove(conversation);
            if (isTransientError(code)) {
                QTimer::singleShot(config.rateLimitedRetryMs, q, [this, conversation] {
                    if (synced) {
                        requestHistory(conversation);
                        emitPending();
                    }
                });
                return;
            }
            error(code, QStringLiteral("history of %1: %2").arg(conversation, message));
            return;
        }
        if (id.startsWith(QLatin1String("hello:"))) {
            // Without a welcome nothing resumes: ask again shortly.
            QTimer::singleShot(config.rateLimitedRetryMs, q, [this] {
                if (isLinkUp() && !synced)
                    sendHello();
            });
            if (isTransientError(code))
                return;
        }
    }
    error(code.isEmpty() ? str("error") : code, message);
}

void ChatSession::Private::handleJoined(const QJsonObject &frame)
{
    const QJsonObject c = frame.value(QLatin1String("conversation")).toObject();
    const QString id = c.value(QLatin1String("id")).toString();
    if (id.isEmpty())
        return;
    if (frame.value(QLatin1String("user")).toString() != userId && !store.hasConversation(id))
        return;
    store.upsertConversation(id, c.value(QLatin1String("title")).toString());
    serverLastSeq.insert(id, qint64(c.value(QLatin1String("last_seq")).toDouble()));
    touch(id);
    pending.conversations = true;
}

void ChatSession::Private::handleLeft(const QJsonObject &frame)
{
    const QString id = frame.value(QLatin1String("conversation")).toString();
    if (frame.value(QLatin1String("user")).toString() != userId)
        return;
    store.removeConversation(id);
    serverLastSeq.remove(id);
    touched.remove(id);
    pending.conversations = true;
}

void ChatSession::Private::finishBatch()
{
    for (auto it = touched.constBegin(); it != touched.constEnd(); ++it) {
        const QString &conversation = it.key();
        const qint64 before = it.value();
        const qint64 after = store.advanceWatermark(conversation);
        if (after > before) {
            // In seq order, each once: the watermark only moves forward over held messages.
            const QList<ChatMessage> fresh = store.messagesInRange(conversation, before, after, true);
            if (!fresh.isEmpty()) {
                if (!pending.added.contains(conversation))
                    pending.addedOrder.append(conversation);
                pending.added[conversation].append(fresh);
            }
            pending.unread.insert(conversation);
            pending.conversations = true;
        }
        if (synced && !historyInFlight.contains(conversation)
            && (store.maxSeq(conversation) > after || serverLastSeq.value(conversation) > after)) {
            requestHistory(conversation);
        }
    }
    touched.clear();
}

void ChatSession::Private::checkGaps()
{
    for (const Conversation &c : store.conversations()) {
        if (store.maxSeq(c.id) > c.lastSeq || serverLastSeq.value(c.id) > c.lastSeq)
            touch(c.id); // finishBatch() asks for the missing range
    }
}

void ChatSession::Private::requestHistory(const QString &conversation)
{
    if (historyInFlight.contains(conversation) || !isLinkUp())
        return;
    const qint64 after = store.lastSeq(conversation);
    const QString id = QStringLiteral("h:%1").arg(++historyCounter);
    qCDebug(lcChat) << "gap in" << conversation << "after" << after << "- asking for history";
    if (sendFrame({{str("type"), str("history")},
                   {str("id"), id},
                   {str("conversation"), conversation},
                   {str("after"), after},
                   {str("limit"), qBound(1, config.historyPageLimit, 500)}})) {
        historyRequests.insert(id, conversation);
        historyInFlight.insert(conversation);
    }
}

// ---------------------------------------------------------------------------------------------
// Outgoing

void ChatSession::Private::scheduleOutboxTimer(int ms)
{
    ms = qMax(1, ms);
    if (!outboxTimer.isActive() || outboxTimer.remainingTime() > ms)
        outboxTimer.start(ms);
}

void ChatSession::Private::flushOutbox()
{
    if (!opened || !synced || !isLinkUp())
        return;
    const qint64 now = clock.elapsed();
    if (now < retryNotBeforeMs) {
        scheduleOutboxTimer(int(retryNotBeforeMs - now));
        return;
    }
    // Token bucket: the server drops frames over its rate, so we stay under it.
    const double rate = config.sendRatePerSecond > 0 ? config.sendRatePerSecond : 1e9;
    tokens = qMin<double>(qMax(1, config.sendBurst), tokens + double(now - tokensAtMs) * rate / 1000.0);
    tokensAtMs = now;

    // Entries on the wire for too long without an answer are sent again (same id, deduped).
    for (auto it = inFlight.begin(); it != inFlight.end();) {
        if (now - it.value() > config.sendingTimeoutMs) {
            qCDebug(lcChat) << "no answer for" << it.key() << "within" << config.sendingTimeoutMs << "ms - sending again";
            it = inFlight.erase(it);
            outboxScanNeeded = true;
        }
        else
            ++it;
    }

    const int window = qMax(1, config.sendWindow);
    if (inFlight.size() >= window) {
        scheduleOutboxTimer(config.sendingTimeoutMs);
        return;
    }
    bool more = false;
    bool complete = true;
    const bool transaction = store.beginTransaction();
    // Usually only queued entries can go, and only as many as the window has room for: reading
    // the whole outbox for every ack made each send cost O(window).
    const bool fullScan = outboxScanNeeded;
    const QList<MessageStore::OutboxEntry> entries =
        fullScan ? store.outbox() : store.queuedOutbox(window - int(inFlight.size()));
    for (MessageStore::OutboxEntry e : entries) {
        if (e.state == ChatMessage::Delivery::Failed || inFlight.contains(e.id))
            continue;
        if (inFlight.size() >= window || tokens < 1.0) {
            more = true;
            complete = false;
            break;
        }
        if (!sendFrame({{str("type"), str("send")},
                        {str("id"), e.id},
                        {str("conversation"), e.conversation},
                        {str("text"), e.text}})) {
            complete = false;
            break;
        }
        tokens -= 1.0;
        inFlight.insert(e.id, now);
        if (e.state != ChatMessage::Delivery::Sending) {
            store.setOutboxState(e.id, ChatMessage::Delivery::Sending, QString(), true);
            e.state = ChatMessage::Delivery::Sending;
            update(MessageStore::toMessage(e, userId));
        }
    }
    if (transaction && !store.commit()) {
        error(str("storage_error"), QStringLiteral("cannot update the outbox: %1").arg(store.lastError()));
        complete = false;
        outboxScanNeeded = true;
    }
    if (fullScan && complete)
        outboxScanNeeded = false;
    if (more && tokens < 1.0)
        scheduleOutboxTimer(int((1.0 - tokens) * 1000.0 / rate) + 1);
    else if (!inFlight.isEmpty())
        scheduleOutboxTimer(config.sendingTimeoutMs + 10);
}

void ChatSession::Private::flushRequests()
{
    if (!synced || !isLinkUp())
        return;
    while (!pendingRequests.isEmpty()) {
        const QString request = pendingRequests.first();
        const int colon = request.indexOf(QLatin1Char(':'));
        const QString type = request.left(colon);
        if (!sendFrame({{str("type"), type}, {str("conversation"), request.mid(colon + 1)}}))
            return;
        pendingRequests.removeFirst();
    }
}

void ChatSession::Private::emitPending()
{
    Pending p = std::move(pending);
    pending = Pending();
    if (p.conversations)
        Q_EMIT q->conversationsChanged();
    // Acks first: our message got its seq before anything that follows it is announced.
    for (const ChatMessage &m : std::as_const(p.updated))
        Q_EMIT q->messageUpdated(m);
    for (const QString &conversation : std::as_const(p.addedOrder))
        Q_EMIT q->messagesAdded(conversation, p.added.value(conversation));
    for (const QString &conversation : std::as_const(p.unread))
        Q_EMIT q->unreadChanged(conversation, store.unread(conversation));
    for (const auto &t : std::as_const(p.typing))
        Q_EMIT q->typing(t.first, t.second);
    for (const auto &e : std::as_const(p.errors))
        Q_EMIT q->errorOccurred(e.first, e.second);
    if (p.synced)
        Q_EMIT q->synced();
}

} // namespace Tether
