#include "transportdecider.h"

#include "transport.h"

#include <QAbstractSocket>
#include <QRegularExpression>

namespace Tether {

TransportDecider::Attempt TransportDecider::fromEnd(const TransportEnd &end, bool handshakeTimeout)
{
    Attempt attempt;
    attempt.httpStatus = end.close.handshakeUnauthorized ? 401 : httpStatusIn(end.error);
    attempt.socketError = end.socketError;
    attempt.handshakeTimeout = handshakeTimeout;
    return attempt;
}

int TransportDecider::httpStatusIn(const QString &errorText)
{
    // Qt 6.4: "QWebSocketPrivate::processHandshake: Unhandled http status code: 426 (Upgrade Required)."
    static const QRegularExpression pattern(QStringLiteral("(?:status code:?|HTTP)\\s*([1-5][0-9][0-9])\\b"),
                                            QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = pattern.match(errorText);
    return match.hasMatch() ? match.captured(1).toInt() : 0;
}

bool TransportDecider::isInterference(const Attempt &attempt)
{
    if (attempt.handshakeTimeout)
        return true;
    if (attempt.httpStatus != 0) {
        switch (attempt.httpStatus) {
        case 101: // the upgrade itself: whatever failed after it was not a blocked upgrade
        case 401:
        case 403:
        case 404:
        case 429:
            return false;
        default:
            return attempt.httpStatus < 500 || attempt.httpStatus > 599;
        }
    }
    switch (attempt.socketError) {
    case QAbstractSocket::RemoteHostClosedError: // reset right after the upgrade request
    case QAbstractSocket::SocketAccessError:     // Qt's "Proxy denied connection": the proxy's 403/405 to CONNECT
    case QAbstractSocket::ProxyConnectionRefusedError:
    case QAbstractSocket::ProxyConnectionClosedError:
    case QAbstractSocket::ProxyProtocolError:
    case QAbstractSocket::ProxyConnectionTimeoutError:
    case QAbstractSocket::SocketTimeoutError:
        return true;
    default:
        return false;
    }
}

QString TransportDecider::describe(const Attempt &attempt)
{
    if (attempt.handshakeTimeout)
        return QStringLiteral("no WebSocket upgrade within the connect timeout");
    if (attempt.httpStatus != 0)
        return QStringLiteral("HTTP %1 instead of the WebSocket upgrade").arg(attempt.httpStatus);
    switch (attempt.socketError) {
    case QAbstractSocket::RemoteHostClosedError:
        return QStringLiteral("the connection was reset after the WebSocket upgrade request");
    case QAbstractSocket::SocketAccessError:
    case QAbstractSocket::ProxyConnectionRefusedError:
    case QAbstractSocket::ProxyConnectionClosedError:
    case QAbstractSocket::ProxyProtocolError:
        return QStringLiteral("the proxy refused the WebSocket connection");
    case QAbstractSocket::ProxyConnectionTimeoutError:
    case QAbstractSocket::SocketTimeoutError:
        return QStringLiteral("the WebSocket connection timed out");
    default:
        return QStringLiteral("the WebSocket connection failed");
    }
}

TransportDecider::TransportDecider(Mode mode, int wsRetryIntervalMs)
    : m_mode(mode), m_intervalMs(qMax(1, wsRetryIntervalMs)),
      m_current(mode == Mode::LongPoll ? Kind::LongPoll : Kind::WebSocket)
{
}

void TransportDecider::webSocketFailed(const Attempt &attempt, qint64 nowMs)
{
    if (m_mode != Mode::Auto || m_current != Kind::WebSocket)
        return;
    if (!isInterference(attempt)) {
        m_streak = 0; // our server said no, or it is down: nothing is in the way
        return;
    }
    if (++m_streak < InterferenceThreshold)
        return;
    m_current = Kind::LongPoll;
    m_reason = describe(attempt);
    m_nextTrialMs = nowMs + m_intervalMs;
}

void TransportDecider::opened(Kind kind, qint64 nowMs)
{
    Q_UNUSED(nowMs)
    if (kind == Kind::WebSocket && m_mode == Mode::Auto)
        trialSucceeded();
}

void TransportDecider::trialSucceeded()
{
    if (m_mode != Mode::Auto)
        return;
    m_current = Kind::WebSocket;
    m_streak = 0;
    m_reason.clear();
    m_nextTrialMs = -1;
}

void TransportDecider::trialFailed(qint64 nowMs)
{
    if (isFallback())
        m_nextTrialMs = nowMs + m_intervalMs;
}

} // namespace Tether
