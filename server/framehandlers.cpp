#include "framehandlers.h"

#include "clientconnection.h"
#include "frames.h"
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
    if (!Limits::isValidGuestKey(guestKey))
        return Limits::GuestIdPrefix + QStringLiteral("%1").arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    const QByteArray digest = QCryptographicHash::hash("tether-guest:" + guestKey.toUtf8(), QCryptographicHash::Sha256);
    return Limits::GuestIdPrefix + QString::fromLatin1(digest.toHex().left(12));
}

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
    : m_config(config), m_storage(storage), m_tokens(tokens), m_broker(broker), m_clock(clock)
{
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
    qCInfo(lcServer).noquote() << "authenticated" << client->peer() << "as" << client->userId();
    return true;
}

void FrameHandlers::onBinary(ClientConnection *client)
{
    if (client->isClosing())
        return;
    if (m_metrics)
        m_metrics->frameReceived(u"binary");
    client->setLastFrameMs(m_clock.elapsed());
    client->sendError(ErrorCode::BadJson, QStringLiteral("binary frames are not part of the protocol"), QJsonValue());
}

void FrameHandlers::onText(ClientConnection *client, const QString &text)
{
    if (client->isClosing())
        return;
    m_frameArrived.start();
    const qint64 now = m_clock.elapsed();
    client->setLastFrameMs(now);
    FrameError parseError;
    const std::optional<QJsonObject> decoded = FrameCodec::decode(text, &parseError);
    const QJsonObject frame = decoded.value_or(QJsonObject());
    if (m_metrics)
        m_metrics->frameReceived(FrameCodec::typeOf(frame));
    if (!client->limiter().allow(now)) {
        if (client->limiter().consecutiveRejections() > m_config.rateLimitMaxViolations) {
            qCInfo(lcServer).noquote() << "closing" << client->peer() << ": rate limit exceeded persistently";
            close(client, toInt(CloseCode::PolicyViolated), QStringLiteral("rate limit exceeded"));
        } else {
            client->sendError(ErrorCode::RateLimited, QStringLiteral("too many frames; slow down and retry"),
                              frame.value(Key::Id));
        }
        return;
    }
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
        qCInfo(lcServer).noquote() << "guest" << client->peer() << "is" << client->userId();
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
        handleJoin(client, frame);
    else if (type == FrameType::Leave)
        handleLeave(client, frame);
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
    const QList<ServerStorage::Conversation> conversations = m_storage.conversationsFor(client->userId());
    WelcomeFrame welcome;
    welcome.user = UserInfo{ client->userId(), client->userId(), client->isGuest() };
    for (const auto &c : conversations)
        welcome.conversations.append(toInfo(c));
    welcome.heartbeatMs = qMax(1, m_config.idleTimeoutMs / 3);
    welcome.serverTime = QDateTime::currentMSecsSinceEpoch();
    client->sendFrame(welcome.toJson());
    // All of this runs in one go: no broadcast and no other frame of this client can interleave.
    int replayed = 0;
    for (const auto &c : conversations) {
        const qint64 after = hello->resume.value(c.id, 0);
        if (after >= c.lastSeq)
            continue;
        const QList<ServerStorage::Message> missed = m_storage.messagesAfter(c.id, after);
        for (const auto &m : missed)
            client->sendFrame(toFrame(m).toJson());
        replayed += missed.size();
    }
    client->sendFrame(SyncedFrame().toJson());
    client->setHelloDone();
    if (m_metrics)
        m_metrics->replayed(replayed);
    qCInfo(lcServer).noquote() << "hello from" << client->userId() << "replayed" << replayed << "messages";
}

void FrameHandlers::handleSend(ClientConnection *client, const QJsonObject &frame)
{
    const QJsonValue id = frame.value(Key::Id);
    const auto send = decodeOrAnswer<SendFrame>(client, frame);
    if (!send)
        return;
    if (!m_storage.isMember(send->conversation, client->userId())) {
        client->sendError(ErrorCode::NotMember,
                          QStringLiteral("not a member of \"%1\"").arg(send->conversation.left(Limits::MaxConversationIdLength)), id);
        return;
    }
    storeAndBroadcast(send->conversation, send->id, client->userId(), send->text, client, id);
}

void FrameHandlers::storeAndBroadcast(const QString &conversation, const QString &clientId, const QString &from,
                                      const QString &text, ClientConnection *sender, const QJsonValue &frameId)
{
    ServerStorage::Message stored;
    QString error;
    const auto result = m_storage.appendMessage(conversation, clientId, from, text,
                                                QDateTime::currentMSecsSinceEpoch(), &stored, &error);
    if (result == ServerStorage::AppendResult::Failed) {
        qCWarning(lcServer).noquote() << "storing a message failed:" << error;
        if (m_metrics)
            m_metrics->storageError();
        if (sender)
            sender->sendError(ErrorCode::StorageError, QStringLiteral("the message was not stored; retry later"), frameId);
        return;
    }
    if (sender)
        sender->sendFrame(AckFrame{ clientId, stored.conversation, stored.seq, stored.ts }.toJson());
    if (m_metrics && sender)
        m_metrics->messageAcked(double(m_frameArrived.nsecsElapsed()) / 1e9);
    if (result == ServerStorage::AppendResult::Duplicate)
        return;
    if (m_metrics)
        m_metrics->messageStored();
    publish(conversation, toFrame(stored).toJson());

    if (m_config.demo && conversation == QLatin1String("echo") && from != echoBot())
        storeAndBroadcast(conversation, QUuid::createUuid().toString(QUuid::WithoutBraces), echoBot(), text,
                          nullptr, QJsonValue());
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
    if (!m_storage.isMember(request->conversation, client->userId())) {
        client->sendError(ErrorCode::NotMember, QStringLiteral("not a member of that conversation"), request->requestId);
        return;
    }
    const int limit = request->effectiveLimit();
    QList<ServerStorage::Message> messages = m_storage.messagesAfter(request->conversation, request->after, limit + 1);
    HistoryFrame reply;
    reply.conversation = request->conversation;
    reply.hasMore = messages.size() > limit;
    if (reply.hasMore)
        messages.removeLast();
    for (const auto &m : std::as_const(messages))
        reply.messages.append(toFrame(m));
    reply.requestId = request->requestId;
    client->sendFrame(reply.toJson());
}

void FrameHandlers::handleJoin(ClientConnection *client, const QJsonObject &frame)
{
    const auto join = decodeOrAnswer<JoinFrame>(client, frame);
    if (!join)
        return;
    QString storageError;
    if (!m_storage.ensureConversation(join->conversation, join->effectiveTitle(), false, &storageError)
        || !m_storage.addMember(join->conversation, client->userId(), &storageError)) {
        qCWarning(lcServer).noquote() << "join failed:" << storageError;
        if (m_metrics)
            m_metrics->storageError();
        client->sendError(ErrorCode::StorageError, QStringLiteral("could not join; retry later"), join->requestId);
        return;
    }
    const auto info = m_storage.conversation(join->conversation);
    JoinedFrame joined;
    joined.conversation = toInfo(*info);
    joined.user = client->userId();
    publish(join->conversation, joined.toJson(), client);
    // The joiner hears about it even before its hello.
    joined.requestId = join->requestId;
    client->sendFrame(joined.toJson());
}

void FrameHandlers::handleLeave(ClientConnection *client, const QJsonObject &frame)
{
    const auto leave = decodeOrAnswer<LeaveFrame>(client, frame);
    if (!leave)
        return;
    const auto info = m_storage.conversation(leave->conversation);
    if (!info || !m_storage.isMember(info->id, client->userId())) {
        client->sendError(ErrorCode::NotMember, QStringLiteral("not a member of that conversation"), leave->requestId);
        return;
    }
    if (info->isPublic) {
        client->sendError(ErrorCode::Forbidden, QStringLiteral("public conversations cannot be left"), leave->requestId);
        return;
    }
    LeftFrame left;
    left.conversation = info->id;
    left.user = client->userId();
    publish(info->id, left.toJson(), client);
    QString storageError;
    if (!m_storage.removeMember(info->id, client->userId(), &storageError)) {
        if (m_metrics)
            m_metrics->storageError();
        client->sendError(ErrorCode::StorageError, QStringLiteral("could not leave; retry later"), leave->requestId);
        return;
    }
    left.requestId = leave->requestId;
    client->sendFrame(left.toJson());
}

void FrameHandlers::handleTyping(ClientConnection *client, const QJsonObject &frame)
{
    const auto typing = decodeOrAnswer<TypingFrame>(client, frame);
    if (!typing)
        return;
    if (!m_storage.isMember(typing->conversation, client->userId())) {
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
