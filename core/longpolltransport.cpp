#include "longpolltransport.h"

#include "proxyspec.h"
#include "tlstrust.h"

#include "authframe.h"
#include "endpoints.h"
#include "framecodec.h"
#include "frametype.h"
#include "keys.h"
#include "protocollimits.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrlQuery>

#ifndef QT_NO_SSL
#include <QSslConfiguration>
#include <QSslError>
#endif

namespace Tether {

namespace {
// A send POST carries at most this much (the server takes 64 KiB bodies).
constexpr qsizetype kMaxBatchBytes = 60 * 1024;
// The most one answer may carry: the server's bound on frames, one frame beyond it, and the JSON around.
constexpr qint64 kMaxAnswerBytes = Protocol::Limits::MaxPollAnswerBytes + Protocol::Limits::MaxFrameBytes + 4096;
// The transport's own pings are JSON pings whose ts starts with this; their pongs are not passed up.
const QLatin1String kPingPrefix("lp-");

int socketErrorFor(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError: return QAbstractSocket::ConnectionRefusedError;
    case QNetworkReply::RemoteHostClosedError: return QAbstractSocket::RemoteHostClosedError;
    case QNetworkReply::HostNotFoundError: return QAbstractSocket::HostNotFoundError;
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError: return QAbstractSocket::SocketTimeoutError;
    case QNetworkReply::SslHandshakeFailedError: return QAbstractSocket::SslHandshakeFailedError;
    case QNetworkReply::ProxyConnectionRefusedError: return QAbstractSocket::ProxyConnectionRefusedError;
    case QNetworkReply::ProxyConnectionClosedError: return QAbstractSocket::ProxyConnectionClosedError;
    case QNetworkReply::ProxyNotFoundError: return QAbstractSocket::ProxyNotFoundError;
    case QNetworkReply::ProxyTimeoutError: return QAbstractSocket::ProxyConnectionTimeoutError;
    case QNetworkReply::ProxyAuthenticationRequiredError: return QAbstractSocket::ProxyAuthenticationRequiredError;
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::UnknownNetworkError: return QAbstractSocket::NetworkError;
    default: return -1; // an HTTP answer, or nothing the socket layer names
    }
}
} // namespace

LongPollTransport::LongPollTransport(QObject *parent)
    : Transport(parent)
{
    m_handshakeTimer.setSingleShot(true);
    connect(&m_handshakeTimer, &QTimer::timeout, this, [this] {
        if (m_state != State::Connecting)
            return;
        const QString what = m_awaitingAuthAnswer ? QStringLiteral("no answer to the auth message")
                                                   : QStringLiteral("no long-polling session");
        const QString message = QStringLiteral("%1 within %2 ms").arg(what).arg(m_connectTimeoutMs);
        m_error = message;
        Q_EMIT errorOccurred(Error::HandshakeTimeout, message);
        finish(Protocol::toInt(Protocol::CloseCode::Abnormal), QString(), false);
    });
    m_closeTimer.setSingleShot(true);
    connect(&m_closeTimer, &QTimer::timeout, this, [this] { finish(m_ownCloseCode, m_ownCloseReason, false); });
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(0);
    connect(&m_flushTimer, &QTimer::timeout, this, &LongPollTransport::flush);
}

LongPollTransport::~LongPollTransport()
{
    // A session dropped while open is not announced: the server lets it expire (pollExpiryMs).
    for (QNetworkReply *reply : { m_openReply.data(), m_pollReply.data(), m_sendReply.data(), m_closeReply.data() }) {
        if (reply) {
            reply->disconnect(this);
            reply->abort();
        }
    }
}

QUrl LongPollTransport::baseUrl(const QUrl &webSocketUrl)
{
    QUrl url = webSocketUrl;
    const QString scheme = url.scheme().toLower();
    url.setScheme(scheme == QLatin1String("wss") || scheme == QLatin1String("https") ? QStringLiteral("https")
                                                                                      : QStringLiteral("http"));
    QString path = url.path();
    if (path.endsWith(QString(Protocol::Path::WebSocket)))
        path.chop(Protocol::Path::WebSocket.size());
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path);
    url.setQuery(QString());
    url.setFragment(QString());
    return url;
}

QUrl LongPollTransport::endpoint(QLatin1String path, bool withSession) const
{
    QUrl url = m_base;
    url.setPath(m_base.path() + QString(path));
    if (withSession) {
        QUrlQuery query;
        query.addQueryItem(QString(Protocol::Key::Session), m_session);
        url.setQuery(query);
    }
    return url;
}

QNetworkRequest LongPollTransport::request(const QUrl &url) const
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setTransferTimeout(m_connectTimeoutMs);
#ifndef QT_NO_SSL
    if (url.scheme() == QLatin1String("https")) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        if (!m_caFile.isEmpty())
            ssl.addCaCertificates(TlsTrust::loadCaFile(m_caFile));
        if (!m_pin.isEmpty())
            ssl.setCaCertificates({}); // with a pin nothing else is trusted (as WebSocketTransport)
        request.setSslConfiguration(ssl);
    }
#endif
    return request;
}

void LongPollTransport::watch(QNetworkReply *reply)
{
    // QNetworkAccessManager keeps a whole answer in memory: one far beyond what the server sends
    // (MaxPollAnswerBytes of frames, one frame may exceed it alone) ends the link.
    connect(reply, &QNetworkReply::downloadProgress, this, [reply](qint64 received, qint64) {
        if (received > kMaxAnswerBytes)
            reply->abort();
    });
#ifndef QT_NO_SSL
    connect(reply, &QNetworkReply::sslErrors, this,
            [this, reply](const QList<QSslError> &errors) { onSslErrors(reply, errors); });
#else
    Q_UNUSED(reply)
#endif
}

void LongPollTransport::open(const ConnectionConfig &config)
{
    if (m_state != State::Idle)
        return;
    m_base = baseUrl(config.url);
    m_token = config.credentials.accessToken;
    m_authFrame = config.tokenTransport == ConnectionConfig::TokenTransport::Message && !m_token.isEmpty();
    m_tokenInQuery = config.tokenTransport == ConnectionConfig::TokenTransport::Query && !m_token.isEmpty();
    m_tokenQueryParameter = config.tokenQueryParameter;
    m_connectTimeoutMs = qMax(1, config.connectTimeoutMs);
    m_pin = TlsTrust::normalisePin(config.pinnedCertificateSha256);
    m_caFile = config.caFile;
    m_manager = new QNetworkAccessManager(this);
    m_manager->setProxy(config.proxy);

    QUrl url = endpoint(Protocol::Path::PollOpen, false);
    if (m_tokenInQuery) {
        QUrlQuery query;
        query.addQueryItem(m_tokenQueryParameter, QString::fromLatin1(QUrl::toPercentEncoding(m_token)));
        url.setQuery(query);
    }
    QNetworkRequest openRequest = request(url);
    if (config.tokenTransport == ConnectionConfig::TokenTransport::Header && !m_token.isEmpty())
        openRequest.setRawHeader(QByteArrayLiteral("Authorization"), "Bearer " + m_token.toUtf8());
    m_state = State::Connecting;
    m_handshakeTimer.start(m_connectTimeoutMs);
    m_openReply = m_manager->post(openRequest, QByteArray());
    watch(m_openReply);
    connect(m_openReply, &QNetworkReply::finished, this, &LongPollTransport::onOpenFinished);
}

void LongPollTransport::onOpenFinished()
{
    QNetworkReply *reply = m_openReply;
    m_openReply = nullptr;
    if (!reply || m_state != State::Connecting)
        return;
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QJsonObject body = QJsonDocument::fromJson(reply->read(64 * 1024)).object();
    if (status == 401 && body.value(Protocol::Key::CloseCode).isDouble()) {
        // The server refused the token as /ws does after the upgrade: with 4001 or 4003.
        m_wasOpen = true;
        m_httpStatus = status;
        finish(body.value(Protocol::Key::CloseCode).toInt(), body.value(QStringLiteral("message")).toString(), true);
        return;
    }
    const QString session = body.value(Protocol::Key::Session).toString();
    if (status != 200 || reply->error() != QNetworkReply::NoError || session.isEmpty() || session.size() > 256) {
        failWith(reply, QStringLiteral("long-polling open"));
        return;
    }
    m_session = session;
    m_cursor = 0;
    m_holdMs = qBound(100, body.value(Protocol::Key::HoldMs).toInt(25000), 300000);
    m_wasOpen = true;
    startPoll();
    if (m_authFrame) {
        // The server answers the auth frame (auth_ok) or closes; the handshake timeout covers the wait.
        Protocol::AuthFrame auth;
        auth.token = m_token;
        m_outbox.append(Protocol::FrameCodec::encodeUtf8(auth.toJson()));
        m_awaitingAuthAnswer = true;
        flush();
        return;
    }
    m_handshakeTimer.stop();
    m_state = State::Open;
    Q_EMIT opened();
}

void LongPollTransport::startPoll()
{
    if (m_state == State::Closed || m_pollReply)
        return;
    QUrl url = endpoint(Protocol::Path::Poll, true);
    QUrlQuery query(url);
    query.addQueryItem(QString(Protocol::Key::Cursor), QString::number(m_cursor));
    url.setQuery(query);
    QNetworkRequest pollRequest = request(url);
    // The server holds the poll up to hold_ms: the bound is that plus the time to connect.
    pollRequest.setTransferTimeout(m_holdMs + m_connectTimeoutMs);
    m_pollReply = m_manager->get(pollRequest);
    watch(m_pollReply);
    connect(m_pollReply, &QNetworkReply::finished, this, &LongPollTransport::onPollFinished);
}

void LongPollTransport::onPollFinished()
{
    QNetworkReply *reply = m_pollReply;
    m_pollReply = nullptr;
    if (!reply || m_state == State::Closed)
        return;
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200 || reply->error() != QNetworkReply::NoError) {
        failWith(reply, QStringLiteral("long poll"));
        return;
    }
    // Bounded: the server sends at most MaxPollAnswerBytes of frames (one may exceed it alone).
    const QByteArray raw = reply->read(kMaxAnswerBytes);
    QJsonParseError error;
    const QJsonObject body = QJsonDocument::fromJson(raw, &error).object();
    if (error.error != QJsonParseError::NoError || !body.value(Protocol::Key::Frames).isArray()) {
        m_error = QStringLiteral("long poll: the answer is not a frame list");
        finish(Protocol::toInt(Protocol::CloseCode::Abnormal), QString(), false);
        return;
    }
    const qint64 cursor = body.value(Protocol::Key::Cursor).toInteger(-1);
    const QJsonArray frames = body.value(Protocol::Key::Frames).toArray();
    if (cursor < m_cursor) {
        m_error = QStringLiteral("long poll: the cursor went back");
        finish(Protocol::toInt(Protocol::CloseCode::Abnormal), QString(), false);
        return;
    }
    m_cursor = cursor;
    Q_EMIT frameReceived(); // even an empty answer says the server is there
    for (const QJsonValue &frame : frames) {
        if (m_state == State::Closed)
            return;
        if (frame.isObject())
            deliver(QJsonDocument(frame.toObject()).toJson(QJsonDocument::Compact));
    }
    if (m_state == State::Closed)
        return;
    const QJsonValue close = body.value(Protocol::Key::Close);
    if (close.isObject()) {
        const QJsonObject info = close.toObject();
        finish(info.value(Protocol::Key::Code).toInt(Protocol::toInt(Protocol::CloseCode::Abnormal)),
               info.value(Protocol::Key::Reason).toString(), true);
        return;
    }
    startPoll();
}

void LongPollTransport::deliver(const QByteArray &frame)
{
    const QString text = QString::fromUtf8(frame);
    if (m_awaitingAuthAnswer) {
        m_awaitingAuthAnswer = false;
        m_handshakeTimer.stop();
        m_state = State::Open;
        Q_EMIT opened();
    }
    if (text.size() < 1024 && text.contains(QLatin1String("\"lp-"))) {
        const auto decoded = Protocol::FrameCodec::decode(text);
        const QString ts = decoded ? decoded->value(Protocol::Key::Ts).toString() : QString();
        if (decoded && Protocol::FrameCodec::typeOf(*decoded) == Protocol::FrameType::Pong && ts.startsWith(kPingPrefix)) {
            Q_EMIT pongReceived(QByteArray::fromHex(ts.mid(kPingPrefix.size()).toLatin1()));
            return;
        }
    }
    if (m_state == State::Open || m_state == State::Closing)
        Q_EMIT textReceived(text);
}

qint64 LongPollTransport::sendText(const QString &text)
{
    if (!isWritable())
        return -1;
    QByteArray frame = text.toUtf8();
    // Every element of the batch must be JSON, or the whole batch is refused: anything else goes
    // as a JSON string, and the server answers it as it answers such a WebSocket frame (bad_json).
    QJsonParseError error;
    if (QJsonDocument::fromJson(frame, &error).isNull() || error.error != QJsonParseError::NoError)
        frame = QJsonDocument(QJsonArray{ text }).toJson(QJsonDocument::Compact).mid(1).chopped(1);
    m_outbox.append(frame);
    scheduleFlush();
    return text.toUtf8().size();
}

bool LongPollTransport::ping(const QByteArray &payload)
{
    if (m_state != State::Open)
        return false;
    const QJsonObject frame{ { Protocol::Key::Type, Protocol::FrameType::Ping },
                             { Protocol::Key::Ts, kPingPrefix + QString::fromLatin1(payload.toHex()) } };
    m_outbox.append(QJsonDocument(frame).toJson(QJsonDocument::Compact));
    scheduleFlush();
    return true;
}

void LongPollTransport::scheduleFlush()
{
    // Frames written in one event-loop pass go in one POST.
    if (!m_flushTimer.isActive() && !m_sendReply)
        m_flushTimer.start();
}

void LongPollTransport::flush()
{
    if (m_state == State::Closed || m_session.isEmpty() || m_sendReply)
        return;
    if (m_inFlight.isEmpty()) {
        if (m_outbox.isEmpty()) {
            if (m_closeAfterFlush)
                sendClose();
            return;
        }
        qsizetype bytes = 2;
        while (!m_outbox.isEmpty() && m_inFlight.size() < Protocol::Limits::MaxPollBatchFrames
               && (m_inFlight.isEmpty() || bytes + m_outbox.constFirst().size() + 1 <= kMaxBatchBytes)) {
            bytes += m_outbox.constFirst().size() + 1;
            m_inFlight.append(m_outbox.takeFirst());
        }
        ++m_sendSeq;
        m_sendRetries = 0;
    }
    QUrl url = endpoint(Protocol::Path::PollSend, true);
    QUrlQuery query(url);
    query.addQueryItem(QString(Protocol::Key::Seq), QString::number(m_sendSeq));
    url.setQuery(query);
    m_sendReply = m_manager->post(request(url), '[' + m_inFlight.join(',') + ']');
    watch(m_sendReply);
    connect(m_sendReply, &QNetworkReply::finished, this, &LongPollTransport::onSendFinished);
}

void LongPollTransport::onSendFinished()
{
    QNetworkReply *reply = m_sendReply;
    m_sendReply = nullptr;
    if (!reply || m_state == State::Closed)
        return;
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 200) {
        m_inFlight.clear();
        flush();
        return;
    }
    if (status == 0 && m_sendRetries < SendRetries) {
        // Lost on the way (no answer at all): the same seq again, so it is taken at most once.
        ++m_sendRetries;
        flush();
        return;
    }
    if (status == 413) {
        m_error = QStringLiteral("long-polling send: a frame is too large");
        finish(Protocol::toInt(Protocol::CloseCode::TooBig), QString(), false);
        return;
    }
    failWith(reply, QStringLiteral("long-polling send"));
}

void LongPollTransport::close(int code, const QString &reason)
{
    if (m_state != State::Connecting && m_state != State::Open)
        return;
    const bool hadSession = !m_session.isEmpty();
    m_state = State::Closing;
    m_ownCloseCode = code;
    m_ownCloseReason = reason;
    m_handshakeTimer.stop();
    if (!hadSession) {
        finish(code, reason, false);
        return;
    }
    // What was written before the close goes first, as frames before a WebSocket close frame.
    m_closeTimer.start(GracefulCloseTimeoutMs);
    m_closeAfterFlush = true;
    if (!m_sendReply)
        flush();
}

void LongPollTransport::sendClose()
{
    if (m_closeReply)
        return;
    m_closeReply = m_manager->post(request(endpoint(Protocol::Path::PollClose, true)), QByteArray());
    watch(m_closeReply);
    connect(m_closeReply, &QNetworkReply::finished, this, [this] { finish(m_ownCloseCode, m_ownCloseReason, false); });
}

void LongPollTransport::abort()
{
    finish(m_ownCloseCode ? m_ownCloseCode : Protocol::toInt(Protocol::CloseCode::Abnormal), m_ownCloseReason, false);
}

#ifndef QT_NO_SSL
void LongPollTransport::onSslErrors(QNetworkReply *reply, const QList<QSslError> &errors)
{
    QSslCertificate peer = reply->sslConfiguration().peerCertificate();
    for (const QSslError &e : errors) {
        if (peer.isNull())
            peer = e.certificate();
    }
    const TlsTrust::Verdict verdict = m_pin.isEmpty() ? TlsTrust::Verdict::Untrusted : TlsTrust::judge(peer, m_pin);
    if (verdict == TlsTrust::Verdict::Accept) {
        reply->ignoreSslErrors(errors); // exactly these errors of exactly the pinned certificate
        return;
    }
    m_error = TlsTrust::describe(verdict, errors, peer);
    Q_EMIT errorOccurred(Error::TlsError, m_error);
}
#endif

void LongPollTransport::failWith(QNetworkReply *reply, const QString &what)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 0 && status != 200)
        m_httpStatus = status;
    if (m_error.isEmpty() || !m_error.startsWith(QStringLiteral("TLS"))) {
        // The URL is not in the text: it holds the session id (and maybe a token).
        if (status == 404 || status == 410)
            m_error = QStringLiteral("%1: the server no longer knows the session (HTTP %2)").arg(what).arg(status);
        else if (status != 0)
            m_error = QStringLiteral("%1: HTTP %2 %3").arg(what).arg(status)
                              .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString());
        else {
            // Qt's text may hold the URL: neither the session id nor a query token goes further.
            QString text = reply->errorString();
            for (const QString &secret : { m_session, m_token, QString::fromLatin1(QUrl::toPercentEncoding(m_token)) }) {
                if (!secret.isEmpty())
                    text.replace(secret, QStringLiteral("…"));
            }
            m_error = QStringLiteral("%1: %2").arg(what, text);
        }
    }
    m_socketError = status != 0 ? -1 : socketErrorFor(reply->error());
    if (m_socketError >= 0 && m_manager->proxy().type() == QNetworkProxy::HttpProxy
        && reply->error() >= QNetworkReply::ProxyConnectionRefusedError && reply->error() <= QNetworkReply::UnknownProxyError)
        m_error += QStringLiteral(" (proxy %1)").arg(ProxySpec::toString(m_manager->proxy()));
    if (!m_error.startsWith(QStringLiteral("TLS")))
        Q_EMIT errorOccurred(Error::SocketError, m_error);
    finish(Protocol::toInt(Protocol::CloseCode::Abnormal), QString(), false);
}

void LongPollTransport::finish(int code, const QString &reason, bool byServer)
{
    if (m_state == State::Closed || m_state == State::Idle)
        return;
    const bool closingByUs = m_ownCloseCode != 0;
    m_state = State::Closed;
    m_handshakeTimer.stop();
    m_closeTimer.stop();
    m_flushTimer.stop();
    TransportEnd end;
    end.close.code = closingByUs && !byServer ? m_ownCloseCode : code;
    end.close.reason = closingByUs && !byServer ? m_ownCloseReason : reason;
    end.wasOpen = m_wasOpen;
    end.closedByServer = byServer;
    end.error = m_error;
    end.socketError = m_socketError;
    m_end = end;
    for (QNetworkReply *reply : { m_openReply.data(), m_pollReply.data(), m_sendReply.data(), m_closeReply.data() }) {
        if (reply) {
            reply->disconnect(this);
            reply->abort();
            reply->deleteLater();
        }
    }
    Q_EMIT closed(end);
}

} // namespace Tether
