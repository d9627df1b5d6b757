#include "frontdoor.h"

#include "endpoints.h"
#include "httpapi.h"
#include "httperrorbody.h"
#include "httprequest.h"
#include "httpresponder.h"
#include "protocollimits.h"

#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include <cerrno>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

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
    for (auto it = m_admitted.cbegin(); it != m_admitted.cend(); ++it)
        it.key()->disconnect(this);
    releaseDescriptor();
}

void FrontDoor::reserveDescriptor()
{
    if (m_spareDescriptor < 0)
        m_spareDescriptor = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

void FrontDoor::releaseDescriptor()
{
    if (m_spareDescriptor >= 0) {
        ::close(m_spareDescriptor);
        m_spareDescriptor = -1;
    }
}

int FrontDoor::drainBacklog()
{
    if (!m_tcpServer)
        return 0;
    const int listener = int(m_tcpServer->socketDescriptor());
    int closed = 0;
    // Bounded: the backlog is finite, and each round frees the descriptor it took.
    for (int i = 0; i < 4096; ++i) {
        const int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            break;
        ::close(fd);
        ++closed;
    }
    return closed;
}

void FrontDoor::onListenerReadable()
{
    const int listener = int(m_tcpServer->socketDescriptor());
    // Bounded per pass so that a flood of connects cannot starve the connections already open.
    for (int i = 0; i < 256; ++i) {
        const int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            const int error = errno;
            if (error == EINTR || error == ECONNABORTED || error == EPROTO)
                continue; // that one client is gone; the next may be fine
            if (error != EAGAIN && error != EWOULDBLOCK)
                onAcceptFailed(error);
            return;
        }
        auto *socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(fd)) {
            ::close(fd);
            delete socket;
            continue;
        }
        admit(socket);
    }
}

void FrontDoor::onAcceptFailed(int error)
{
    const qint64 now = m_clock.elapsed();
    // Backoff: 50 ms after a quiet spell, doubling while errors keep coming, at most 1.6 s.
    m_acceptBackoffMs = (m_lastAcceptErrorMs >= 0 && now - m_lastAcceptErrorMs < 5000)
            ? qMin(1600, qMax(50, m_acceptBackoffMs * 2)) : 50;
    m_lastAcceptErrorMs = now;
    if (error == EMFILE || error == ENFILE) {
        // Out of descriptors: nobody may hang in the backlog until one is free. The spare one
        // accepts and closes them all at once (they see the connection closed and back off).
        releaseDescriptor();
        const int closed = drainBacklog();
        reserveDescriptor();
        m_refusedOutOfDescriptors += closed;
        qCWarning(lcServer).noquote() << "accept failed: out of file descriptors (" << m_admission.total()
                                      << "connections open); closed" << closed << "waiting connections;"
                                      << "accepting again in" << m_acceptBackoffMs << "ms";
    } else {
        qCWarning(lcServer).noquote() << "accept failed:" << qt_error_string(error) << "- accepting again in"
                                      << m_acceptBackoffMs << "ms";
    }
    // The listener stays readable while the cause lasts: stop watching it until the backoff ends.
    m_acceptNotifier->setEnabled(false);
    QTimer::singleShot(m_acceptBackoffMs, this, [this] {
        if (m_acceptNotifier && !m_closed)
            m_acceptNotifier->setEnabled(true);
    });
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
    // We accept ourselves rather than through QTcpServer: its socket engine keeps the first error
    // it ever saw (the EAGAIN that ends each accept pass), so an EMFILE later reads as
    // "temporary", acceptError never comes, and the loop spins on a listener it cannot empty.
    m_tcpServer->pauseAccepting();
    m_acceptNotifier = new QSocketNotifier(m_tcpServer->socketDescriptor(), QSocketNotifier::Read, this);
    connect(m_acceptNotifier, &QSocketNotifier::activated, this, &FrontDoor::onListenerReadable);
    reserveDescriptor();

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
    delete m_acceptNotifier; // before its descriptor goes
    m_acceptNotifier = nullptr;
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

void FrontDoor::admit(QTcpSocket *socket)
{
    if (m_closed) {
        socket->abort();
        socket->deleteLater();
        return;
    }
    const QHostAddress address = AdmissionControl::normalized(socket->peerAddress());
    const AdmissionControl::Verdict verdict = m_admission.admit(address);
    if (verdict != AdmissionControl::Verdict::Admitted) {
        refuse(socket, verdict);
        return;
    }
    // The slot is the socket's until it is gone, also after the upgrade (it then carries the
    // WebSocket): released on whichever comes first, disconnected or destroyed.
    m_admitted.insert(socket, address);
    holdSlot(socket);
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onTcpReadyRead(socket); });
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    HttpResponder::armTimeout(socket);
}

void FrontDoor::holdSlot(QTcpSocket *socket)
{
    auto release = [this, socket] {
        const auto it = m_admitted.find(socket);
        if (it == m_admitted.end())
            return;
        m_admission.release(it.value());
        m_admitted.erase(it);
    };
    connect(socket, &QTcpSocket::disconnected, this, release);
    connect(socket, &QObject::destroyed, this, release);
}

void FrontDoor::refuse(QTcpSocket *socket, AdmissionControl::Verdict verdict)
{
    ++m_refusedOverLimit;
    ++m_refusalsSinceLog;
    const bool total = verdict == AdmissionControl::Verdict::OverTotal;
    const qint64 now = m_clock.elapsed();
    if (m_lastRefusalLogMs < 0 || now - m_lastRefusalLogMs >= 1000) { // one line a second at most
        qCInfo(lcServer).noquote() << "refused" << m_refusalsSinceLog << "connection(s):"
                                   << (total ? QStringLiteral("over max connections %1").arg(m_admission.maxConnections())
                                             : QStringLiteral("over max per address %1 (%2)")
                                                       .arg(m_admission.maxPerAddress())
                                                       .arg(socket->peerAddress().toString()));
        m_lastRefusalLogMs = now;
        m_refusalsSinceLog = 0;
    }
    // Answered without reading the request: what already arrived is dropped, so the close is a
    // FIN, not a reset that could destroy the answer before the client reads it.
    socket->readAll();
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    HttpResponder::write(socket, 503,
                         httpError(ErrorCode::ServerBusy, total ? QStringLiteral("the server is at its connection limit")
                                                                : QStringLiteral("too many connections from your address")),
                         "Retry-After: 5\r\n");
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
    // The request is complete: no more reading (one request per connection), and no head
    // timeout while its answer is prepared (a login waits for its hash; HttpResponder::write
    // bounds the time to read the answer).
    disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
    HttpResponder::disarmTimeout(socket);
    m_api.handle(socket, head.method(), head.path(), body, head.header("authorization"), head.query());
}

void FrontDoor::handOver(QTcpSocket *socket)
{
    // From now on the socket belongs to the WebSocket machinery.
    disconnect(socket, nullptr, this, nullptr);
    disconnect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    holdSlot(socket);
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
