#include "frontdoor.h"

#include "endpoints.h"
#include "httpapi.h"
#include "httperrorbody.h"
#include "httprequest.h"
#include "httpresponder.h"
#include "protocollimits.h"

#include <QLoggingCategory>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

namespace Tether {

Q_DECLARE_LOGGING_CATEGORY(lcServer)

using Protocol::ErrorCode;

namespace {
// A moderately oversized body is received (and dropped) before the 413, so the client is not
// reset mid-upload and actually sees the answer; a body over this is refused at once.
constexpr qint64 kMaxDiscardBytes = 1024 * 1024;

QJsonObject httpError(ErrorCode code, const QString &message)
{
    return Protocol::HttpErrorBody(code, message).toJson();
}
} // namespace

FrontDoor::FrontDoor(HttpApi &api, const QElapsedTimer &clock, QObject *parent)
    : QObject(parent), m_api(api), m_clock(clock)
{
}

FrontDoor::~FrontDoor()
{
    close();
}

QString FrontDoor::peerKey(const QHostAddress &address, quint16 port)
{
    return address.toString() + QLatin1Char('|') + QString::number(port);
}

bool FrontDoor::listen(const QHostAddress &address, quint16 port, QString *errorMessage)
{
    m_tcpServer = new QTcpServer(this);
    if (!m_tcpServer->listen(address, port)) {
        if (errorMessage)
            *errorMessage = QStringLiteral("cannot listen on %1:%2: %3")
                                    .arg(address.toString())
                                    .arg(port)
                                    .arg(m_tcpServer->errorString());
        delete m_tcpServer;
        m_tcpServer = nullptr;
        return false;
    }
    connect(m_tcpServer, &QTcpServer::newConnection, this, &FrontDoor::onTcpConnection);
    // QTcpServer stops accepting for good after any accept() error that is not "temporary":
    // ECONNABORTED from a client that reset while in the backlog, or EMFILE under a reconnect storm.
    // Resume after a breath (at once would spin on EMFILE until a descriptor is free).
    connect(m_tcpServer, &QTcpServer::acceptError, this, [this](QAbstractSocket::SocketError error) {
        qCWarning(lcServer).noquote() << "accept failed:" << error << m_tcpServer->errorString() << "- accepting again shortly";
        QTimer::singleShot(100, this, [this] {
            if (m_tcpServer && m_tcpServer->isListening())
                m_tcpServer->resumeAccepting();
        });
    });

    m_wsServer = new QWebSocketServer(QStringLiteral("tether-server/" TETHER_VERSION),
                                      QWebSocketServer::NonSecureMode, this);
    m_wsServer->setHandshakeTimeout(HttpResponder::TimeoutMs);
    connect(m_wsServer, &QWebSocketServer::newConnection, this, [this] {
        while (QWebSocket *socket = m_wsServer->nextPendingConnection())
            Q_EMIT webSocketConnected(socket);
    });
    return true;
}

void FrontDoor::close()
{
    m_closed = true;
    if (m_tcpServer)
        m_tcpServer->close();
}

bool FrontDoor::isListening() const
{
    return m_tcpServer && m_tcpServer->isListening();
}

quint16 FrontDoor::port() const
{
    return m_tcpServer ? m_tcpServer->serverPort() : 0;
}

void FrontDoor::onTcpConnection()
{
    while (QTcpSocket *socket = m_tcpServer->nextPendingConnection()) {
        if (m_closed) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onTcpReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        HttpResponder::armTimeout(socket);
    }
}

void FrontDoor::onTcpReadyRead(QTcpSocket *socket)
{
    const QByteArray data = socket->peek(Protocol::Limits::MaxHttpHeadBytes + 1);
    const HttpRequest head = HttpRequest::parseHead(data);
    if (head.state() == HttpRequest::State::Incomplete) {
        if (data.size() > Protocol::Limits::MaxHttpHeadBytes)
            HttpResponder::write(socket, 431, httpError(ErrorCode::HeaderTooLarge, QStringLiteral("request head over 16 KiB")));
        return;
    }
    if (head.state() == HttpRequest::State::Malformed) {
        HttpResponder::write(socket, 400, httpError(ErrorCode::BadRequest, QStringLiteral("malformed HTTP request")));
        return;
    }
    if (head.isWebSocketUpgrade()) {
        if (QLatin1String(head.path()) != Protocol::Path::WebSocket) {
            HttpResponder::write(socket, 404, httpError(ErrorCode::NotFound, QStringLiteral("the WebSocket endpoint is /ws")));
            return;
        }
        // QWebSocketServer drops a bad handshake without a word; answer it properly instead.
        if (head.method() != "GET" || head.header("sec-websocket-key").isEmpty()) {
            HttpResponder::write(socket, 400, httpError(ErrorCode::BadRequest, QStringLiteral("invalid WebSocket upgrade request")));
            return;
        }
        if (head.header("sec-websocket-version").trimmed() != "13") {
            HttpResponder::write(socket, 426, httpError(ErrorCode::UpgradeRequired, QStringLiteral("WebSocket version 13 only")),
                                 "Sec-WebSocket-Version: 13\r\n");
            return;
        }
        handOver(socket);
        return;
    }
    if (!head.header("transfer-encoding").isEmpty()) {
        HttpResponder::write(socket, 411, httpError(ErrorCode::LengthRequired, QStringLiteral("send a Content-Length body")));
        return;
    }
    const qint64 length = qMax<qint64>(0, head.contentLength());
    if (length > kMaxDiscardBytes) {
        HttpResponder::write(socket, 413, httpError(ErrorCode::TooLarge, QStringLiteral("request body over 64 KiB")));
        return;
    }
    if (socket->bytesAvailable() < head.headLength() + length)
        return; // wait for the rest of the body
    if (length > Protocol::Limits::MaxHttpBodyBytes) {
        socket->readAll();
        HttpResponder::write(socket, 413, httpError(ErrorCode::TooLarge, QStringLiteral("request body over 64 KiB")));
        return;
    }
    socket->read(head.headLength());
    const QByteArray body = socket->read(length);
    m_api.handle(socket, head.method(), head.path(), body, head.header("authorization"));
}

void FrontDoor::handOver(QTcpSocket *socket)
{
    // From now on the socket belongs to the WebSocket machinery.
    disconnect(socket, nullptr, this, nullptr);
    disconnect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    HttpResponder::disarmTimeout(socket);
    socket->setParent(nullptr);
    const QString peer = peerKey(socket->peerAddress(), socket->peerPort());
    m_lastReceived.insert(peer, m_clock.elapsed());
    // Every received byte (also ping frames, which Qt answers silently) counts for the idle timer.
    connect(socket, &QTcpSocket::readyRead, this, [this, peer] { m_lastReceived.insert(peer, m_clock.elapsed()); });
    connect(socket, &QObject::destroyed, this, [this, peer] { m_lastReceived.remove(peer); });
    m_wsServer->handleConnection(socket);
}

} // namespace Tether
