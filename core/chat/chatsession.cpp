#include "chatsession.h"

#include "changebatch.h"
#include "chataccount.h"
#include "connectionmanager.h"
#include "errorcode.h"
#include "framecodec.h"
#include "framedecoder.h"
#include "helloframe.h"
#include "historysync.h"
#include "incomingqueue.h"
#include "membership.h"
#include "messagestore.h"
#include "outbox.h"
#include "storesalvage.h"
#include "backoff.h"

#include <QElapsedTimer>
#include <QHash>
#include <QLoggingCategory>
#include <QMetaEnum>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTimer>
#include <QUuid>

namespace Tether {

Q_LOGGING_CATEGORY(lcChat, "tether.chat")

namespace {

// Our hello ids start with this, so an error answering one is recognised.
const QString kHelloIdPrefix = QStringLiteral("hello:");

QDateTime fromMs(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC) : QDateTime::currentDateTimeUtc();
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

QString ChatSession::errorName(Error error)
{
    using Protocol::ErrorCode;
    switch (error) {
    case Error::NotOpen: return QStringLiteral("not_open");
    case Error::InvalidArgument: return QStringLiteral("invalid_argument");
    case Error::OutboxFull: return QStringLiteral("outbox_full");
    case Error::ProtocolError: return QStringLiteral("protocol_error");
    case Error::AccountChanged: return QStringLiteral("account_changed");
    case Error::UnknownServerError: return QStringLiteral("error");
    // The server's codes are spelled by the protocol.
    case Error::StorageError: return Protocol::wireName(ErrorCode::StorageError);
    case Error::BadJson: return Protocol::wireName(ErrorCode::BadJson);
    case Error::UnknownType: return Protocol::wireName(ErrorCode::UnknownType);
    case Error::MissingField: return Protocol::wireName(ErrorCode::MissingField);
    case Error::InvalidField: return Protocol::wireName(ErrorCode::InvalidField);
    case Error::NotMember: return Protocol::wireName(ErrorCode::NotMember);
    case Error::Forbidden: return Protocol::wireName(ErrorCode::Forbidden);
    case Error::RateLimited: return Protocol::wireName(ErrorCode::RateLimited);
    case Error::IdReused: return Protocol::wireName(ErrorCode::IdReused);
    }
    return QString();
}

ChatSession::Error ChatSession::errorFromName(const QString &name)
{
    const QMetaEnum errors = QMetaEnum::fromType<Error>();
    for (int i = 0; i < errors.keyCount(); ++i) {
        const Error error = Error(errors.value(i));
        if (error != Error::UnknownServerError && errorName(error) == name)
            return error;
    }
    return Error::UnknownServerError;
}

class ChatSession::Private
{
public:
    Private(ChatSession *q, ConnectionManager *connection, const ChatSessionConfig &config)
        : q(q),
          connection(connection),
          config(config),
          account(&store),
          changes(&store),
          history(&store, config.historyPageLimit,
                  [this](const Protocol::HistoryRequestFrame &frame) { return sendFrame(frame.toJson()); }),
          outbox(&store, &changes, config, [this](const Protocol::SendFrame &frame) { return sendFrame(frame.toJson()); }),
          membership(&store, &history, &changes, [this](const QJsonObject &frame) { return sendFrame(frame); }),
          incoming(config.batchSize, [this] { processIncoming(); })
    {
    }

    ChatSession *q;
    ConnectionManager *connection = nullptr;
    ChatSessionConfig config;
    MessageStore store;
    ChatAccount account;   // who we are
    ChangeBatch changes;   // what the frames being applied changed, announced after their commit
    HistorySync history;   // gap filling
    Outbox outbox;         // our messages on the wire
    Membership membership; // the conversations we are in, join/leave
    IncomingQueue incoming; // frames waiting to be applied
    bool opened = false;
    ChatSession::StoreRecovery recovery;
    int storeFailures = 0;  // batches in a row that could not be written
    QTimer storeRetryTimer; // the backed-off resync after a failed write

    bool synced = false;
    int helloCounter = 0;

    QElapsedTimer clock;
    QTimer outboxTimer;
    int reportedOutboxSize = 0; // the last outboxSizeChanged() value

    QHash<QString, qint64> typingSentAt;

    bool isLinkUp() const
    {
        return connection && connection->state() == ConnectionState::Connected;
    }

    bool sendFrame(const QJsonObject &frame)
    {
        if (!isLinkUp())
            return false;
        return connection->send(Protocol::FrameCodec::encode(frame)) != ConnectionManager::SendResult::Rejected;
    }

    // An error frame's code: the known ones by name; any other is named in the message.
    void serverError(const Protocol::ErrorFrame &frame, const QString &message)
    {
        // Only the server's codes: a server spelling one of ours ("not_open") is not believed.
        const QLatin1String known = Protocol::wireName(frame.code);
        const Error error = known.isEmpty() ? Error::UnknownServerError : errorFromName(known);
        if (error == Error::UnknownServerError)
            changes.error(error, QStringLiteral("%1 (%2)").arg(message, frame.wireCode()));
        else
            changes.error(error, message);
    }

    void reportOutboxSize()
    {
        const int size = store.outboxSize(); // kept by the store: no query per message
        if (size == reportedOutboxSize)
            return;
        reportedOutboxSize = size;
        Q_EMIT q->outboxSizeChanged(size);
    }

    // connection events
    void onConnected();
    void onLinkLost();

    // incoming, one batch at a time
    void processIncoming();
    void appendIncoming(const QString &text);
    void apply(const std::monostate &) {}
    void apply(const Protocol::WelcomeFrame &frame);
    void apply(const Protocol::SyncedFrame &frame);
    void apply(const Protocol::MessageFrame &frame);
    void apply(const Protocol::AckFrame &frame);
    void apply(const Protocol::HistoryFrame &frame);
    void apply(const Protocol::ErrorFrame &frame);
    void apply(const Protocol::TypingFrame &frame);
    void apply(const Protocol::JoinedFrame &frame);
    void apply(const Protocol::LeftFrame &frame);
    void finishBatch();

    // outgoing
    void sendHello();
    void flushOutbox();
    void flushRequests();
    void scheduleOutboxTimer(qint64 ms);
    void emitPending();
};

// ---------------------------------------------------------------------------------------------

ChatSession::ChatSession(ConnectionManager *connection, const ChatSessionConfig &config, QObject *parent)
    : QObject(parent), d(new Private(this, connection, config))
{
    qRegisterMetaType<Tether::ChatMessage>();
    qRegisterMetaType<QList<Tether::ChatMessage>>();
    d->clock.start();
    d->storeRetryTimer.setSingleShot(true);
    connect(&d->storeRetryTimer, &QTimer::timeout, this, [this] {
        if (d->isLinkUp())
            d->sendHello();
    });
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

ChatSession::StoreRecovery ChatSession::storeRecovery() const
{
    return d->recovery;
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
        if (!StoreSalvage::isSalvageable(path, message)) {
            if (errorMessage)
                *errorMessage = message;
            return false;
        }
        const StoreSalvage::Result salvaged = StoreSalvage::salvage(path, message);
        QString again;
        if (!salvaged.ok || !d->store.open(path, &again)) {
            if (errorMessage)
                *errorMessage = message + QStringLiteral("; ") + (salvaged.ok ? again : salvaged.error);
            return false;
        }
        d->recovery = {salvaged.movedTo, message, salvaged.salvagedOutbox};
    }
    d->opened = true;
    d->account.load();
    d->outbox.setUserId(d->account.userId());
    d->outbox.setOwner(d->account.ownerKey()); // what is queued before the next welcome is this account's
    d->membership.setUserId(d->account.userId());
    // Whatever was in flight when the last process ended is unconfirmed: send it again.
    d->store.resetSending();
    qCInfo(lcChat).noquote() << "chat store" << path << "outbox" << d->store.outboxSize();
    d->reportOutboxSize();

    connect(d->connection, &ConnectionManager::connected, this, [this] { d->onConnected(); });
    // Moved to another transport while connected: what was in flight is resent (deduplicated by
    // id) and the new link resumes from what we have, as after a reconnect but without one.
    connect(d->connection, &ConnectionManager::linkReplaced, this, [this] {
        d->onLinkLost();
        d->onConnected();
    });
    connect(d->connection, &ConnectionManager::stateChanged, this,
            [this](ConnectionState state, ConnectionState previous) {
                if (previous == ConnectionState::Connected && state != ConnectionState::Connected)
                    d->onLinkLost();
            });
    connect(d->connection, &ConnectionManager::textMessageReceived, this,
            [this](const QString &text) { d->appendIncoming(text); });
    if (d->isLinkUp())
        d->onConnected();
    return true;
}

bool ChatSession::isOpen() const { return d->opened; }
ConnectionManager *ChatSession::connection() const { return d->connection; }
QString ChatSession::userName() const { return d->account.displayName(); }
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
    auto fail = [this, errorMessage](Error code, const QString &message) {
        if (errorMessage)
            *errorMessage = message;
        qCWarning(lcChat).noquote() << "send refused:" << errorName(code) << message;
        Q_EMIT errorOccurred(code, message);
        return QString();
    };
    if (!d->opened)
        return fail(Error::NotOpen, QStringLiteral("the chat store is not open"));
    ChatMessage queued;
    Error error = Error::InvalidArgument;
    QString message;
    switch (d->outbox.queue(id, conversation, text, &queued, &error, &message)) {
    case Outbox::QueueResult::Known:
        return id; // already written (a re-fed line after a restart): exactly once
    case Outbox::QueueResult::Refused:
        return fail(error, message);
    case Outbox::QueueResult::Queued:
        break;
    }
    Q_EMIT messagesAdded(conversation, {queued});
    d->flushOutbox();
    d->emitPending();
    return id;
}

bool ChatSession::retry(const QString &id)
{
    const auto message = d->opened ? d->outbox.retry(id) : std::nullopt;
    if (!message)
        return false;
    Q_EMIT messageUpdated(*message);
    d->flushOutbox();
    d->emitPending();
    return true;
}

bool ChatSession::discard(const QString &id)
{
    const auto conversation = d->opened ? d->outbox.discard(id) : std::nullopt;
    if (!conversation)
        return false;
    Q_EMIT messageRemoved(*conversation, id);
    d->reportOutboxSize();
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
    Protocol::TypingFrame frame;
    frame.conversation = conversation;
    d->sendFrame(frame.toJson());
}

void ChatSession::join(const QString &conversation)
{
    if (!d->opened || conversation.isEmpty())
        return;
    d->membership.requestJoin(conversation);
    d->flushRequests();
}

void ChatSession::leave(const QString &conversation)
{
    if (!d->opened || conversation.isEmpty())
        return;
    d->membership.requestLeave(conversation);
    d->flushRequests();
}

int ChatSession::outboxSize() const { return d->opened ? d->store.outboxSize() : 0; }

QList<ChatMessage> ChatSession::outbox() const
{
    return d->opened ? d->outbox.messages() : QList<ChatMessage>();
}

int ChatSession::reconnects() const { return qMax(0, d->account.welcomes() - 1); }

// ---------------------------------------------------------------------------------------------
// Connection events

void ChatSession::Private::onConnected()
{
    synced = false;
    storeRetryTimer.stop(); // the hello below resyncs
    sendHello();
}

void ChatSession::Private::sendHello()
{
    Protocol::HelloFrame hello;
    hello.protocol = Protocol::Version;
    for (const Conversation &c : store.conversations())
        hello.resume.insert(c.id, c.lastSeq);
    hello.requestId = kHelloIdPrefix + QString::number(++helloCounter);
    if (connection->credentials().isAnonymous())
        hello.guestKey = account.guestKey();
    const bool sent = sendFrame(hello.toJson());
    qCDebug(lcChat) << "hello sent:" << sent << "resume" << hello.resume.size() << "conversations";
}

void ChatSession::Private::onLinkLost()
{
    // Frames already received are still applied: they are true whatever happened to the link.
    processIncoming();
    synced = false;
    history.reset();
    outboxTimer.stop();
    outbox.linkLost();
    emitPending();
}

// ---------------------------------------------------------------------------------------------
// Incoming frames, applied in batches: one transaction and one round of signals per batch.

void ChatSession::Private::appendIncoming(const QString &text)
{
    // Backing off after a failed write: what arrives now could not be stored either, and the
    // resync replays it from the watermark. Taking it would only fail again, at the server's pace.
    if (storeRetryTimer.isActive())
        return;
    if (incoming.append(text))
        return;
    // More frames than we can hold: drop what waits, say so, and fetch the server's copy again,
    // so nothing is lost silently and memory stays bounded.
    qCWarning(lcChat) << "incoming queue full at" << incoming.capacity() << "frames: resyncing";
    incoming.clear();
    changes.error(Error::ProtocolError, QStringLiteral("too many incoming frames waiting (%1): resyncing")
                                            .arg(incoming.capacity()));
    outbox.forgetInFlight();
    if (isLinkUp())
        sendHello();
    emitPending();
}

void ChatSession::Private::processIncoming()
{
    if (incoming.isEmpty())
        return;
    const QStringList batch = incoming.takeBatch();
    const bool transaction = store.beginTransaction();
    for (const QString &text : batch) {
        const FrameDecoder::Result decoded = FrameDecoder::decode(text);
        if (decoded.isError()) {
            changes.error(Error::ProtocolError, decoded.error);
            history.takeRefused(decoded.requestId); // an unreadable page: asked for again later
        } else
            std::visit([this](const auto &frame) { apply(frame); }, decoded.frame);
    }
    finishBatch();
    const bool writeFailed = changes.hasError(Error::StorageError);
    if (writeFailed && transaction)
        store.rollback();
    if (writeFailed || (transaction && !store.commit())) {
        // Nothing of this batch is on disk: forget its effects and ask the server again, but not
        // at once: a store that cannot write would otherwise resync in a tight loop.
        const QString why = store.lastError();
        changes.discard();
        changes.error(Error::StorageError, QStringLiteral("cannot write to the chat store: %1").arg(why));
        outbox.forgetInFlight();
        incoming.clear(); // the resync replays it
        ++storeFailures;
        const Backoff backoff({config.storeRetryMs, 2.0, 60000, BackoffPolicy::Jitter::Equal, 0},
                              [] { return QRandomGenerator::global()->generateDouble(); });
        storeRetryTimer.start(backoff.delayMs(storeFailures));
        qCWarning(lcChat) << "store write failed" << storeFailures << "times in a row: resync in"
                          << storeRetryTimer.interval() << "ms";
        emitPending();
        return;
    }
    storeFailures = 0;
    const bool wasSynced = changes.isSynced();
    emitPending();
    if (wasSynced || synced) {
        flushOutbox();
        flushRequests();
        emitPending();
    }
}

void ChatSession::Private::apply(const Protocol::WelcomeFrame &frame)
{
    const QString previous = account.userId();
    if (account.welcome(frame.user.id, frame.user.name, frame.user.guest)) {
        // Another account on this store: its cache is not ours. Its unsent messages must not go
        // out under our name, and they are not failed either: they wait, queued, for their account
        // (a guest session before the user signs in again must not cost the user's messages).
        qCWarning(lcChat).noquote() << "the account changed from" << previous << "to" << account.userId()
                                    << "- clearing the local cache";
        membership.dropAll();
    }
    outbox.setUserId(account.userId());
    if (!outbox.setOwner(account.ownerKey()))
        changes.error(Error::StorageError, QStringLiteral("cannot update the outbox: %1").arg(store.lastError()));
    membership.setUserId(account.userId());
    const int listed = membership.welcome(frame.conversations, frame.epoch);
    qCInfo(lcChat).noquote() << "welcome as" << account.userId() << "conversations" << listed << "welcomes"
                             << account.welcomes();
}

void ChatSession::Private::apply(const Protocol::SyncedFrame &frame)
{
    synced = true;
    changes.synced();
    for (const QString &conversation : frame.more)
        history.markMore(conversation); // the replay was cut at the server's limit: page the rest
    // Whatever the replay left missing is asked for when the batch is finished.
    for (const Conversation &c : store.conversations()) {
        if (history.hasGap(c.id, c.lastSeq))
            changes.touch(c.id);
    }
}

void ChatSession::Private::apply(const Protocol::MessageFrame &frame)
{
    ChatMessage m;
    m.conversation = frame.conversation;
    m.seq = frame.seq;
    m.id = frame.id;
    m.from = frame.from;
    m.text = frame.text;
    m.timestamp = fromMs(frame.ts);
    membership.ensure(m.conversation);
    changes.touch(m.conversation);
    m.outgoing = account.isSelf(m.from);
    // Our own message coming back (broadcast, replay or history) confirms it like an ack would.
    if (account.mayBeSelf(m.from) && outbox.contains(m.id, m.conversation)) {
        outbox.acknowledge(m.id, m.conversation, m.seq, m.timestamp);
        return;
    }
    // A message held already (same seq) is ignored: exactly once.
    if (store.insertMessage(m, false) == MessageStore::InsertResult::Error)
        changes.error(Error::StorageError, QStringLiteral("cannot store a message: %1").arg(store.lastError()));
}

void ChatSession::Private::apply(const Protocol::AckFrame &frame)
{
    outbox.acknowledge(frame.id, frame.conversation, frame.seq, fromMs(frame.ts));
}

void ChatSession::Private::apply(const Protocol::HistoryFrame &frame)
{
    for (const Protocol::MessageFrame &m : frame.messages)
        apply(m);
    changes.touch(frame.conversation);
    if (!frame.hasMore)
        history.clearMore(frame.conversation); // the server has nothing beyond this page
    history.pageReceived(frame.conversation, frame.requestId.toString(), frame.messages.isEmpty() && !frame.hasMore);
    qCDebug(lcChat) << "history for" << frame.conversation << frame.messages.size() << "messages, has_more"
                    << frame.hasMore;
    // finishBatch() checks again whether a gap is left and asks for the next page.
}

void ChatSession::Private::apply(const Protocol::ErrorFrame &frame)
{
    const QString id = frame.requestId.toString();
    if (!id.isEmpty()) {
        if (outbox.refuse(id, frame.wireCode(), frame.message, clock.elapsed(), frame.retryAfterMs.value_or(-1)))
            return;
        const QString conversation = history.takeRefused(id);
        if (!conversation.isEmpty()) {
            if (Protocol::isTransient(frame.code)) {
                QTimer::singleShot(config.rateLimitedRetryMs, q, [this, conversation] {
                    if (synced) {
                        history.request(conversation);
                        emitPending();
                    }
                });
                return;
            }
            serverError(frame, QStringLiteral("history of %1: %2").arg(conversation, frame.message));
            return;
        }
        if (id.startsWith(kHelloIdPrefix)) {
            // Without a welcome nothing resumes: ask again shortly.
            QTimer::singleShot(config.rateLimitedRetryMs, q, [this] {
                if (isLinkUp() && !synced)
                    sendHello();
            });
            if (Protocol::isTransient(frame.code))
                return;
        }
    }
    serverError(frame, frame.message);
}

void ChatSession::Private::apply(const Protocol::TypingFrame &frame)
{
    if (frame.from != account.userId())
        changes.typing(frame.conversation, frame.from);
}

void ChatSession::Private::apply(const Protocol::JoinedFrame &frame) { membership.joined(frame); }
void ChatSession::Private::apply(const Protocol::LeftFrame &frame) { membership.left(frame); }

void ChatSession::Private::finishBatch()
{
    const QList<QPair<QString, qint64>> watermarks = changes.advanceWatermarks();
    if (!synced)
        return; // the replay is still coming: synced checks what it left missing
    for (const auto &[conversation, watermark] : watermarks)
        history.fill(conversation, watermark);
}

// ---------------------------------------------------------------------------------------------
// Outgoing

void ChatSession::Private::scheduleOutboxTimer(qint64 ms)
{
    const int delay = int(qBound(qint64(1), ms, qint64(24 * 3600 * 1000)));
    if (!outboxTimer.isActive() || outboxTimer.remainingTime() > delay)
        outboxTimer.start(delay);
}

void ChatSession::Private::flushOutbox()
{
    if (!opened || !synced || !isLinkUp())
        return;
    const qint64 next = outbox.flush(clock.elapsed());
    if (next >= 0)
        scheduleOutboxTimer(next);
}

void ChatSession::Private::flushRequests()
{
    if (synced && isLinkUp())
        membership.flushRequests();
}

void ChatSession::Private::emitPending()
{
    const ChangeBatch::Changes c = changes.take();
    if (c.conversations)
        Q_EMIT q->conversationsChanged();
    for (const QString &conversation : c.reset)
        Q_EMIT q->conversationReset(conversation);
    // Acks first: our message got its seq before anything that follows it is announced.
    for (const ChatMessage &m : c.updated)
        Q_EMIT q->messageUpdated(m);
    for (const auto &[conversation, messages] : c.added)
        Q_EMIT q->messagesAdded(conversation, messages);
    for (const QString &conversation : c.unread)
        Q_EMIT q->unreadChanged(conversation, store.unread(conversation));
    if (opened)
        reportOutboxSize();
    for (const auto &[conversation, user] : c.typing)
        Q_EMIT q->typing(conversation, user);
    for (const auto &[error, message] : c.errors)
        Q_EMIT q->errorOccurred(error, message);
    if (c.synced)
        Q_EMIT q->synced();
}

} // namespace Tether
