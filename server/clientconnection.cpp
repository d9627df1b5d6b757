#include "clientconnection.h"

#include "errorframe.h"
#include "framecodec.h"
#include "goodbyeframe.h"
#include "frontdoor.h"
#include "keys.h"
#include "servermetrics.h"

#include <QTimer>
#include <QWebSocket>

namespace Tether {

ClientConnection::ClientConnection(QWebSocket *socket, quint64 id, qint64 connectedAtMs, const RateLimiter &limiter)
    : m_socket(socket), m_id(id), m_peer(FrontDoor::peerKey(socket->peerAddress(), socket->peerPort())),
      m_connectedAtMs(connectedAtMs), m_lastFrameMs(connectedAtMs), m_limiter(limiter)
{
}

void ClientConnection::setUser(const QString &userId, bool guest)
{
    m_authenticated = true;
    m_guest = guest;
    m_userId = userId;
}

void ClientConnection::sendText(const QString &frameText)
{
    if (m_closing)
        return;
    m_socket->sendTextMessage(frameText);
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
    sendFrame(Protocol::GoodbyeFrame::forClose(code, reason).toJson());
    m_closing = true;
    m_closeCode = code;
    if (m_metrics)
        m_metrics->serverClosed(code);
    QWebSocket *socket = m_socket;
    socket->close(QWebSocketProtocol::CloseCode(code), reason);
    // The peer has a moment to answer the close frame; then the TCP connection goes regardless.
    QTimer::singleShot(qMax(200, graceMs), socket, [socket] { socket->abort(); });
}

} // namespace Tether
