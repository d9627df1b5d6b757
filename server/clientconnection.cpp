#include "clientconnection.h"

#include "closecode.h"
#include "errorframe.h"
#include "framecodec.h"
#include "goodbyeframe.h"
#include "frontdoor.h"
#include "keys.h"
#include "logtext.h"
#include "pollsession.h"
#include "servermetrics.h"

#include <QLoggingCategory>
#include <QTimer>
#include <QWebSocket>

namespace Tether {

Q_DECLARE_LOGGING_CATEGORY(lcServer)

ClientConnection::ClientConnection(QWebSocket *socket, quint64 id, qint64 connectedAtMs, const RateLimiter &limiter)
    : m_socket(socket), m_id(id), m_peer(FrontDoor::peerKey(socket->peerAddress(), socket->peerPort())),
      m_connectedAtMs(connectedAtMs), m_lastFrameMs(connectedAtMs), m_limiter(limiter)
{
}

ClientConnection::ClientConnection(PollSession *session, const QString &peer, quint64 id, qint64 connectedAtMs,
                                   const RateLimiter &limiter)
    : m_poll(session), m_id(id), m_peer(peer), m_connectedAtMs(connectedAtMs), m_lastFrameMs(connectedAtMs),
      m_limiter(limiter)
{
}

void ClientConnection::setUser(const QString &userId, bool guest)
{
    m_authenticated = true;
    m_guest = guest;
    m_userId = userId;
}

void ClientConnection::setSendLimit(qint64 bytes, int graceMs)
{
    m_sendLimit = qMax<qint64>(0, bytes);
    m_sendLimitGraceMs = graceMs;
}

void ClientConnection::setServeBudget(double perSecond, double burst)
{
    m_servePerSecond = qMax(0.0, perSecond);
    m_serveBurst = qMax(1.0, burst);
    m_serveTokens = m_serveBurst;
    m_serveRefilledMs = -1;
}

int ClientConnection::serveAllowance(qint64 nowMs)
{
    if (m_servePerSecond <= 0)
        return -1;
    if (m_serveRefilledMs >= 0 && nowMs > m_serveRefilledMs)
        m_serveTokens = qMin(m_serveBurst, m_serveTokens + double(nowMs - m_serveRefilledMs) * m_servePerSecond / 1000.0);
    if (m_serveRefilledMs < 0 || nowMs > m_serveRefilledMs)
        m_serveRefilledMs = nowMs;
    return m_serveTokens >= 1 ? int(m_serveTokens) : 0;
}

qint64 ClientConnection::bytesQueued() const
{
    return m_poll ? m_poll->bytesQueued() : m_socket->bytesToWrite();
}

void ClientConnection::sendText(const QString &frameText)
{
    if (m_closing)
        return;
    if (m_poll) {
        // Nothing below takes these frames but the client's next poll: the whole queue counts.
        m_poll->push(frameText);
        if (m_sendLimit > 0 && m_poll->bytesQueued() > m_sendLimit) {
            qCInfo(lcServer).noquote() << "closing slow consumer (long poll)" << m_peer << "user"
                                       << (m_userId.isEmpty() ? QStringLiteral("-") : LogText::escape(m_userId)) << ":"
                                       << m_poll->bytesQueued() << "bytes not polled";
            close(Protocol::toInt(Protocol::CloseCode::SlowConsumer), QStringLiteral("slow consumer"), m_sendLimitGraceMs);
        }
        return;
    }
    m_socket->sendTextMessage(frameText);
    // A peer that does not read must not make the server hold its broadcasts without bound. What
    // the kernel still takes is not held here: only what it refuses (the peer's window is shut)
    // counts, so a burst to a reading client is not mistaken for a slow one.
    if (m_sendLimit <= 0 || m_socket->bytesToWrite() <= m_sendLimit)
        return;
    m_socket->flush();
    if (m_socket->bytesToWrite() > m_sendLimit) {
        qCInfo(lcServer).noquote() << "closing slow consumer" << m_peer << "user"
                                   << (m_userId.isEmpty() ? QStringLiteral("-") : LogText::escape(m_userId)) << ":"
                                   << m_socket->bytesToWrite() << "bytes unread";
        close(Protocol::toInt(Protocol::CloseCode::SlowConsumer), QStringLiteral("slow consumer"), m_sendLimitGraceMs);
    }
}

void ClientConnection::sendFrame(const QJsonObject &frame)
{
    if (m_metrics && !m_closing)
        m_metrics->frameSent(frame.value(Protocol::Key::Type).toString());
    sendText(Protocol::FrameCodec::encode(frame));
}

void ClientConnection::sendError(Protocol::ErrorCode code, const QString &message, const QJsonValue &requestId)
{
    if (m_metrics && !m_closing)
        m_metrics->errorSent(code);
    sendFrame(Protocol::ErrorFrame(code, message, requestId).toJson());
}

void ClientConnection::close(int code, const QString &reason, int graceMs)
{
    if (m_closing)
        return;
    // Qt's QWebSocket (6.4 at least) rejects close codes 1012-2999 as invalid and reports 1002
    // instead, losing the code and reason. So every server-initiated close is announced first in a
    // text frame that any client can read; the close frame itself still carries the real code.
    m_closing = true;
    const QString goodbye = Protocol::FrameCodec::encode(Protocol::GoodbyeFrame::forClose(code, reason).toJson());
    m_closeCode = code;
    if (m_metrics) {
        m_metrics->frameSent(u"goodbye"); // written directly, past sendFrame()'s bound
        m_metrics->serverClosed(code);
    }
    if (m_poll) {
        // The goodbye and the close go out with the next poll; PollHub drops the session once
        // they did, or after graceMs.
        m_poll->push(goodbye);
        m_poll->finish(code, reason);
        return;
    }
    m_socket->sendTextMessage(goodbye);
    QWebSocket *socket = m_socket;
    socket->close(QWebSocketProtocol::CloseCode(code), reason);
    // The peer has a moment to answer the close frame; then the TCP connection goes regardless.
    QTimer::singleShot(qMax(200, graceMs), socket, [socket] { socket->abort(); });
}

} // namespace Tether
