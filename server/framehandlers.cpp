#include "framehandlers.h"

#include "clientconnection.h"
#include "frames.h"
#include "logtext.h"
#include "messagebroker.h"
#include "servermetrics.h"
#include "serverstorage.h"
#include "tokenservice.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QUuid>

namespace Tether {

Q_DECLARE_LOGGING_CATEGORY(lcServer)

using namespace Protocol;

namespace {
// A guest that presents the same secret guest_key in its hello is the same guest on every
// connection, so its retried sends dedupe and its own messages stay its own. Only a hash of the
// key is ever stored or shown.
QString guestIdFor(const QString &guestKey)
{
    // 128 bits either way: a keyed id cannot be hit by guessing another key, nor a keyless one
    // by chance (a collision would share another guest's dedupe space).
    if (!Limits::isValidGuestKey(guestKey)) {
        quint32 random[4];
        QRandomGenerator::system()->fillRange(random);
        return Limits::GuestIdPrefix
                + QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(random), sizeof(random)).toHex());
    }
    const QByteArray digest = QCryptographicHash::hash("tether-guest:" + guestKey.toUtf8(), QCryptographicHash::Sha256);
    return Limits::GuestIdPrefix + QString::fromLatin1(digest.toHex().left(Limits::GuestIdHexChars));
}

// Refused frames up to this size are parsed for their "id" (see charge()).
constexpr qsizetype kMaxRefusedParseChars = 2048;

MessageFrame toFrame(const ServerStorage::Message &m)
{
    return MessageFrame{ m.conversation, m.seq, m.id, m.from, m.text, m.ts };
}

ConversationInfo toInfo(const ServerStorage::Conversation &c)
{
    return ConversationInfo{ c.id, c.title, c.lastSeq };
}

QString echoBot()
{
    return QString::fromLatin1(ChatServer::echoBotId);
}

// The typed frame, or nullopt after answering the client with why not (missing_field...).
template<typename Frame>
std::optional<Frame> decodeOrAnswer(ClientConnection *client, const QJsonObject &frame)
{
    FrameError error;
    std::optional<Frame> decoded = Frame::fromJson(frame, &error);
    if (!decoded)
        client->sendError(error.code, error.message, frame.value(Key::Id));
    return decoded;
}
} // namespace

FrameHandlers::FrameHandlers(const ServerConfig &config, ServerStorage &storage, TokenService &tokens,
                             MessageBroker &broker, const QElapsedTimer &clock)
    : m_config(config), m_storage(storage), m_tokens(tokens), m_broker(broker), m_clock(clock),
      m_quotas(config.userRatePerSecond, config.userRateBurst, config.conversationsPerHour,
               [&clock] { return clock.elapsed(); }),
      m_membership(storage, broker, m_quotas),
      m_committer(std::make_unique<GroupCommitter>(storage, config.groupCommitMax,
                                                   [this](const QList<GroupCommitter::Outcome> &outcomes,
                                                          const QString &error) { committed(outcomes, error); }))
{
}

FrameHandlers::~FrameHandlers() = default;

void FrameHandlers::forget(ClientConnection *client)
{
    m_committer->forget(client);
}

void FrameHandlers::flushPending()
{
    m_committer->flush();
}

void FrameHandlers::close(ClientConnection *client, int code, const QString &reason)
{
    client->close(code, reason, m_config.shutdownGraceMs);
}

bool FrameHandlers::authenticate(ClientConnection *client, const QString &token)
{
    TokenService::Claims claims;
    const auto verdict = m_tokens.verify(token, QDateTime::currentMSecsSinceEpoch(), &claims);
    if (verdict == TokenService::Verdict::Expired) {
        close(client, toInt(CloseCode::TokenExpired), QStringLiteral("token expired"));
        return false;
    }
    if (verdict != TokenService::Verdict::Valid || !m_storage.hasUser(claims.subject) || claims.subject == echoBot()) {
        close(client, toInt(CloseCode::AuthRejected), QStringLiteral("invalid token"));
        return false;
    }
    client->setUser(claims.subject, false);
    qCInfo(lcServer).noquote() << "authenticated" << client->peer() << "as" << LogText::escape(client->userId());
    return true;
}

bool FrameHandlers::charge(ClientConnection *client, const QString *text)
{
    if (client->limiter().allow(m_clock.elapsed()))
        return true;
    if (client->limiter().consecutiveRejections() > m_config.rateLimitMaxViolations) {
        qCInfo(lcServer).noquote() << "closing" << client->peer() << ": rate limit exceeded persistently";
        close(client, toInt(CloseCode::PolicyViolated), QStringLiteral("rate limit exceeded"));
        return false;
    }
    // A refused frame is not parsed: only a small one is read for its "id", so the client can
    // retry exactly that request (a refused frame costs at most kMaxRefusedParseChars of parsing).
    QJsonValue id;
    if (text && text->size() <= kMaxRefusedParseChars) {
        if (const auto frame = FrameCodec::decode(*text))
            id = frame->value(Key::Id);
    }
    client->sendError(ErrorCode::RateLimited, QStringLiteral("too many frames; slow down and retry"), id);
    return false;
}

void FrameHandlers::onBinary(ClientConnection *client)
{
    if (client->isClosing())
        return;
    if (m_metrics)
        m_metrics->frameReceived(u"binary");
    client->setLastFrameMs(m_clock.elapsed());
    if (!charge(client, nullptr))
        return;
    client->sendError(ErrorCode::BadJson, QStringLiteral("binary frames are not part of the protocol"), QJsonValue());
}

void FrameHandlers::onText(ClientConnection *client, const QString &text)
{
    if (client->isClosing())
        return;
    m_frameArrivedNs = m_clock.nsecsElapsed();
    client->setLastFrameMs(m_clock.elapsed());
    if (!charge(client, &text)) {
        // Refused before parsing (rate limit charged first): counted without a type.
        if (m_metrics)
            m_metrics->frameReceived(QStringView());
        return;
    }
    FrameError parseError;
    const std::optional<QJsonObject> decoded = FrameCodec::decode(text, &parseError);
    const QJsonObject frame = decoded.value_or(QJsonObject());
    if (m_metrics)
        m_metrics->frameReceived(FrameCodec::typeOf(frame));
    if (!decoded) {
        if (!client->isAuthenticated() && !m_config.allowGuests) {
            close(client, toInt(CloseCode::AuthRejected), QStringLiteral("authentication required"));
            return;
        }
        client->sendError(parseError.code, parseError.message, QJsonValue());
        return;
    }
    const QString type = FrameCodec::typeOf(frame);
    if (!client->isAuthenticated()) {
        if (type == FrameType::Auth) {
            const auto auth = AuthFrame::fromJson(frame);
            if (!auth) {
                close(client, toInt(CloseCode::AuthRejected), QStringLiteral("empty token"));
                return;
            }
            if (authenticate(client, auth->token))
                client->sendFrame(AuthOkFrame{ UserInfo{ client->userId(), client->userId(), false } }.toJson());
            return;
        }
        if (!m_config.allowGuests) {
            close(client, toInt(CloseCode::AuthRejected), QStringLiteral("authentication required"));
            return;
        }
        client->setUser(guestIdFor(type == FrameType::Hello ? frame.value(Key::GuestKey).toString() : QString()), true);
        qCInfo(lcServer).noquote() << "guest" << client->peer() << "is" << LogText::escape(client->userId());
    }
    dispatch(client, frame);
}

void FrameHandlers::dispatch(ClientConnection *client, const QJsonObject &frame)
{
    const QString type = FrameCodec::typeOf(frame);
    if (type == FrameType::Hello)
        handleHello(client, frame);
    else if (type == FrameType::Send)
        handleSend(client, frame);
    else if (type == FrameType::Ping)
        handlePing(client, frame);
    else if (type == FrameType::History)
        handleHistory(client, frame);
    else if (type == FrameType::Join)
        m_membership.handleJoin(client, frame);
    else if (type == FrameType::Leave)
        m_membership.handleLeave(client, frame);
    else if (type == FrameType::Invite)
        m_membership.handleInvite(client, frame);
    else if (type == FrameType::Members)
        m_membership.handleMembers(client, frame);
    else if (type == FrameType::Typing)
        handleTyping(client, frame);
    else if (type == FrameType::Auth)
        client->sendError(ErrorCode::Forbidden, QStringLiteral("already authenticated"), frame.value(Key::Id));
    else if (type.isEmpty())
        client->sendError(ErrorCode::UnknownType, QStringLiteral("the frame has no \"type\""), frame.value(Key::Id));
    else
        client->sendError(ErrorCode::UnknownType, QStringLiteral("unknown frame type \"%1\"").arg(type.left(64)),
                          frame.value(Key::Id));
}

void FrameHandlers::handleHello(ClientConnection *client, const QJsonObject &frame)
{
    const auto hello = decodeOrAnswer<HelloFrame>(client, frame);
    if (!hello)
        return;
    // A connection's first hello is bounded by the replay limit and its send buffer only; it is
    // charged to the serve budget all the same (history paging waits for it to refill). A hello
    // repeated faster than the budget refills is told to retry (a client sends one per connection).
    const bool repeated = client->helloDone();
    if (repeated && client->serveAllowance(m_clock.elapsed()) == 0) {
        client->sendError(ErrorCode::RateLimited, QStringLiteral("too many hellos; retry shortly"), frame.value(Key::Id));
        return;
    }
    const QList<ServerStorage::Conversation> conversations = m_membership.visibleConversations(client);
    // In a cluster, this instance's other connections are brought up to what the replay below
    // reads, so that a broadcast after it is new to this client and none before it is missed.
    for (const auto &c : conversations)
        m_broker.catchUp(c.id, c.lastSeq);
    WelcomeFrame welcome;
    welcome.user = UserInfo{ client->userId(), client->userId(), client->isGuest() };
    for (const auto &c : conversations)
        welcome.conversations.append(toInfo(c));
    welcome.heartbeatMs = qMax(1, m_config.idleTimeoutMs / 3);
    welcome.serverTime = QDateTime::currentMSecsSinceEpoch();
    welcome.epoch = m_storage.epoch();
    client->sendFrame(welcome.toJson());
    // All of this runs in one go: no broadcast and no other frame of this client can interleave.
    // Bounded: at most replayLimit messages per conversation, oldest missed first, and nothing
    // more once half the connection's send buffer is taken (a hello repeated by a peer that does
    // not read costs next to nothing). The rest is named in synced.more, for history paging.
    // And a connection's replays and history pages together serve a bounded number of messages
    // a second (ClientConnection::serveAllowance), so repeated hellos cost little more.
    const int limit = m_config.replayLimit > 0 ? m_config.replayLimit : -1;
    const qint64 budget = client->sendLimit() > 0 ? client->sendLimit() / 2 : -1;
    int replayed = 0;
    SyncedFrame synced;
    for (const auto &c : conversations) {
        const qint64 after = hello->resume.value(c.id, 0);
        if (after >= c.lastSeq)
            continue;
        const int allowance = repeated ? client->serveAllowance(m_clock.elapsed()) : -1;
        if (client->isClosing() || allowance == 0 || (budget >= 0 && client->bytesQueued() >= budget)) {
            synced.more.append(c.id);
            continue;
        }
        const int take = limit < 0 ? allowance : (allowance < 0 ? limit : qMin(limit, allowance));
        QList<ServerStorage::Message> missed = m_storage.messagesAfter(c.id, after, take >= 0 ? take + 1 : -1);
        // Committed since lastSeq was read (another instance): that comes as a broadcast.
        while (!missed.isEmpty() && missed.constLast().seq > c.lastSeq)
            missed.removeLast();
        bool more = take >= 0 && missed.size() > take;
        if (more)
            missed.removeLast();
        for (const auto &m : std::as_const(missed)) {
            client->sendFrame(toFrame(m).toJson());
            client->served(1);
            ++replayed;
            if (budget >= 0 && client->bytesQueued() >= budget && m.seq < c.lastSeq) {
                more = true;
                break;
            }
        }
        if (more)
            synced.more.append(c.id);
    }
    client->sendFrame(synced.toJson());
    client->served(qMax(1, m_config.replayLimit / 20)); // the welcome and its queries
    client->setHelloDone();
    if (m_metrics)
        m_metrics->replayed(replayed);
    qCInfo(lcServer).noquote() << "hello from" << LogText::escape(client->userId()) << "replayed" << replayed << "messages"
                               << (synced.more.isEmpty() ? QString() : QStringLiteral("(more in %1)").arg(synced.more.size()));
}

void FrameHandlers::handleSend(ClientConnection *client, const QJsonObject &frame)
{
    const QJsonValue id = frame.value(Key::Id);
    const auto send = decodeOrAnswer<SendFrame>(client, frame);
    if (!send)
        return;
    const int maxText = m_config.maxTextBytes;
    if (maxText > 0 && send->text.size() > maxText / 3 && send->text.toUtf8().size() > maxText) {
        client->sendError(ErrorCode::InvalidField, QStringLiteral("the text is longer than %1 bytes").arg(maxText), id);
        return;
    }
    if (!m_membership.mayAccess(client, send->conversation)) {
        // A database that does not answer is not a refusal: the client is to retry, not give up.
        if (!m_storage.healthProblem().isEmpty()) {
            client->sendError(ErrorCode::StorageError, QStringLiteral("the message was not stored; retry later"), id);
            return;
        }
        client->sendError(ErrorCode::NotMember,
                          QStringLiteral("not a member of \"%1\"").arg(send->conversation.left(Limits::MaxConversationIdLength)), id);
        return;
    }
    if (!m_quotas.allowSend(client->userId())) {
        // Per user, across its connections: a client with a large outbox paces itself by this.
        ErrorFrame limited(ErrorCode::RateLimited, QStringLiteral("too many messages; retry later"), id);
        limited.retryAfterMs = m_quotas.msUntilSend(client->userId());
        client->sendFrame(limited.toJson());
        return;
    }
    store(send->conversation, send->id, client->userId(), send->text, client, id);
}

void FrameHandlers::store(const QString &conversation, const QString &clientId, const QString &from,
                          const QString &text, ClientConnection *sender, const QJsonValue &frameId)
{
    GroupCommitter::Request request;
    request.message = ServerStorage::NewMessage{ conversation, clientId, from, text, QDateTime::currentMSecsSinceEpoch() };
    request.sender = sender;
    request.frameId = frameId;
    request.arrivedNs = sender ? m_frameArrivedNs : -1;
    m_committer->enqueue(request);
}

void FrameHandlers::committed(const QList<GroupCommitter::Outcome> &outcomes, const QString &errorMessage)
{
    if (!errorMessage.isEmpty())
        qCWarning(lcServer).noquote() << "storing messages failed:" << LogText::escape(errorMessage);
    const qint64 nowNs = m_clock.nsecsElapsed();
    // Acks first, in arrival order: every one of them is durable now.
    for (const GroupCommitter::Outcome &o : outcomes) {
        ClientConnection *sender = o.request.sender;
        if (o.stored.result == ServerStorage::AppendResult::Failed && m_metrics)
            m_metrics->storageError();
        if (!sender)
            continue;
        if (o.stored.result == ServerStorage::AppendResult::Failed) {
            sender->sendError(ErrorCode::StorageError, QStringLiteral("the message was not stored; retry later"),
                              o.request.frameId);
            continue;
        }
        const ServerStorage::Message &m = o.stored.message;
        // The dedupe key is (sender, id): an id this sender used in another conversation names
        // another message. Acking that one would lose this one silently.
        if (o.stored.result == ServerStorage::AppendResult::Duplicate
            && m.conversation != o.request.message.conversation) {
            sender->sendError(ErrorCode::IdReused,
                              QStringLiteral("this id names another of your messages; send with a new id"),
                              o.request.frameId);
            continue;
        }
        sender->sendFrame(AckFrame{ o.request.message.clientId, m.conversation, m.seq, m.ts }.toJson());
        if (m_metrics && o.request.arrivedNs >= 0)
            m_metrics->messageAcked(double(nowNs - o.request.arrivedNs) / 1e9);
    }
    for (const GroupCommitter::Outcome &o : outcomes) {
        if (o.stored.result != ServerStorage::AppendResult::Stored)
            continue;
        const ServerStorage::Message &m = o.stored.message;
        if (m_metrics)
            m_metrics->messageStored();
        publish(m.conversation, toFrame(m).toJson());
        if (m_config.demo && m.conversation == QLatin1String("echo") && m.from != echoBot())
            store(m.conversation, QUuid::createUuid().toString(QUuid::WithoutBraces), echoBot(), m.text, nullptr,
                  QJsonValue());
    }
}

void FrameHandlers::publish(const QString &conversation, const QJsonObject &frame, const ClientConnection *except)
{
    m_broker.publish(conversation, FrameCodec::encode(frame), except ? except->id() : 0);
}

void FrameHandlers::handleHistory(ClientConnection *client, const QJsonObject &frame)
{
    const auto request = decodeOrAnswer<HistoryRequestFrame>(client, frame);
    if (!request)
        return;
    if (!m_membership.mayAccess(client, request->conversation)) {
        client->sendError(ErrorCode::NotMember, QStringLiteral("not a member of that conversation"), request->requestId);
        return;
    }
    const int allowance = client->serveAllowance(m_clock.elapsed());
    if (allowance == 0) {
        client->sendError(ErrorCode::RateLimited, QStringLiteral("too many messages asked for; retry shortly"),
                          request->requestId);
        return;
    }
    const int limit = allowance < 0 ? request->effectiveLimit() : qMin(request->effectiveLimit(), allowance);
    QList<ServerStorage::Message> messages = m_storage.messagesAfter(request->conversation, request->after, limit + 1);
    HistoryFrame reply;
    reply.conversation = request->conversation;
    reply.hasMore = messages.size() > limit;
    if (reply.hasMore)
        messages.removeLast();
    // A page is bounded in bytes too, so one answer always fits the connection's send buffer:
    // a quarter of it, at least one message.
    const qint64 budget = client->sendLimit() > 0 ? client->sendLimit() / 4 : -1;
    qint64 bytes = 0;
    for (const auto &m : std::as_const(messages)) {
        bytes += m.text.size() + m.id.size() + m.from.size() + 96;
        if (budget >= 0 && bytes > budget && !reply.messages.isEmpty()) {
            reply.hasMore = true;
            break;
        }
        reply.messages.append(toFrame(m));
    }
    client->served(int(reply.messages.size()));
    reply.requestId = request->requestId;
    client->sendFrame(reply.toJson());
}

void FrameHandlers::handleTyping(ClientConnection *client, const QJsonObject &frame)
{
    const auto typing = decodeOrAnswer<TypingFrame>(client, frame);
    if (!typing)
        return;
    if (!m_membership.mayAccess(client, typing->conversation)) {
        client->sendError(ErrorCode::NotMember, QStringLiteral("not a member of that conversation"), frame.value(Key::Id));
        return;
    }
    publish(typing->conversation, TypingFrame{ typing->conversation, client->userId() }.toJson(), client);
}

void FrameHandlers::handlePing(ClientConnection *client, const QJsonObject &frame)
{
    const auto ping = PingFrame::fromJson(frame);
    PongFrame pong;
    pong.ts = ping->ts;
    pong.requestId = ping->requestId;
    pong.serverTime = QDateTime::currentMSecsSinceEpoch();
    client->sendFrame(pong.toJson());
}

} // namespace Tether
