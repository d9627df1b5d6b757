#include "diagnosticsrunner.h"

#include "secretredactor.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QHostInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkInformation>
#include <QNetworkProxy>
#include <QNetworkProxyFactory>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslCertificate>
#include <QSslCipher>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>

#include <algorithm>
#include <climits>
#include <memory>

Q_LOGGING_CATEGORY(lcDiagnostics, "tether.diagnostics")

namespace Tether {

namespace {
QString proxyDescription(const QNetworkProxy &proxy)
{
    switch (proxy.type()) {
    case QNetworkProxy::NoProxy:
        return QStringLiteral("none");
    case QNetworkProxy::DefaultProxy:
        return QStringLiteral("default");
    case QNetworkProxy::Socks5Proxy:
        return QStringLiteral("socks5://%1:%2").arg(proxy.hostName()).arg(proxy.port());
    case QNetworkProxy::HttpProxy:
    case QNetworkProxy::HttpCachingProxy:
        return QStringLiteral("http://%1:%2").arg(proxy.hostName()).arg(proxy.port());
    case QNetworkProxy::FtpCachingProxy:
        break;
    }
    return QStringLiteral("other");
}

QString certName(const QSslCertificate &cert, bool issuer)
{
    const auto cn = issuer ? cert.issuerInfo(QSslCertificate::CommonName)
                           : cert.subjectInfo(QSslCertificate::CommonName);
    const auto org = issuer ? cert.issuerInfo(QSslCertificate::Organization)
                            : cert.subjectInfo(QSslCertificate::Organization);
    QStringList parts;
    if (!cn.isEmpty())
        parts << QStringLiteral("CN=") + cn.join(QLatin1Char(','));
    if (!org.isEmpty())
        parts << QStringLiteral("O=") + org.join(QLatin1Char(','));
    return parts.join(QStringLiteral(", "));
}

bool isLoopback(const QString &host)
{
    QHostAddress address(host);
    return host == QLatin1String("localhost") || (!address.isNull() && address.isLoopback());
}
} // namespace

DiagnosticsRunner::DiagnosticsRunner(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<Tether::DiagnosticCheck>();
}

DiagnosticsRunner::~DiagnosticsRunner()
{
    cancel();
}

QStringList DiagnosticsRunner::checkIds()
{
    return {QStringLiteral("dns"), QStringLiteral("tcp"), QStringLiteral("tls"),
            QStringLiteral("http_health"), QStringLiteral("websocket"), QStringLiteral("ping"),
            QStringLiteral("proxy"), QStringLiteral("network")};
}

QString DiagnosticsRunner::checkTitle(const QString &id)
{
    if (id == QLatin1String("dns"))
        return tr("DNS lookup");
    if (id == QLatin1String("tcp"))
        return tr("TCP connect");
    if (id == QLatin1String("tls"))
        return tr("TLS handshake");
    if (id == QLatin1String("http_health"))
        return tr("HTTP /health");
    if (id == QLatin1String("websocket"))
        return tr("WebSocket handshake");
    if (id == QLatin1String("ping"))
        return tr("Ping round trips");
    if (id == QLatin1String("proxy"))
        return tr("Proxy in use");
    if (id == QLatin1String("network"))
        return tr("Network reachability");
    return id;
}

bool DiagnosticsRunner::allPassed() const
{
    for (const DiagnosticCheck &c : m_results) {
        if (c.status == DiagnosticCheck::Status::Failed)
            return false;
    }
    return !m_results.isEmpty();
}

bool DiagnosticsRunner::secure() const
{
    return m_url.scheme() == QLatin1String("wss") || m_url.scheme() == QLatin1String("https");
}

QUrl DiagnosticsRunner::httpBaseUrl() const
{
    QUrl http;
    http.setScheme(secure() ? QStringLiteral("https") : QStringLiteral("http"));
    http.setHost(m_url.host());
    http.setPort(m_url.port());
    return http;
}

void DiagnosticsRunner::start(const QUrl &input)
{
    cancel();
    m_url = input;
    if (m_url.scheme() == QLatin1String("http") || m_url.scheme() == QLatin1String("https")) {
        m_url.setScheme(m_url.scheme() == QLatin1String("https") ? QStringLiteral("wss") : QStringLiteral("ws"));
        if (m_url.path().isEmpty() || m_url.path() == QLatin1String("/"))
            m_url.setPath(QStringLiteral("/ws"));
    }
    m_results.clear();
    m_pending = checkIds();
    m_skipReason.clear();
    m_webSocketOk = false;
    m_running = true;
    qCInfo(lcDiagnostics) << "running checks against" << SecretRedactor::urlString(m_url);
    QTimer::singleShot(0, this, &DiagnosticsRunner::next);
}

void DiagnosticsRunner::cancel()
{
    ++m_generation;
    delete m_stepObjects;
    m_stepObjects = nullptr;
    delete m_webSocket;
    m_running = false;
}

DiagnosticCheck DiagnosticsRunner::begin(const QString &id)
{
    DiagnosticCheck check;
    check.id = id;
    check.title = checkTitle(id);
    m_stepTimer.start();
    return check;
}

void DiagnosticsRunner::guardTimeout(const std::function<void()> &fn)
{
    const quint64 generation = m_generation;
    QTimer::singleShot(m_options.timeoutMs, m_stepObjects, [this, generation, fn] {
        if (generation == m_generation)
            fn();
    });
}

void DiagnosticsRunner::next()
{
    if (!m_running)
        return;
    if (m_pending.isEmpty()) {
        m_running = false;
        qCInfo(lcDiagnostics) << "checks finished;" << (allPassed() ? "all passed" : "some failed");
        Q_EMIT finished();
        return;
    }
    const QString id = m_pending.takeFirst();
    Q_EMIT checkStarted(id, checkTitle(id));
    m_stepObjects = new QObject(this);

    const bool network = id == QLatin1String("dns") || id == QLatin1String("tcp") || id == QLatin1String("tls")
        || id == QLatin1String("http_health") || id == QLatin1String("websocket") || id == QLatin1String("ping");
    if (network && !m_skipReason.isEmpty()) {
        DiagnosticCheck check = begin(id);
        check.status = DiagnosticCheck::Status::Skipped;
        check.elapsedMs = -1;
        check.detail = m_skipReason;
        check.hint = tr("Fix the earlier failing check first.");
        finish(check);
        return;
    }
    if (id == QLatin1String("dns"))
        checkDns();
    else if (id == QLatin1String("tcp"))
        checkTcp();
    else if (id == QLatin1String("tls"))
        checkTls();
    else if (id == QLatin1String("http_health"))
        checkHttp();
    else if (id == QLatin1String("websocket"))
        checkWebSocket();
    else if (id == QLatin1String("ping"))
        checkPing();
    else if (id == QLatin1String("proxy"))
        checkProxy();
    else
        checkNetwork();
}

void DiagnosticsRunner::finish(DiagnosticCheck check)
{
    ++m_generation;
    check.detail = SecretRedactor::text(check.detail);
    qCInfo(lcDiagnostics).noquote() << check.id << DiagnosticCheck::statusName(check.status)
                                    << check.elapsedMs << "ms" << check.detail;
    m_results << check;
    if (m_stepObjects) {
        m_stepObjects->deleteLater();
        m_stepObjects = nullptr;
    }
    Q_EMIT checkFinished(check);
    QTimer::singleShot(0, this, &DiagnosticsRunner::next);
}

void DiagnosticsRunner::skipRest(const QString &reason)
{
    if (m_skipReason.isEmpty())
        m_skipReason = reason;
}

void DiagnosticsRunner::checkDns()
{
    DiagnosticCheck check = begin(QStringLiteral("dns"));
    const QString host = m_url.host();
    if (host.isEmpty() || !m_url.isValid()) {
        check.status = DiagnosticCheck::Status::Failed;
        check.detail = tr("The address \"%1\" is not a valid server URL.").arg(SecretRedactor::urlString(m_url));
        check.hint = tr("Use an address like ws://chat.example.com/ws or wss://chat.example.com/ws.");
        skipRest(tr("Skipped: the server address is not valid."));
        finish(check);
        return;
    }
    if (!QHostAddress(host).isNull()) {
        check.status = DiagnosticCheck::Status::Passed;
        check.elapsedMs = 0;
        check.detail = tr("%1 is an IP address; no lookup needed.").arg(host);
        check.data.insert(QStringLiteral("addresses"), QJsonArray{host});
        finish(check);
        return;
    }
    const quint64 generation = m_generation;
    auto *context = m_stepObjects;
    const int lookupId = QHostInfo::lookupHost(host, context, [this, check, host, generation](const QHostInfo &info) mutable {
        if (generation != m_generation)
            return;
        check.elapsedMs = m_stepTimer.elapsed();
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
            check.status = DiagnosticCheck::Status::Failed;
            check.detail = tr("%1 could not be resolved: %2").arg(host, info.errorString());
            check.hint = tr("The server name was not found. Check the address for typos, then your "
                            "internet connection or DNS settings.");
            skipRest(tr("Skipped: the server name could not be resolved."));
        } else {
            QJsonArray addresses;
            QStringList list;
            for (const QHostAddress &a : info.addresses()) {
                addresses.append(a.toString());
                list << a.toString();
            }
            check.status = DiagnosticCheck::Status::Passed;
            check.detail = tr("%1 resolves to %2").arg(host, list.join(QStringLiteral(", ")));
            check.data.insert(QStringLiteral("addresses"), addresses);
        }
        finish(check);
    });
    guardTimeout([this, check, host, lookupId]() mutable {
        QHostInfo::abortHostLookup(lookupId);
        check.elapsedMs = m_stepTimer.elapsed();
        check.status = DiagnosticCheck::Status::Failed;
        check.detail = tr("No answer for %1 within %2 ms.").arg(host).arg(m_options.timeoutMs);
        check.hint = tr("The DNS server did not answer in time. Check your internet connection.");
        skipRest(tr("Skipped: the server name could not be resolved."));
        finish(check);
    });
}

void DiagnosticsRunner::checkTcp()
{
    DiagnosticCheck check = begin(QStringLiteral("tcp"));
    const quint16 port = quint16(m_url.port(secure() ? 443 : 80));
    auto *socket = new QTcpSocket(m_stepObjects);
    const quint64 generation = m_generation;
    connect(socket, &QTcpSocket::connected, m_stepObjects, [this, check, socket, port, generation]() mutable {
        if (generation != m_generation)
            return;
        check.elapsedMs = m_stepTimer.elapsed();
        check.status = DiagnosticCheck::Status::Passed;
        check.detail = tr("Connected to %1 port %2 (%3).")
                           .arg(m_url.host()).arg(port).arg(socket->peerAddress().toString());
        socket->abort();
        finish(check);
    });
    connect(socket, &QTcpSocket::errorOccurred, m_stepObjects,
            [this, check, socket, port, generation](QAbstractSocket::SocketError error) mutable {
        if (generation != m_generation)
            return;
        check.elapsedMs = m_stepTimer.elapsed();
        check.status = DiagnosticCheck::Status::Failed;
        check.detail = tr("Port %1: %2").arg(port).arg(socket->errorString());
        if (error == QAbstractSocket::ConnectionRefusedError)
            check.hint = tr("The computer answered but nothing is listening on that port: the server "
                            "is not running, or the port is wrong.");
        else if (error == QAbstractSocket::ProxyConnectionRefusedError
                 || error == QAbstractSocket::ProxyNotFoundError
                 || error == QAbstractSocket::ProxyConnectionClosedError
                 || error == QAbstractSocket::ProxyAuthenticationRequiredError)
            check.hint = tr("The proxy refused or failed the connection. Check the proxy settings.");
        else
            check.hint = tr("The server could not be reached. A firewall may be blocking the port, "
                            "or the server is down.");
        skipRest(tr("Skipped: no TCP connection to the server."));
        finish(check);
    });
    guardTimeout([this, check, socket, port]() mutable {
        socket->abort();
        check.elapsedMs = m_stepTimer.elapsed();
        check.status = DiagnosticCheck::Status::Failed;
        check.detail = tr("No answer on port %1 within %2 ms.").arg(port).arg(m_options.timeoutMs);
        check.hint = tr("Packets seem to be dropped on the way: often a firewall, a VPN or a captive "
                        "Wi-Fi portal.");
        skipRest(tr("Skipped: no TCP connection to the server."));
        finish(check);
    });
    socket->connectToHost(m_url.host(), port);
}

void DiagnosticsRunner::checkTls()
{
    DiagnosticCheck check = begin(QStringLiteral("tls"));
    if (!secure()) {
        check.status = DiagnosticCheck::Status::Skipped;
        check.detail = tr("Not used: %1:// connections are not encrypted.").arg(m_url.scheme());
        check.hint = tr("Use wss:// for servers outside your own computer or network.");
        finish(check);
        return;
    }
    if (!QSslSocket::supportsSsl()) {
        check.status = DiagnosticCheck::Status::Failed;
        check.detail = tr("No TLS library is available to Qt.");
        check.hint = tr("Install OpenSSL (libssl) so encrypted connections can be made.");
        skipRest(tr("Skipped: TLS is not available."));
        finish(check);
        return;
    }
    const quint16 port = quint16(m_url.port(443));
    auto *socket = new QSslSocket(m_stepObjects);
    auto errors = std::make_shared<QStringList>();
    const quint64 generation = m_generation;
    auto describe = [this, socket](DiagnosticCheck &c) {
        const QSslCertificate cert = socket->peerCertificate();
        if (cert.isNull())
            return;
        c.data.insert(QStringLiteral("subject"), certName(cert, false));
        c.data.insert(QStringLiteral("issuer"), certName(cert, true));
        c.data.insert(QStringLiteral("expires"), cert.expiryDate().toUTC().toString(Qt::ISODate));
        c.data.insert(QStringLiteral("protocol"), socket->sessionProtocol() == QSsl::TlsV1_3 ? QStringLiteral("TLS 1.3")
                      : socket->sessionProtocol() == QSsl::TlsV1_2 ? QStringLiteral("TLS 1.2")
                                                                   : QStringLiteral("other"));
        c.detail += tr("Certificate: %1; issued by %2; expires %3.")
                        .arg(certName(cert, false), certName(cert, true),
                             QLocale().toString(cert.expiryDate().toLocalTime(), QLocale::ShortFormat));
    };
    connect(socket, &QSslSocket::sslErrors, m_stepObjects, [errors](const QList<QSslError> &list) {
        for (const QSslError &e : list)
            *errors << e.errorString();
    });
    connect(socket, &QSslSocket::encrypted, m_stepObjects, [this, check, socket, generation, describe]() mutable {
        if (generation != m_generation)
            return;
        check.elapsedMs = m_stepTimer.elapsed();
        check.status = DiagnosticCheck::Status::Passed;
        check.detail = tr("Handshake completed (%1). ").arg(socket->sessionCipher().name());
        describe(check);
        socket->abort();
        finish(check);
    });
    connect(socket, &QSslSocket::errorOccurred, m_stepObjects,
            [this, check, socket, generation, errors, describe](QAbstractSocket::SocketError) mutable {
        if (generation != m_generation)
            return;
        check.elapsedMs = m_stepTimer.elapsed();
        check.status = DiagnosticCheck::Status::Failed;
        check.detail = errors->isEmpty() ? socket->errorString() + QStringLiteral(". ")
                                         : errors->join(QStringLiteral("; ")) + QStringLiteral(". ");
        describe(check);
        check.data.insert(QStringLiteral("errors"), QJsonArray::fromStringList(*errors));
        check.hint = errors->isEmpty()
            ? tr("The encrypted connection could not be set up. The server may not speak TLS on this port.")
            : tr("The server's certificate is not trusted (expired, self-signed or for another name). "
                 "Do not continue on an untrusted network; ask the server's administrator.");
        skipRest(tr("Skipped: the TLS handshake failed."));
        finish(check);
    });
    guardTimeout([this, check, socket]() mutable {
        socket->abort();
        check.elapsedMs = m_stepTimer.elapsed();
        check.status = DiagnosticCheck::Status::Failed;
        check.detail = tr("The TLS handshake did not complete within %1 ms.").arg(m_options.timeoutMs);
        check.hint = tr("Something between you and the server holds the connection without answering "
                        "(a proxy or firewall inspecting traffic).");
        skipRest(tr("Skipped: the TLS handshake failed."));
        finish(check);
    });
    socket->setPeerVerifyName(m_url.host());
    socket->connectToHostEncrypted(m_url.host(), port);
}

void DiagnosticsRunner::checkHttp()
{
    DiagnosticCheck check = begin(QStringLiteral("http_health"));
    QUrl url = httpBaseUrl();
    url.setPath(QStringLiteral("/health"));
    auto *nam = new QNetworkAccessManager(m_stepObjects);
    QNetworkRequest request(url);
    request.setTransferTimeout(m_options.timeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    QNetworkReply *reply = nam->get(request);
    const quint64 generation = m_generation;
    connect(reply, &QNetworkReply::finished, m_stepObjects, [this, check, reply, url, generation]() mutable {
        if (generation != m_generation)
            return;
        check.elapsedMs = m_stepTimer.elapsed();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->read(64 * 1024);
        const QJsonObject json = QJsonDocument::fromJson(body).object();
        check.data.insert(QStringLiteral("http_status"), status);
        if (reply->error() == QNetworkReply::NoError && status == 200
            && json.value(QStringLiteral("status")).toString() == QLatin1String("ok")) {
            check.status = DiagnosticCheck::Status::Passed;
            const QString version = json.value(QStringLiteral("version")).toString();
            check.detail = tr("%1 answered HTTP 200: server version %2, up %3 s.")
                               .arg(url.toString(), version.isEmpty() ? tr("unknown") : version)
                               .arg(qRound(json.value(QStringLiteral("uptime_s")).toDouble()));
            check.data.insert(QStringLiteral("server_version"), version);
        } else {
            check.status = DiagnosticCheck::Status::Failed;
            if (status > 0)
                check.detail = tr("%1 answered HTTP %2.").arg(url.toString()).arg(status);
            else
                check.detail = tr("%1: %2").arg(url.toString(), reply->errorString());
            if (reply->error() == QNetworkReply::OperationCanceledError || reply->error() == QNetworkReply::TimeoutError)
                check.hint = tr("The server accepted the connection but did not answer in time: it may be "
                                "overloaded or stuck.");
            else if (status == 404)
                check.hint = tr("The server answered but has no /health page: this may not be a Tether "
                                "server, or a proxy in front of it routes it elsewhere.");
            else if (status >= 500)
                check.hint = tr("The server (or a proxy in front of it) reports an internal problem.");
            else
                check.hint = tr("The server's HTTP side is not healthy; chat may still work if the "
                                "WebSocket check passes.");
        }
        reply->deleteLater();
        finish(check);
    });
}

void DiagnosticsRunner::checkWebSocket()
{
    DiagnosticCheck check = begin(QStringLiteral("websocket"));
    delete m_webSocket;
    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_webSocket = socket;
    socket->setMaxAllowedIncomingMessageSize(16 * 1024 * 1024);
    const quint64 generation = m_generation;
    connect(socket, &QWebSocket::connected, m_stepObjects, [this, check, generation]() mutable {
        if (generation != m_generation)
            return;
        check.elapsedMs = m_stepTimer.elapsed();
        check.status = DiagnosticCheck::Status::Passed;
        check.detail = tr("Upgraded to WebSocket at %1.").arg(SecretRedactor::urlString(m_url));
        m_webSocketOk = true; // the socket stays open: the ping check reuses it
        finish(check);
    });
    auto fail = [this, socket](DiagnosticCheck &c, const QString &why) {
        c.elapsedMs = m_stepTimer.elapsed();
        c.status = DiagnosticCheck::Status::Failed;
        c.detail = why;
        c.hint = tr("The server did not accept the WebSocket upgrade. Check the path (usually /ws) and "
                    "whether a proxy in front of the server forwards WebSocket connections.");
        skipRest(tr("Skipped: the WebSocket handshake failed."));
        socket->abort();
    };
    connect(socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), m_stepObjects,
            [this, check, socket, generation, fail](QAbstractSocket::SocketError) mutable {
        if (generation != m_generation)
            return;
        fail(check, socket->errorString());
        finish(check);
    });
    connect(socket, &QWebSocket::sslErrors, m_stepObjects, [](const QList<QSslError> &) {
        // Not ignored: an untrusted certificate fails the handshake, and the TLS check says why.
    });
    guardTimeout([this, check, fail]() mutable {
        fail(check, tr("No WebSocket handshake within %1 ms.").arg(m_options.timeoutMs));
        finish(check);
    });
    QNetworkRequest request(m_url);
    if (!m_options.accessToken.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_options.accessToken.toUtf8());
    socket->open(request);
}

void DiagnosticsRunner::checkPing()
{
    DiagnosticCheck check = begin(QStringLiteral("ping"));
    QWebSocket *socket = m_webSocket;
    if (!m_webSocketOk || !socket) {
        check.status = DiagnosticCheck::Status::Skipped;
        check.detail = tr("Skipped: there is no WebSocket connection to ping.");
        check.hint = tr("Fix the earlier failing check first.");
        finish(check);
        return;
    }
    socket->setParent(m_stepObjects); // closed and deleted with this step
    m_webSocket = nullptr;
    // A server that refuses the token closes right after the upgrade, often before this step
    // begins: say so, rather than pinging a closed socket and blaming a proxy for the silence.
    if (socket->state() != QAbstractSocket::ConnectedState) {
        check.status = DiagnosticCheck::Status::Failed;
        check.elapsedMs = m_stepTimer.elapsed();
        check.detail = tr("The server closed the connection right after the handshake (%1 %2).")
                           .arg(int(socket->closeCode())).arg(socket->closeReason());
        check.hint = tr("The server accepts the connection but drops it: for 4003 the account or guest "
                        "access is refused, otherwise check the server's logs.");
        finish(check);
        return;
    }
    const quint64 generation = m_generation;
    struct PingState { int sent = 0; QList<int> rtts; QElapsedTimer timer; QByteArray payload; };
    auto state = std::make_shared<PingState>();
    auto sendNext = std::make_shared<std::function<void()>>();
    *sendNext = [state, socket] {
        ++state->sent;
        state->payload = "tether-diagnostics-" + QByteArray::number(state->sent);
        state->timer.start();
        socket->ping(state->payload);
    };
    auto finishPing = [this, state](DiagnosticCheck &c) {
        c.elapsedMs = m_stepTimer.elapsed();
        c.data.insert(QStringLiteral("sent"), state->sent);
        QJsonArray rtts;
        int sum = 0, mx = 0, mn = INT_MAX;
        for (int r : state->rtts) {
            rtts.append(r);
            sum += r;
            mx = qMax(mx, r);
            mn = qMin(mn, r);
        }
        c.data.insert(QStringLiteral("rtt_ms"), rtts);
        if (!state->rtts.isEmpty())
            c.detail = tr("%1 of %2 answered; round trip min %3 / avg %4 / max %5 ms.")
                           .arg(state->rtts.size()).arg(m_options.pings).arg(mn)
                           .arg(double(sum) / state->rtts.size(), 0, 'f', 1).arg(mx);
    };
    connect(socket, &QWebSocket::pong, m_stepObjects,
            [this, check, state, sendNext, finishPing, generation](quint64, const QByteArray &payload) mutable {
        if (generation != m_generation || payload != state->payload)
            return; // a stale pong of an earlier ping
        state->rtts << int(state->timer.elapsed());
        if (state->rtts.size() < m_options.pings) {
            (*sendNext)();
            return;
        }
        check.status = DiagnosticCheck::Status::Passed;
        finishPing(check);
        if (*std::max_element(state->rtts.cbegin(), state->rtts.cend()) > 1000)
            check.hint = tr("The connection works but is slow; messages will take a while to arrive.");
        finish(check);
    });
    connect(socket, &QWebSocket::disconnected, m_stepObjects, [this, check, socket, finishPing, generation]() mutable {
        if (generation != m_generation)
            return;
        check.status = DiagnosticCheck::Status::Failed;
        finishPing(check);
        check.detail = tr("The server closed the connection (%1 %2) before all pings were answered. %3")
                           .arg(int(socket->closeCode())).arg(socket->closeReason(), check.detail);
        check.hint = tr("The server accepts the connection but drops it: for 4003 the account or guest "
                        "access is refused, otherwise check the server's logs.");
        finish(check);
    });
    guardTimeout([this, check, finishPing, state, socket]() mutable {
        check.status = DiagnosticCheck::Status::Failed;
        finishPing(check);
        check.detail = tr("Ping %1 got no answer within %2 ms. %3").arg(state->sent).arg(m_options.timeoutMs).arg(check.detail);
        check.hint = tr("The connection opens but then stalls: a proxy or firewall may be holding or "
                        "dropping WebSocket traffic.");
        socket->abort();
        finish(check);
    });
    (*sendNext)();
}

void DiagnosticsRunner::checkProxy()
{
    DiagnosticCheck check = begin(QStringLiteral("proxy"));
    QNetworkProxy app = QNetworkProxy::applicationProxy();
    QNetworkProxy used = app;
    QString source = tr("application setting");
    if (app.type() == QNetworkProxy::DefaultProxy || app.type() == QNetworkProxy::NoProxy) {
        const QUrl target = httpBaseUrl();
        const QList<QNetworkProxy> list = QNetworkProxyFactory::proxyForQuery(QNetworkProxyQuery(target));
        used = list.isEmpty() ? QNetworkProxy(QNetworkProxy::NoProxy) : list.first();
        source = QNetworkProxyFactory::usesSystemConfiguration() ? tr("system settings") : tr("application setting");
    }
    check.elapsedMs = m_stepTimer.elapsed();
    check.status = DiagnosticCheck::Status::Passed;
    const QString description = proxyDescription(used);
    check.data.insert(QStringLiteral("proxy"), description);
    check.data.insert(QStringLiteral("source"), QNetworkProxyFactory::usesSystemConfiguration()
                                                    ? QStringLiteral("system") : QStringLiteral("application"));
    if (used.type() == QNetworkProxy::NoProxy || used.type() == QNetworkProxy::DefaultProxy) {
        check.detail = tr("No proxy: connections go directly to the server (%1).").arg(source);
    } else {
        check.detail = tr("Connections go through %1 (%2).").arg(description, source);
        check.hint = tr("If the checks above fail only here, the proxy may not allow WebSocket "
                        "connections or may close idle ones.");
    }
    finish(check);
}

void DiagnosticsRunner::checkNetwork()
{
    DiagnosticCheck check = begin(QStringLiteral("network"));
    QNetworkInformation *info = QNetworkInformation::instance();
    if (!info && QNetworkInformation::loadDefaultBackend())
        info = QNetworkInformation::instance();
    check.elapsedMs = m_stepTimer.elapsed();
    if (!info) {
        check.status = DiagnosticCheck::Status::Skipped;
        check.detail = tr("This system offers no network status information to Qt.");
        check.hint = tr("Not a problem by itself: Tether then assumes the network is up.");
        finish(check);
        return;
    }
    check.data.insert(QStringLiteral("backend"), info->backendName());
    const auto reachability = info->reachability();
    QString reach;
    switch (reachability) {
    case QNetworkInformation::Reachability::Online: reach = QStringLiteral("online"); break;
    case QNetworkInformation::Reachability::Site: reach = QStringLiteral("site"); break;
    case QNetworkInformation::Reachability::Local: reach = QStringLiteral("local"); break;
    case QNetworkInformation::Reachability::Disconnected: reach = QStringLiteral("disconnected"); break;
    case QNetworkInformation::Reachability::Unknown: reach = QStringLiteral("unknown"); break;
    }
    check.data.insert(QStringLiteral("reachability"), reach);
    check.detail = tr("Backend %1 reports: %2.").arg(info->backendName(), reach);
    if (reachability == QNetworkInformation::Reachability::Disconnected && !isLoopback(m_url.host())) {
        check.status = DiagnosticCheck::Status::Failed;
        check.hint = tr("The system says this computer is offline. Connect to a network (Wi-Fi, cable) first.");
    } else {
        check.status = DiagnosticCheck::Status::Passed;
        if (reachability == QNetworkInformation::Reachability::Local
            || reachability == QNetworkInformation::Reachability::Site)
            check.hint = tr("Only the local network is reachable, not the internet; a captive portal may "
                            "need you to sign in.");
    }
    finish(check);
}

} // namespace Tether
