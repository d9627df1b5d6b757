#include "websockettransport.h"

#include "proxyspec.h"
#include "tlstrust.h"

#include "authframe.h"
#include "framecodec.h"
#include "goodbyeframe.h"

#include <QNetworkRequest>
#include <QRegularExpression>
#include <QUrlQuery>
#include <QWebSocket>

#ifndef QT_NO_SSL
#include <QSslConfiguration>
#include <QSslError>
#endif

namespace Tether {

WebSocketTransport::WebSocketTransport(QObject *parent)
    : Transport(parent)
{
    m_handshakeTimer.setSingleShot(true);
    connect(&m_handshakeTimer, &QTimer::timeout, this, &WebSocketTransport::onHandshakeTimeout);
    m_closeTimer.setSingleShot(true);
    connect(&m_closeTimer, &QTimer::timeout, this, [this] { finish(true); });
}

WebSocketTransport::~WebSocketTransport()
{
    if (!m_socket || m_state == State::Closed)
        return;
    releaseConnections();
    // Dropped while open (diagnostics is done with it): say goodbye rather than vanish.
    if (m_state == State::Open)
        m_socket->close(QWebSocketProtocol::CloseCodeGoingAway);
    else
        m_socket->abort();
}

QUrl WebSocketTransport::requestUrl(const ConnectionConfig &config)
{
    QUrl url = config.url;
    const QString &token = config.credentials.accessToken;
    if (config.tokenTransport == ConnectionConfig::TokenTransport::Query && !token.isEmpty()) {
        QUrlQuery query(url);
        query.removeAllQueryItems(config.tokenQueryParameter);
        query.addQueryItem(config.tokenQueryParameter, QString::fromLatin1(QUrl::toPercentEncoding(token)));
        url.setQuery(query);
    }
    return url;
}

namespace {

// The socket's error, naming the proxy when it is the proxy's: "Proxy denied connection" alone
// does not say which one to look at.
QString socketErrorText(QWebSocket *socket)
{
    QString text = socket->errorString();
    bool proxyError = text.contains(QLatin1String("proxy"), Qt::CaseInsensitive);
    switch (socket->error()) {
    case QAbstractSocket::ProxyAuthenticationRequiredError:
    case QAbstractSocket::ProxyConnectionRefusedError:
    case QAbstractSocket::ProxyConnectionClosedError:
    case QAbstractSocket::ProxyConnectionTimeoutError:
    case QAbstractSocket::ProxyNotFoundError:
    case QAbstractSocket::ProxyProtocolError:
        proxyError = true;
        break;
    default:
        break;
    }
    const QNetworkProxy::ProxyType type = socket->proxy().type();
    if (proxyError && (type == QNetworkProxy::HttpProxy || type == QNetworkProxy::Socks5Proxy))
        text += QStringLiteral(" (proxy %1)").arg(ProxySpec::toString(socket->proxy()));
    return text;
}

} // namespace

void WebSocketTransport::open(const ConnectionConfig &config)
{
    if (m_state != State::Idle)
        return;
    const QString &token = config.credentials.accessToken;
    m_accessToken = token;
    m_authFrame = config.tokenTransport == ConnectionConfig::TokenTransport::Message && !token.isEmpty();
    m_connectTimeoutMs = qMax(1, config.connectTimeoutMs);
    m_goodbyeType = config.goodbyeType;

    QNetworkRequest request(requestUrl(config));
    if (config.tokenTransport == ConnectionConfig::TokenTransport::Header && !token.isEmpty())
        request.setRawHeader(QByteArrayLiteral("Authorization"), "Bearer " + token.toUtf8());

    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    // Both bounds: with only the message size, Qt still reads a frame of up to 2 GiB into memory
    // before it checks anything. A frame is never larger than the message it carries.
    const quint64 maxIncoming = quint64(qMax<qint64>(1, config.maxIncomingMessageSize));
    m_socket->setMaxAllowedIncomingMessageSize(maxIncoming);
    m_socket->setMaxAllowedIncomingFrameSize(maxIncoming);
    m_socket->setProxy(config.proxy);
#ifndef QT_NO_SSL
    if (config.url.scheme().compare(QLatin1String("wss"), Qt::CaseInsensitive) == 0) {
        m_pin = TlsTrust::normalisePin(config.pinnedCertificateSha256);
        m_caFileError.clear();
        // With a pin every handshake comes to onSslErrors and is judged by the fingerprint.
        m_socket->setSslConfiguration(TlsTrust::configuration(config.caFile, m_pin, &m_caFileError));
    }
#endif
    makeConnections();
    m_state = State::Connecting;
    m_handshakeTimer.start(m_connectTimeoutMs);
    m_socket->open(request);
}

void WebSocketTransport::makeConnections()
{
    QWebSocket *s = m_socket;
    connect(s, &QWebSocket::connected, this, &WebSocketTransport::onConnected);
    connect(s, &QWebSocket::disconnected, this, [this] { finish(false); });
    connect(s, &QWebSocket::aboutToClose, this, &WebSocketTransport::onAboutToClose);
    // Qt 6.4 names this signal error(); errorOccurred() only exists from 6.5.
    connect(s, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), this, &WebSocketTransport::onError);
#ifndef QT_NO_SSL
    // Direct connection: the TLS handshake waits for our answer, and we never ignore errors.
    connect(s, &QWebSocket::sslErrors, this, &WebSocketTransport::onSslErrors, Qt::DirectConnection);
#endif
    connect(s, &QWebSocket::textFrameReceived, this, [this](const QString &, bool) {
        if (m_state != State::Closed)
            Q_EMIT frameReceived();
    });
    connect(s, &QWebSocket::binaryFrameReceived, this, [this](const QByteArray &, bool) {
        if (m_state != State::Closed)
            Q_EMIT frameReceived();
    });
    connect(s, &QWebSocket::textMessageReceived, this, &WebSocketTransport::onText);
    connect(s, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &data) {
        if (m_state == State::Open)
            Q_EMIT binaryReceived(data.size());
    });
    connect(s, &QWebSocket::pong, this, [this](quint64, const QByteArray &payload) {
        if (m_state != State::Closed)
            Q_EMIT pongReceived(payload);
    });
}

void WebSocketTransport::releaseConnections()
{
    if (m_socket)
        disconnect(m_socket, nullptr, this, nullptr);
}

bool WebSocketTransport::isWritable() const
{
    // QWebSocket silently drops frames unless its socket is open (e.g. while a close is under way).
    return m_state == State::Open && m_socket->state() == QAbstractSocket::ConnectedState;
}

qint64 WebSocketTransport::sendText(const QString &text)
{
    if (!isWritable())
        return -1;
    return m_socket->sendTextMessage(text);
}

bool WebSocketTransport::ping(const QByteArray &payload)
{
    if (m_state != State::Open)
        return false;
    m_socket->ping(payload);
    return true;
}

void WebSocketTransport::close(int code, const QString &reason)
{
    if (m_state != State::Connecting && m_state != State::Open)
        return;
    m_state = State::Closing;
    m_closingByUs = true;
    m_ownCloseCode = code;
    m_ownCloseReason = reason;
    m_handshakeTimer.stop();
    m_closeTimer.start(GracefulCloseTimeoutMs);
    m_socket->close(QWebSocketProtocol::CloseCode(code), reason);
}

void WebSocketTransport::abort()
{
    finish(true);
}

void WebSocketTransport::onConnected()
{
    if (m_state != State::Connecting)
        return;
    m_upgraded = true;
    if (m_authFrame) {
        // The server answers the auth frame (auth_ok) or closes; the handshake timeout covers the wait.
        Protocol::AuthFrame auth;
        auth.token = m_accessToken;
        m_socket->sendTextMessage(Protocol::FrameCodec::encode(auth.toJson()));
        m_awaitingAuthAnswer = true;
        return;
    }
    m_handshakeTimer.stop();
    m_state = State::Open;
    Q_EMIT opened();
}

void WebSocketTransport::onAboutToClose()
{
    // Our own close aside, this is the server's close frame -- unless the socket failed: a write
    // into a reset connection makes QTcpSocket abort(), which emits aboutToClose too, and taking
    // that for a close frame would read the stale closeCode() 1000 as "closed on purpose" and
    // never reconnect.
    if (m_state != State::Closed && !m_closingByUs && m_error.isEmpty()
        && m_socket->error() == QAbstractSocket::UnknownSocketError)
        m_closeFrameReceived = true;
}

void WebSocketTransport::onError()
{
    if (m_state == State::Closed)
        return;
    const QString text = socketErrorText(m_socket);
    m_socketError = int(m_socket->error());
    if (m_error.isEmpty() || !m_error.startsWith(QStringLiteral("TLS")))
        m_error = text;
    // Qt 6.4 reports a refused upgrade only through the error string ("Unhandled http status code: 401").
    static const QRegularExpression unauthorized(QStringLiteral("\\b401\\b"));
    if (!m_upgraded && unauthorized.match(text).hasMatch())
        m_unauthorized = true;
    Q_EMIT errorOccurred(m_unauthorized ? Error::Unauthorized : Error::SocketError, text);
    // Let QWebSocket finish its own handling first; then make sure the attempt ends exactly once.
    QTimer::singleShot(0, this, [this] { finish(true); });
}

#ifndef QT_NO_SSL
void WebSocketTransport::onSslErrors(const QList<QSslError> &errors)
{
    if (m_state == State::Closed)
        return;
    QSslCertificate peer = m_socket->sslConfiguration().peerCertificate();
    for (const QSslError &e : errors) {
        if (peer.isNull())
            peer = e.certificate();
    }
    const TlsTrust::Verdict verdict = m_pin.isEmpty() ? TlsTrust::Verdict::Untrusted : TlsTrust::judge(peer, m_pin);
    if (verdict == TlsTrust::Verdict::Accept) {
        m_socket->ignoreSslErrors(errors); // exactly these errors of exactly the pinned certificate
        return;
    }
    m_error = TlsTrust::describe(verdict, errors, peer);
    if (!m_caFileError.isEmpty())
        m_error += QStringLiteral("; ") + m_caFileError;
    Q_EMIT errorOccurred(Error::TlsError, m_error);
}
#endif

void WebSocketTransport::onText(const QString &text)
{
    if (m_state == State::Closed)
        return;
    if (!m_goodbyeType.isEmpty() && text.size() < 4096 && text.contains(m_goodbyeType)) {
        // The server announces its close: Qt 6.4 turns close codes 1012-2999 into 1002 and drops
        // the reason, so this frame is the only place they survive.
        const auto frame = Protocol::FrameCodec::decode(text);
        if (frame && Protocol::FrameCodec::typeOf(*frame) == m_goodbyeType) {
            QJsonObject goodbye = *frame; // the configured type may differ from the protocol's
            goodbye.insert(Protocol::Key::Type, Protocol::FrameType::Goodbye);
            if (const auto parsed = Protocol::GoodbyeFrame::fromJson(goodbye)) {
                m_goodbyeCode = parsed->code;
                m_goodbyeReason = parsed->reason;
            }
        }
    }
    if (m_awaitingAuthAnswer) {
        m_awaitingAuthAnswer = false;
        m_handshakeTimer.stop();
        m_state = State::Open;
        Q_EMIT opened();
    }
    if (m_state == State::Open)
        Q_EMIT textReceived(text);
}

void WebSocketTransport::onHandshakeTimeout()
{
    if (m_state != State::Connecting)
        return;
    const QString what = m_awaitingAuthAnswer ? QStringLiteral("no answer to the auth message")
                                              : QStringLiteral("no WebSocket upgrade");
    Q_EMIT errorOccurred(Error::HandshakeTimeout, QStringLiteral("%1 within %2 ms").arg(what).arg(m_connectTimeoutMs));
    finish(true);
}

void WebSocketTransport::finish(bool abortSocket)
{
    if (m_state == State::Closed || m_state == State::Idle)
        return;
    m_state = State::Closed;
    m_handshakeTimer.stop();
    m_closeTimer.stop();

    TransportEnd end;
    CloseInfo &close = end.close;
    if (m_closingByUs) {
        close.code = m_ownCloseCode;
        close.reason = m_ownCloseReason;
    } else if (m_closeFrameReceived) {
        close.code = int(m_socket->closeCode());
        close.reason = m_socket->closeReason();
    } else {
        // QWebSocket keeps a stale 1000 here: no close frame means abnormal.
        close.code = Protocol::toInt(Protocol::CloseCode::Abnormal);
    }
    if (!m_closingByUs && m_goodbyeCode != 0) {
        // The server said why it is closing; Qt may have mangled the close frame (1012 -> 1002).
        close.code = m_goodbyeCode;
        close.reason = m_goodbyeReason;
    }
    close.handshakeUnauthorized = m_unauthorized;
    end.wasOpen = m_upgraded;
    end.closedByServer = m_closeFrameReceived || m_goodbyeCode != 0;
    if (!m_upgraded && m_error.isEmpty() && m_socket->error() != QAbstractSocket::UnknownSocketError) {
        m_error = socketErrorText(m_socket); // e.g. "Connection refused", reported before error() reached us
        m_socketError = int(m_socket->error());
    }
    end.error = m_error;
    end.socketError = m_socketError;
    m_end = end;

    releaseConnections();
    if (abortSocket || m_closingByUs) // after our close, the socket is done with either way
        m_socket->abort();
    Q_EMIT closed(end);
}

} // namespace Tether
