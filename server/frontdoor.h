#pragma once
// The server's one port: accepts TCP connections, reads each request head and routes it: a
// WebSocket upgrade to /ws goes to the QWebSocketServer, anything else to the HTTP API. Keeps the
// last time bytes came from each upgraded socket, so WebSocket pings count against idling.

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>

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
    void onTcpConnection();
    void onTcpReadyRead(QTcpSocket *socket);
    void handOver(QTcpSocket *socket);

    HttpApi &m_api;
    const QElapsedTimer &m_clock;
    QTcpServer *m_tcpServer = nullptr;
    QWebSocketServer *m_wsServer = nullptr;
    QHash<QString, qint64> m_lastReceived; // peer key -> monotonic ms of its last bytes
    bool m_closed = false;
};

} // namespace Tether
