#include "redisbroker.h"

#include "frames.h"
#include "keys.h"
#include "logtext.h"
#include "serverstorage.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTimer>

// hiredis's Qt adapter spells its slots with the keyword QT_NO_KEYWORDS turns off.
#define slots Q_SLOTS
#include <hiredis/adapters/qt.h>
#undef slots

namespace Tether {

Q_DECLARE_LOGGING_CATEGORY(lcServer)

namespace {
constexpr int kReconnectMs = 250;
constexpr int kPingMs = 1000;
constexpr qint64 kPongTimeoutMs = 3000;
// Publishes waiting for Redis's reply: beyond this (a Redis that stopped answering) frames are
// not published; the other instances fetch them from the storage when the gap shows.
constexpr int kMaxPendingPublishes = 10000;
// A payload larger than this is not ours (a frame is at most a few MiB): ignored.
constexpr qsizetype kMaxPayloadBytes = 8 * 1024 * 1024;
// At most this many missed messages are delivered per gap; a client pages the rest with history.
constexpr qint64 kMaxFill = 1000;
} // namespace

RedisBroker::RedisBroker(const QUrl &url, const QString &instanceId, ServerStorage &storage, QObject *parent)
    : QObject(parent), m_url(url), m_instanceId(instanceId), m_channel("tether:frames"), m_storage(storage)
{
    m_pub.adapter = std::make_unique<RedisQtAdapter>();
    m_sub.adapter = std::make_unique<RedisQtAdapter>();
    m_reconnectTimer = new QTimer(this);
    m_reconnectTimer->setSingleShot(true);
    m_reconnectTimer->setInterval(kReconnectMs);
    connect(m_reconnectTimer, &QTimer::timeout, this, [this] {
        if (!m_pub.context)
            connectLink(Role::Publish);
        if (!m_sub.context)
            connectLink(Role::Subscribe);
    });
    m_pingTimer = new QTimer(this);
    m_pingTimer->setInterval(kPingMs);
    connect(m_pingTimer, &QTimer::timeout, this, &RedisBroker::checkAlive);
    m_problem = QStringLiteral("redis: not connected yet");
}

RedisBroker::~RedisBroker()
{
    m_destroying = true;
    for (Link *l : { &m_pub, &m_sub }) {
        if (l->context) {
            redisAsyncContext *context = l->context;
            l->context = nullptr;
            redisAsyncFree(context);
        }
        park(*l);
    }
}

QString RedisBroker::redactedUrl(const QUrl &url)
{
    return url.toString(QUrl::RemoveUserInfo);
}

void RedisBroker::park(Link &link)
{
    link.parked.ev.data = nullptr;
    link.adapter->setContext(&link.parked);
}

void RedisBroker::start()
{
    m_pingTimer->start();
    connectLink(Role::Publish);
    connectLink(Role::Subscribe);
}

QString RedisBroker::problem() const
{
    return m_pub.connected && m_subscribed ? QString() : m_problem;
}

void RedisBroker::connectLink(Role role)
{
    Link &l = link(role);
    const QByteArray host = m_url.host().toUtf8();
    redisAsyncContext *context = redisAsyncConnect(host.constData(), m_url.port(6379));
    if (!context) {
        linkLost(role, QStringLiteral("out of memory"));
        return;
    }
    if (context->err) {
        const QString why = QString::fromUtf8(context->errstr);
        redisAsyncFree(context);
        linkLost(role, why);
        return;
    }
    context->data = this;
    l.context = context;
    l.adapter->setContext(context);
    redisAsyncSetConnectCallback(context, &RedisBroker::onConnected);
    redisAsyncSetDisconnectCallback(context, &RedisBroker::onDisconnected);
    const QByteArray password = m_url.password().toUtf8();
    if (!password.isEmpty())
        redisAsyncCommand(context, nullptr, nullptr, "AUTH %b", password.constData(), size_t(password.size()));
    if (role == Role::Subscribe)
        redisAsyncCommand(context, &RedisBroker::onMessage, this, "SUBSCRIBE %b", m_channel.constData(),
                          size_t(m_channel.size()));
}

void RedisBroker::linkLost(Role role, const QString &why)
{
    Link &l = link(role);
    const bool wasUp = l.connected || (role == Role::Subscribe && m_subscribed);
    l.context = nullptr;
    l.connected = false;
    park(l);
    if (role == Role::Publish)
        m_pingSent.invalidate();
    if (role == Role::Subscribe)
        m_subscribed = false;
    const QString problem = QStringLiteral("redis: %1").arg(why.isEmpty() ? QStringLiteral("connection closed") : why);
    if (wasUp || m_problem != problem)
        qCWarning(lcServer).noquote() << "Redis" << (role == Role::Publish ? "publish" : "subscribe")
                                      << "link down:" << LogText::escape(why) << "- reconnecting";
    m_problem = problem;
    if (!m_destroying && !m_reconnectTimer->isActive())
        m_reconnectTimer->start();
}

void RedisBroker::onConnected(const redisAsyncContext *context, int status)
{
    auto *self = static_cast<RedisBroker *>(context->data);
    const Role role = context == self->m_pub.context ? Role::Publish : Role::Subscribe;
    if (status != REDIS_OK) {
        self->linkLost(role, QString::fromUtf8(context->errstr));
        return;
    }
    self->link(role).connected = true;
    qCInfo(lcServer).noquote() << "Redis" << (role == Role::Publish ? "publish" : "subscribe") << "link up:"
                               << redactedUrl(self->m_url);
}

void RedisBroker::onDisconnected(const redisAsyncContext *context, int status)
{
    auto *self = static_cast<RedisBroker *>(context->data);
    const Role role = context == self->m_pub.context ? Role::Publish : Role::Subscribe;
    if (self->link(role).context != context)
        return; // the destructor let it go
    self->linkLost(role, status == REDIS_OK ? QString() : QString::fromUtf8(context->errstr));
}

void RedisBroker::checkAlive()
{
    if (!m_pub.connected)
        return;
    if (m_pingSent.isValid()) {
        if (m_pingSent.elapsed() < kPongTimeoutMs)
            return;
        qCWarning(lcServer) << "Redis has not answered a PING for" << m_pingSent.elapsed() << "ms: reconnecting";
        m_pingSent.invalidate();
        // Both links go to the same server: both are let go at once (a polite disconnect would
        // wait for replies that do not come) and reconnected.
        for (const Role role : { Role::Publish, Role::Subscribe }) {
            Link &l = link(role);
            if (!l.context)
                continue;
            redisAsyncContext *context = l.context;
            l.context = nullptr; // its callbacks now find it is not ours any more
            redisAsyncFree(context);
            linkLost(role, QStringLiteral("no answer to PING"));
        }
        return;
    }
    m_pingSent.start();
    redisAsyncCommand(m_pub.context, &RedisBroker::onPong, this, "PING");
}

void RedisBroker::onPong(redisAsyncContext *, void *, void *data)
{
    static_cast<RedisBroker *>(data)->m_pingSent.invalidate();
}

void RedisBroker::onPublished(redisAsyncContext *, void *, void *data)
{
    --static_cast<RedisBroker *>(data)->m_pendingPublishes;
}

void RedisBroker::onMessage(redisAsyncContext *, void *reply, void *data)
{
    auto *self = static_cast<RedisBroker *>(data);
    if (!reply || self->m_destroying)
        return;
    self->onSubscription(static_cast<redisReply *>(reply));
}

void RedisBroker::onSubscription(redisReply *reply)
{
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 || reply->element[0]->type != REDIS_REPLY_STRING)
        return;
    const QByteArray kind(reply->element[0]->str, int(reply->element[0]->len));
    if (kind == "subscribe") {
        m_subscribed = true;
        qCInfo(lcServer) << "Redis subscription active: catching up from the storage";
        // Whatever was published while this instance did not listen is only in the storage.
        catchUpAll();
        Q_EMIT subscribed();
    } else if (kind == "message" && reply->element[2]->type == REDIS_REPLY_STRING) {
        if (reply->element[2]->len <= size_t(kMaxPayloadBytes))
            receive(QByteArray(reply->element[2]->str, qsizetype(reply->element[2]->len)));
    }
}

void RedisBroker::publish(const QString &conversation, const QString &frameText, quint64 exceptConnectionId)
{
    const QJsonObject frame = QJsonDocument::fromJson(frameText.toUtf8()).object();
    const bool isMessage = frame.value(Protocol::Key::Type).toString() == Protocol::FrameType::Message;
    const qint64 seq = isMessage ? frame.value(Protocol::Key::Seq).toInteger(-1) : -1;
    if (seq > 0)
        deliverMessage(conversation, seq, frameText, exceptConnectionId);
    else
        deliverLocally(conversation, frameText, exceptConnectionId);

    if (!m_pub.context || m_pendingPublishes >= kMaxPendingPublishes) {
        ++m_dropped; // the others catch up from the storage when Redis is back
        return;
    }
    // instance \n conversation \n seq \n frame: the receiver needs no JSON parse to order it.
    const QByteArray payload = m_instanceId.toUtf8() + '\n' + conversation.toUtf8() + '\n'
            + QByteArray::number(seq) + '\n' + frameText.toUtf8();
    ++m_pendingPublishes;
    redisAsyncCommand(m_pub.context, &RedisBroker::onPublished, this, "PUBLISH %b %b", m_channel.constData(),
                      size_t(m_channel.size()), payload.constData(), size_t(payload.size()));
}

void RedisBroker::receive(const QByteArray &payload)
{
    const qsizetype a = payload.indexOf('\n');
    const qsizetype b = a < 0 ? -1 : payload.indexOf('\n', a + 1);
    const qsizetype c = b < 0 ? -1 : payload.indexOf('\n', b + 1);
    if (c < 0)
        return;
    if (QString::fromUtf8(payload.left(a)) == m_instanceId)
        return; // delivered locally when it was published
    const QString conversation = QString::fromUtf8(payload.mid(a + 1, b - a - 1));
    bool ok = false;
    const qint64 seq = payload.mid(b + 1, c - b - 1).toLongLong(&ok);
    const QString frameText = QString::fromUtf8(payload.mid(c + 1));
    if (!ok || conversation.isEmpty())
        return;
    if (seq > 0)
        deliverMessage(conversation, seq, frameText, 0);
    else
        deliverLocally(conversation, frameText, 0);
}

void RedisBroker::deliverMessage(const QString &conversation, qint64 seq, const QString &frameText,
                                 quint64 exceptConnectionId)
{
    const DeliveryOrder::Step step = m_order.offer(conversation, seq);
    if (!step.deliver)
        return;
    // Every seq below one committed is committed too (the conversation's row lock orders them),
    // so the gap can be read at once.
    if (step.hasGap())
        fetchAndDeliver(conversation, step.missingAfter, step.missingUpTo);
    deliverLocally(conversation, frameText, exceptConnectionId);
}

void RedisBroker::catchUp(const QString &conversation, qint64 lastSeq)
{
    const DeliveryOrder::Step step = m_order.catchUp(conversation, lastSeq);
    if (step.hasGap())
        fetchAndDeliver(conversation, step.missingAfter, step.missingUpTo);
}

void RedisBroker::catchUpAll()
{
    const QStringList conversations = m_order.conversations();
    for (const QString &id : conversations) {
        if (const auto info = m_storage.conversation(id))
            catchUp(id, info->lastSeq);
    }
}

void RedisBroker::fetchAndDeliver(const QString &conversation, qint64 after, qint64 upTo)
{
    const qint64 from = qMax(after, upTo - kMaxFill);
    const QList<ServerStorage::Message> missed = m_storage.messagesAfter(conversation, from, int(upTo - from));
    for (const ServerStorage::Message &m : missed) {
        if (m.seq > upTo)
            break;
        const Protocol::MessageFrame frame{ m.conversation, m.seq, m.id, m.from, m.text, m.ts };
        deliverLocally(conversation, Protocol::FrameCodec::encode(frame.toJson()), 0);
    }
}

} // namespace Tether
