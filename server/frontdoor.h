#pragma once
// The server's one port: accepts TCP connections, reads each request head and routes it: a
// WebSocket upgrade to /ws goes to the QWebSocketServer, anything else to the HTTP API. Keeps the
// last time bytes came from each upgraded socket, so WebSocket pings count against idling.
// Admission happens here: every accepted socket takes a slot (AdmissionControl) until it is gone,
// and one over a bound is answered 503 at once. Out of descriptors, a spare descriptor is given
// up to accept-and-close whoever waits in the backlog, and accepting resumes with backoff.

#include "admissioncontrol.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>

class QSocketNotifier;
class QTcpServer;
class QTcpSocket;
class QWebSocket;
class QWebSocketServer;

namespace Tether {

class HttpApi;

class FrontDoor : public QObject
{
    Q_OBJECT
public:
    // clock: the server's monotonic clock, for lastReceivedMs().
    FrontDoor(HttpApi &api, const QElapsedTimer &clock, QObject *parent = nullptr);
    ~FrontDoor() override;

    // 0 = no bound (AdmissionControl). Set before listen().
    void setLimits(int maxConnections, int maxPerAddress) { m_admission.setLimits(maxConnections, maxPerAddress); }
    const AdmissionControl &admission() const { return m_admission; }
    // Connections refused so far: over a bound (503), or closed at once out of descriptors.
    qint64 refusedOverLimit() const { return m_refusedOverLimit; }
    qint64 refusedOutOfDescriptors() const { return m_refusedOutOfDescriptors; }

    bool listen(const QHostAddress &address, quint16 port, QString *errorMessage);
    // Stops accepting; connections that arrive meanwhile are dropped.
    void close();
    bool isListening() const;
    quint16 port() const;

    // Monotonic ms of the last bytes received from an upgraded socket's peer ("addr|port"), 0 if unknown.
    qint64 lastReceivedMs(const QString &peer) const { return m_lastReceived.value(peer, 0); }

    static QString peerKey(const QHostAddress &address, quint16 port);

Q_SIGNALS:
    // A WebSocket handshake completed. The socket has no parent: the receiver takes it.
    void webSocketConnected(QWebSocket *socket);

private:
    void onListenerReadable();
    void admit(QTcpSocket *socket);
    void onTcpReadyRead(QTcpSocket *socket);
    void handOver(QTcpSocket *socket);
    void refuse(QTcpSocket *socket, AdmissionControl::Verdict verdict);
    // The socket's admission slot is released when it disconnects or is destroyed.
    void holdSlot(QTcpSocket *socket);
    void onAcceptFailed(int error); // errno of accept4
    // Accepts and closes everything waiting in the backlog, with the spare descriptor.
    int drainBacklog();
    void reserveDescriptor();
    void releaseDescriptor();

    HttpApi &m_api;
    const QElapsedTimer &m_clock;
    QTcpServer *m_tcpServer = nullptr; // listens; accepting is ours (onListenerReadable)
    QSocketNotifier *m_acceptNotifier = nullptr;
    QWebSocketServer *m_wsServer = nullptr;
    QHash<QString, qint64> m_lastReceived; // peer key -> monotonic ms of its last bytes
    bool m_closed = false;
    AdmissionControl m_admission;
    QHash<QObject *, QHostAddress> m_admitted; // accepted sockets holding a slot
    int m_spareDescriptor = -1;
    int m_acceptBackoffMs = 0;
    qint64 m_lastAcceptErrorMs = -1;
    qint64 m_refusedOverLimit = 0;
    qint64 m_refusedOutOfDescriptors = 0;
    qint64 m_lastRefusalLogMs = -1;
    qint64 m_refusalsSinceLog = 0;
};

} // namespace Tether
