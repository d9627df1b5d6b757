#pragma once
// Real loopback peers for the connection tests: a WebSocket server, a hand-written HTTP refresh
// endpoint, and a raw TCP server that can stall the upgrade or complete it and then go silent.

#include <QCryptographicHash>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QNetworkRequest>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>
#include <QWebSocket>
#include <QWebSocketServer>
#include <QUrlQuery>

#include <functional>

namespace TestPeers {

inline QString jwtPart(const QByteArray &raw)
{
    return QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

// An unsigned-looking JWT whose exp is expOffsetS seconds from now (iat 60 s before now).
inline QString makeJwt(qint64 expOffsetS, const QString &subject = QStringLiteral("alice"))
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QJsonObject claims { { QStringLiteral("sub"), subject },
                               { QStringLiteral("iat"), double(now - 60) },
                               { QStringLiteral("exp"), double(now + expOffsetS) } };
    return jwtPart(R"({"alg":"HS256","typ":"JWT"})") + QLatin1Char('.')
            + jwtPart(QJsonDocument(claims).toJson(QJsonDocument::Compact)) + QStringLiteral(".c2ln");
}

// A free loopback port with nothing listening (bound, then released).
inline quint16 unusedPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

class WsServer : public QObject
{
    Q_OBJECT
public:
    explicit WsServer(QObject *parent = nullptr)
        : QObject(parent)
        , m_server(QStringLiteral("test"), QWebSocketServer::NonSecureMode)
    {
        connect(&m_server, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *s = m_server.nextPendingConnection()) {
                s->setParent(this);
                m_clients.append(s);
                m_requests.append(s->request());
                connect(s, &QWebSocket::textMessageReceived, this, [this, s](const QString &text) {
                    m_received.append(text);
                    if (echo)
                        s->sendTextMessage(text);
                    Q_EMIT messageReceived(text);
                });
                connect(s, &QWebSocket::disconnected, this, [this, s] {
                    m_closeCodes.append(int(s->closeCode()));
                    s->deleteLater();
                });
                Q_EMIT clientConnected(s);
            }
        });
    }

    ~WsServer() override
    {
        // The sockets' TCP halves belong to the QTcpServer inside m_server and die with it, after our
        // members: cut the connections to us first.
        for (const QPointer<QWebSocket> &c : std::as_const(m_clients)) {
            if (c)
                QObject::disconnect(c, nullptr, this, nullptr);
        }
    }

    bool listen(quint16 port = 0) { return m_server.listen(QHostAddress::LocalHost, port); }
    void stop() { m_server.close(); }
    quint16 port() const { return m_server.serverPort(); }
    QUrl url() const { return QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_server.serverPort())); }

    QWebSocket *last() const
    {
        for (int i = m_clients.size() - 1; i >= 0; --i) {
            if (m_clients.at(i))
                return m_clients.at(i);
        }
        return nullptr;
    }
    int connectionCount() const { return m_requests.size(); }
    QList<QNetworkRequest> requests() const { return m_requests; }
    QStringList received() const { return m_received; }
    QList<int> closeCodes() const { return m_closeCodes; } // as seen by the server, per ended connection

    bool echo = false;

Q_SIGNALS:
    void clientConnected(QWebSocket *socket);
    void messageReceived(const QString &text);

private:
    QWebSocketServer m_server;
    QList<QPointer<QWebSocket>> m_clients;
    QList<QNetworkRequest> m_requests;
    QStringList m_received;
    QList<int> m_closeCodes;
};

// Answers POST requests by hand (HTTP/1.1, Connection: close) with a configurable status and body.
class HttpServer : public QObject
{
    Q_OBJECT
public:
    struct Request
    {
        QByteArray method;
        QByteArray path;
        QByteArray body;
    };

    explicit HttpServer(QObject *parent = nullptr)
        : QObject(parent)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                s->setParent(this);
                connect(s, &QTcpSocket::readyRead, this, [this, s] { onReadyRead(s); });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QUrl url(const QString &path = QStringLiteral("/api/auth/refresh")) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(path));
    }
    QList<Request> requests() const { return m_requests; }

    // status + JSON body of every answer; the responder may compute it per request.
    std::function<QPair<int, QByteArray>(const Request &)> responder = [](const Request &) {
        return qMakePair(200, QByteArray(R"({"access_token":"new-token"})"));
    };

Q_SIGNALS:
    void requestReceived(const QByteArray &body);

private:
    void onReadyRead(QTcpSocket *s)
    {
        QByteArray &buffer = m_buffers[s];
        buffer += s->readAll();
        const int headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        const QByteArray head = buffer.left(headerEnd);
        int contentLength = 0;
        for (const QByteArray &line : head.split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                contentLength = line.mid(15).trimmed().toInt();
        }
        if (buffer.size() < headerEnd + 4 + contentLength)
            return;
        Request request;
        const QList<QByteArray> first = head.left(head.indexOf("\r\n")).split(' ');
        request.method = first.value(0);
        request.path = first.value(1);
        request.body = buffer.mid(headerEnd + 4, contentLength);
        m_buffers.remove(s);
        m_requests.append(request);
        Q_EMIT requestReceived(request.body);
        const auto answer = responder(request);
        QByteArray response = "HTTP/1.1 " + QByteArray::number(answer.first) + " X\r\n"
                              "Content-Type: application/json\r\nConnection: close\r\nContent-Length: "
                + QByteArray::number(answer.second.size()) + "\r\n\r\n" + answer.second;
        s->write(response);
        s->disconnectFromHost();
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QList<Request> m_requests;
};

// Accepts TCP and then either says nothing at all (Stall) or completes the WebSocket upgrade by
// hand and then ignores everything, pings included (Silent): a half-open link as seen by the client.
// Deaf upgrades and then stops reading altogether, so the client's writes back up.
class RawServer : public QObject
{
    Q_OBJECT
public:
    enum class Mode { Stall, Silent, Unauthorized, Deaf };

    explicit RawServer(Mode mode, QObject *parent = nullptr)
        : QObject(parent)
        , m_mode(mode)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                s->setParent(this);
                ++m_accepted;
                connect(s, &QTcpSocket::readyRead, this, [this, s] { onReadyRead(s); });
                Q_EMIT accepted();
            }
        });
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QUrl url() const { return QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_server.serverPort())); }
    int acceptedCount() const { return m_accepted; }
    int upgradedCount() const { return m_upgraded; }
    int unauthorizedCount() const { return m_unauthorized; }
    // Writes bytes as they are to every upgraded connection (hand-made, possibly hostile frames).
    void writeRaw(const QByteArray &bytes)
    {
        for (QTcpSocket *s : findChildren<QTcpSocket *>()) {
            if (s->property("upgraded").toBool())
                s->write(bytes);
        }
    }

Q_SIGNALS:
    void accepted();
    void upgraded();

private:
    void onReadyRead(QTcpSocket *s)
    {
        if (m_mode == Mode::Unauthorized) {
            s->readAll();
            ++m_unauthorized;
            s->write("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            s->disconnectFromHost();
            return;
        }
        if (m_mode == Mode::Stall || s->property("upgraded").toBool()) {
            s->readAll(); // swallow requests, frames and pings alike
            return;
        }
        QByteArray buffer = s->property("buffer").toByteArray() + s->readAll();
        s->setProperty("buffer", buffer);
        if (!buffer.contains("\r\n\r\n"))
            return;
        QByteArray key;
        for (const QByteArray &line : buffer.split('\n')) {
            if (line.toLower().startsWith("sec-websocket-key:"))
                key = line.mid(18).trimmed();
        }
        const QByteArray accept = QCryptographicHash::hash(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
                                                           QCryptographicHash::Sha1).toBase64();
        s->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Accept: " + accept + "\r\n\r\n");
        s->setProperty("upgraded", true);
        if (m_mode == Mode::Deaf) {
            s->setReadBufferSize(1);
            disconnect(s, &QTcpSocket::readyRead, this, nullptr);
        }
        ++m_upgraded;
        Q_EMIT upgraded();
    }

    Mode m_mode;
    QTcpServer m_server;
    int m_accepted = 0;
    int m_upgraded = 0;
    int m_unauthorized = 0;
};

} // namespace TestPeers
