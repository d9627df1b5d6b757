#pragma once
// One client of the server: its WebSocket (or long-polling session), who it is, its rate limiter
// and activity, and how the server talks to it and closes it (a goodbye frame first, then the close).

#include "errorcode.h"
#include "ratelimiter.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

class QWebSocket;

namespace Tether {

class PollSession;
class ServerMetrics;

class ClientConnection
{
public:
    // The socket is not owned: the server deletes it when the connection is gone.
    ClientConnection(QWebSocket *socket, quint64 id, qint64 connectedAtMs, const RateLimiter &limiter);
    // A long-polling client (not owned either): its frames go to the session's queue. peer: "addr|port"
    // of the request that opened it.
    ClientConnection(PollSession *session, const QString &peer, quint64 id, qint64 connectedAtMs,
                     const RateLimiter &limiter);
    ClientConnection(const ClientConnection &) = delete;
    ClientConnection &operator=(const ClientConnection &) = delete;

    QWebSocket *socket() const { return m_socket; }       // nullptr for a long-polling client
    PollSession *pollSession() const { return m_poll; } // nullptr for a WebSocket client
    quint64 id() const { return m_id; }           // unique in this server instance, never 0
    const QString &peer() const { return m_peer; } // "addr|port", the front door's key for it
    qint64 connectedAtMs() const { return m_connectedAtMs; }

    // Who: set once by a token or as a guest.
    bool isAuthenticated() const { return m_authenticated; }
    bool isGuest() const { return m_guest; }
    const QString &userId() const { return m_userId; }
    void setUser(const QString &userId, bool guest);

    // Receives broadcasts only after its hello.
    bool helloDone() const { return m_helloDone; }
    void setHelloDone() { m_helloDone = true; }

    qint64 lastFrameMs() const { return m_lastFrameMs; }
    void setLastFrameMs(qint64 ms) { m_lastFrameMs = ms; }
    RateLimiter &limiter() { return m_limiter; }
    // Where frames sent, errors and server closes are counted (not owned; may stay unset).
    void setMetrics(ServerMetrics *metrics) { m_metrics = metrics; }

    // At most this many bytes may wait to be written to the peer (0 = no bound), beyond what the
    // kernel takes: past that the connection is closed as a slow consumer (4008), after graceMs
    // for the close handshake.
    void setSendLimit(qint64 bytes, int graceMs);
    qint64 sendLimit() const { return m_sendLimit; }
    qint64 bytesQueued() const; // written by us, not yet taken by the kernel

    // Messages served by replays and history pages together: at most perSecond a second, at most
    // burst at once (perSecond 0 = no bound), so that one connection's requests cannot hold the
    // event loop for long however many it sends at once.
    void setServeBudget(double perSecond, double burst);
    // How many messages may be served now (-1: no bound); served() takes them.
    int serveAllowance(qint64 nowMs);
    void served(int count) { m_serveTokens -= count; }

    bool isClosing() const { return m_closing; }
    int closeCode() const { return m_closeCode; } // 0 unless the server closed it

    // Nothing is sent once the connection is closing.
    void sendText(const QString &frameText);
    void sendFrame(const QJsonObject &frame);
    void sendError(Protocol::ErrorCode code, const QString &message, const QJsonValue &requestId);
    // goodbye, then the close frame; the TCP connection is aborted after graceMs (at least 200)
    // whether or not the peer answered.
    void close(int code, const QString &reason, int graceMs);

private:
    QWebSocket *m_socket = nullptr;
    PollSession *m_poll = nullptr;
    quint64 m_id;
    QString m_peer;
    QString m_userId;
    bool m_authenticated = false;
    bool m_guest = false;
    bool m_helloDone = false;
    bool m_closing = false;
    int m_closeCode = 0;
    qint64 m_connectedAtMs;
    qint64 m_lastFrameMs;
    RateLimiter m_limiter;
    double m_servePerSecond = 0;
    double m_serveBurst = 0;
    double m_serveTokens = 0;
    qint64 m_serveRefilledMs = -1;
    qint64 m_sendLimit = 0;
    int m_sendLimitGraceMs = 0;
    ServerMetrics *m_metrics = nullptr;
};

} // namespace Tether
