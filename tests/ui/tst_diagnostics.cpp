// The diagnostics checks against a real tether server on 127.0.0.1, failures with their hints, and
// the support report: its content and that no secret survives into it.

#include "authclient.h"
#include "chatserver.h"
#include "diagnosticsreport.h"
#include "diagnosticsrunner.h"
#include "tlstrust.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QTest>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace Tether;
using Status = DiagnosticCheck::Status;

namespace {
const char jwt[] = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2VjcmV0LXNpZ25hdHVyZQ";
}

class TestDiagnostics : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ChatServer> m_server;

    static const DiagnosticCheck *find(const QList<DiagnosticCheck> &list, const QString &id)
    {
        for (const DiagnosticCheck &c : list) {
            if (c.id == id)
                return &c;
        }
        return nullptr;
    }

    QList<DiagnosticCheck> run(const QUrl &url, const DiagnosticsOptions &options = {})
    {
        DiagnosticsRunner runner;
        runner.setOptions(options);
        QSignalSpy done(&runner, &DiagnosticsRunner::finished);
        QSignalSpy each(&runner, &DiagnosticsRunner::checkFinished);
        runner.start(url);
        if (!done.wait(60000))
            return {};
        [&] { QCOMPARE(each.count(), DiagnosticsRunner::checkIds().size()); }();
        return runner.results();
    }

    static quint16 closedPort()
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        const quint16 port = probe.serverPort();
        probe.close();
        return port;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        ServerConfig config;
        config.databasePath = m_dir.filePath(QStringLiteral("server.sqlite"));
        config.allowGuests = true;
        config.demo = true;
        config.passwordIterations = 1000;
        m_server = std::make_unique<ChatServer>(config);
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        QVERIFY2(m_server->addUser(QStringLiteral("alice"), QStringLiteral("secret-pw"), &error), qPrintable(error));
    }

    QString login()
    {
        AuthClient auth;
        auth.setServer(m_server->webSocketUrl());
        QSignalSpy finished(&auth, &AuthClient::finished);
        auth.login(QStringLiteral("alice"), QStringLiteral("secret-pw"));
        if (!finished.wait(15000))
            return QString();
        return finished.at(0).at(0).value<AuthClient::Result>().credentials.accessToken;
    }

    void cleanupTestCase() { m_server.reset(); }

    void allChecksPassAgainstARealServer()
    {
        const QList<DiagnosticCheck> results = run(m_server->webSocketUrl());
        QStringList ids;
        for (const DiagnosticCheck &c : results)
            ids << c.id;
        QCOMPARE(ids, DiagnosticsRunner::checkIds());
        for (const DiagnosticCheck &c : results)
            QVERIFY2(c.status != Status::Failed, qPrintable(c.id + QStringLiteral(": ") + c.detail));

        QCOMPARE(find(results, QStringLiteral("dns"))->status, Status::Passed);
        QCOMPARE(find(results, QStringLiteral("tcp"))->status, Status::Passed);
        const DiagnosticCheck *tls = find(results, QStringLiteral("tls"));
        QCOMPARE(tls->status, Status::Skipped);
        QVERIFY2(tls->detail.contains(QLatin1String("ws://")), qPrintable(tls->detail));
        const DiagnosticCheck *http = find(results, QStringLiteral("http_health"));
        QCOMPARE(http->status, Status::Passed);
        QCOMPARE(http->data.value(QStringLiteral("http_status")).toInt(), 200);
        QVERIFY(!http->data.value(QStringLiteral("server_version")).toString().isEmpty());
        QCOMPARE(find(results, QStringLiteral("websocket"))->status, Status::Passed);
        const DiagnosticCheck *ping = find(results, QStringLiteral("ping"));
        QCOMPARE(ping->status, Status::Passed);
        QCOMPARE(ping->data.value(QStringLiteral("rtt_ms")).toArray().size(), 5);
        QVERIFY(ping->detail.contains(QLatin1String("5 of 5")));
        QCOMPARE(find(results, QStringLiteral("proxy"))->status, Status::Passed);
        for (const DiagnosticCheck &c : results) {
            if (c.status == Status::Passed)
                QVERIFY2(c.elapsedMs >= 0, qPrintable(c.id));
        }
    }

    void refusedPortFailsWithAHint()
    {
        QUrl url(QStringLiteral("ws://127.0.0.1/ws"));
        url.setPort(closedPort());
        const QList<DiagnosticCheck> results = run(url);
        QCOMPARE(results.size(), DiagnosticsRunner::checkIds().size());
        const DiagnosticCheck *tcp = find(results, QStringLiteral("tcp"));
        QCOMPARE(tcp->status, Status::Failed);
        QVERIFY2(tcp->hint.contains(QLatin1String("nothing is listening")), qPrintable(tcp->hint));
        // What depends on the connection is skipped, with the reason, rather than failing again.
        for (const char *id : {"http_health", "websocket", "ping"}) {
            const DiagnosticCheck *c = find(results, QLatin1String(id));
            QCOMPARE(c->status, Status::Skipped);
            QVERIFY2(c->detail.contains(QLatin1String("TCP")), qPrintable(c->detail));
        }
    }

    void wrongPathFailsTheHandshake()
    {
        QUrl url = m_server->webSocketUrl();
        url.setPath(QStringLiteral("/not-here"));
        const QList<DiagnosticCheck> results = run(url);
        QCOMPARE(find(results, QStringLiteral("tcp"))->status, Status::Passed);
        QCOMPARE(find(results, QStringLiteral("http_health"))->status, Status::Passed);
        const DiagnosticCheck *ws = find(results, QStringLiteral("websocket"));
        QCOMPARE(ws->status, Status::Failed);
        QVERIFY2(ws->hint.contains(QLatin1String("/ws")), qPrintable(ws->hint));
        QCOMPARE(find(results, QStringLiteral("ping"))->status, Status::Skipped);
    }

    // Issue 13: a proxy that strips the upgrade makes our server answer 426; the hint names the
    // blocked upgrade and the HTTP fallback. Here a peer answers every request that way.
    void blockedUpgradeIsNamed()
    {
        QTcpServer blocker;
        QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
        connect(&blocker, &QTcpServer::newConnection, this, [&blocker] {
            while (QTcpSocket *s = blocker.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [s] {
                    if (!s->readAll().contains("\r\n\r\n"))
                        return;
                    s->write("HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    s->disconnectFromHost();
                });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
        const QList<DiagnosticCheck> results = run(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(blocker.serverPort())));
        const DiagnosticCheck *ws = find(results, QStringLiteral("websocket"));
        QCOMPARE(ws->status, Status::Failed);
        QVERIFY2(ws->hint.contains(QLatin1String("HTTP 426")), qPrintable(ws->hint));
        QVERIFY2(ws->hint.contains(QLatin1String("long polling")), qPrintable(ws->hint));
    }

    // The server upgrades, then closes with 4003 at once: the report must name the refusal, not a
    // silent proxy (found by a support-style walkthrough of tether --diagnose).
    void refusedTokenIsNamed()
    {
        DiagnosticsOptions options;
        options.accessToken = QStringLiteral("forged.token.value");
        const QList<DiagnosticCheck> results = run(m_server->webSocketUrl(), options);
        const DiagnosticCheck *ping = find(results, QStringLiteral("ping"));
        QVERIFY(ping);
        QCOMPARE(ping->status, Status::Failed);
        QVERIFY2(ping->detail.contains(QLatin1String("4003")), qPrintable(ping->detail));
        QVERIFY2(ping->hint.contains(QLatin1String("4003")), qPrintable(ping->hint));
        QVERIFY2(!ping->hint.contains(QLatin1String("firewall")), qPrintable(ping->hint));
    }

    // The handshake check connects the way the app does: the token in the configured transport.
    void webSocketCheckUsesTheAppsTokenTransport_data()
    {
        QTest::addColumn<int>("transport");
        QTest::newRow("header") << int(ConnectionConfig::TokenTransport::Header);
        QTest::newRow("query") << int(ConnectionConfig::TokenTransport::Query);
        QTest::newRow("auth frame") << int(ConnectionConfig::TokenTransport::Message);
    }

    void webSocketCheckUsesTheAppsTokenTransport()
    {
        QFETCH(int, transport);
        const QString token = login();
        QVERIFY(!token.isEmpty());
        ConnectionConfig app;
        app.url = m_server->webSocketUrl();
        app.credentials.accessToken = token;
        app.tokenTransport = ConnectionConfig::TokenTransport(transport);
        DiagnosticsOptions options;
        options.useConnection(app);
        QCOMPARE(options.accessToken, token);

        // What arrives at a plain WebSocket server.
        QWebSocketServer plain(QStringLiteral("plain"), QWebSocketServer::NonSecureMode);
        QVERIFY(plain.listen(QHostAddress::LocalHost, 0));
        QList<QNetworkRequest> requests;
        QStringList frames;
        connect(&plain, &QWebSocketServer::newConnection, this, [&] {
            while (QWebSocket *s = plain.nextPendingConnection()) {
                s->setParent(&plain);
                requests << s->request();
                connect(s, &QWebSocket::textMessageReceived, s, [s, &frames](const QString &text) {
                    frames << text;
                    s->sendTextMessage(QStringLiteral(R"({"type":"auth_ok"})"));
                });
            }
        });
        QUrl plainUrl(QStringLiteral("ws://127.0.0.1/ws"));
        plainUrl.setPort(plain.serverPort());
        QCOMPARE(find(run(plainUrl, options), QStringLiteral("websocket"))->status, Status::Passed);
        QCOMPARE(requests.size(), 1);
        const QByteArray header = requests.at(0).rawHeader("Authorization");
        const QString query = QUrlQuery(requests.at(0).url()).queryItemValue(QStringLiteral("access_token"));
        QCOMPARE(header, app.tokenTransport == ConnectionConfig::TokenTransport::Header ? "Bearer " + token.toUtf8() : QByteArray());
        QCOMPARE(query, app.tokenTransport == ConnectionConfig::TokenTransport::Query ? token : QString());
        QCOMPARE(!frames.isEmpty() && frames.first().contains(token), app.tokenTransport == ConnectionConfig::TokenTransport::Message);

        // And the real server accepts it: handshake and pings pass.
        const QList<DiagnosticCheck> results = run(m_server->webSocketUrl(), options);
        QCOMPARE(find(results, QStringLiteral("websocket"))->status, Status::Passed);
        QCOMPARE(find(results, QStringLiteral("ping"))->status, Status::Passed);
        for (const DiagnosticCheck &c : results)
            QVERIFY2(!c.detail.contains(token), qPrintable(c.detail));
    }

    // With the auth frame a refused token is named too (the server's goodbye answers the frame).
    void refusedAuthFrameIsNamed()
    {
        DiagnosticsOptions options;
        options.accessToken = QStringLiteral("forged.token.value");
        options.tokenTransport = ConnectionConfig::TokenTransport::Message;
        const QList<DiagnosticCheck> results = run(m_server->webSocketUrl(), options);
        const DiagnosticCheck *ping = find(results, QStringLiteral("ping"));
        QCOMPARE(ping->status, Status::Failed);
        QVERIFY2(ping->detail.contains(QLatin1String("4003")), qPrintable(ping->detail));
        QVERIFY2(ping->hint.contains(QLatin1String("4003")), qPrintable(ping->hint));
    }

    // A server that closes instead of answering the auth frame fails the handshake check itself.
    void closeInsteadOfAuthAnswerFailsTheHandshake()
    {
        QWebSocketServer plain(QStringLiteral("plain"), QWebSocketServer::NonSecureMode);
        QVERIFY(plain.listen(QHostAddress::LocalHost, 0));
        connect(&plain, &QWebSocketServer::newConnection, this, [&] {
            while (QWebSocket *s = plain.nextPendingConnection()) {
                s->setParent(&plain);
                connect(s, &QWebSocket::textMessageReceived, s, [s] {
                    s->close(QWebSocketProtocol::CloseCode(4003), QStringLiteral("refused"));
                });
            }
        });
        QUrl url(QStringLiteral("ws://127.0.0.1/ws"));
        url.setPort(plain.serverPort());
        DiagnosticsOptions options;
        options.accessToken = QStringLiteral("forged.token.value");
        options.tokenTransport = ConnectionConfig::TokenTransport::Message;
        const QList<DiagnosticCheck> results = run(url, options);
        const DiagnosticCheck *ws = find(results, QStringLiteral("websocket"));
        QCOMPARE(ws->status, Status::Failed);
        QVERIFY2(ws->detail.contains(QLatin1String("4003 refused")), qPrintable(ws->detail));
        QVERIFY2(ws->hint.contains(QLatin1String("4003")), qPrintable(ws->hint));
        QCOMPARE(find(results, QStringLiteral("ping"))->status, Status::Skipped);
    }

    void unresolvableNameFailsDns()
    {
        const QList<DiagnosticCheck> results = run(QUrl(QStringLiteral("ws://tether-no-such-host.invalid:1/ws")));
        const DiagnosticCheck *dns = find(results, QStringLiteral("dns"));
        QCOMPARE(dns->status, Status::Failed);
        QVERIFY(!dns->hint.isEmpty());
        QCOMPARE(find(results, QStringLiteral("tcp"))->status, Status::Skipped);
    }

    // A wss:// server with a self-signed certificate: the TLS check fails, names the certificate
    // and says why it is not trusted; what depends on it is skipped.
    void untrustedCertificateFailsTls()
    {
        QFile certFile(QStringLiteral(TETHER_TEST_DATA "/selfsigned.crt"));
        QFile keyFile(QStringLiteral(TETHER_TEST_DATA "/selfsigned.key"));
        QVERIFY(certFile.open(QIODevice::ReadOnly));
        QVERIFY(keyFile.open(QIODevice::ReadOnly));
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setLocalCertificate(QSslCertificate(&certFile, QSsl::Pem));
        ssl.setPrivateKey(QSslKey(&keyFile, QSsl::Rsa, QSsl::Pem));
        QWebSocketServer secure(QStringLiteral("tls-test"), QWebSocketServer::SecureMode);
        secure.setSslConfiguration(ssl);
        QVERIFY(secure.listen(QHostAddress::LocalHost, 0));
        QUrl url(QStringLiteral("wss://127.0.0.1/ws"));
        url.setPort(secure.serverPort());

        const QList<DiagnosticCheck> results = run(url);
        QCOMPARE(find(results, QStringLiteral("tcp"))->status, Status::Passed);
        const DiagnosticCheck *tls = find(results, QStringLiteral("tls"));
        QCOMPARE(tls->status, Status::Failed);
        QVERIFY2(tls->data.value(QStringLiteral("subject")).toString().contains(QLatin1String("CN=tether-test.invalid")),
                 qPrintable(tls->detail));
        QVERIFY(tls->data.value(QStringLiteral("issuer")).toString().contains(QLatin1String("O=Tether Tests")));
        QVERIFY(tls->data.value(QStringLiteral("expires")).toString().startsWith(QLatin1String("2126-")));
        QVERIFY(!tls->data.value(QStringLiteral("errors")).toArray().isEmpty());
        QVERIFY2(tls->hint.contains(QLatin1String("not trusted")), qPrintable(tls->hint));
        for (const char *id : {"http_health", "websocket", "ping"})
            QCOMPARE(find(results, QLatin1String(id))->status, Status::Skipped);
        // Issue 12: named by its code, with the certificate's fingerprint, in the report too.
        certFile.seek(0);
        const QString print = TlsTrust::fingerprint(QSslCertificate(&certFile, QSsl::Pem));
        QCOMPARE(tls->data.value(QStringLiteral("code")).toString(), QStringLiteral("tls_untrusted"));
        QCOMPARE(tls->data.value(QStringLiteral("sha256")).toString(), print);
        QVERIFY2(tls->detail.startsWith(QLatin1String("tls_untrusted: ")), qPrintable(tls->detail));
        QVERIFY2(tls->detail.contains(print), qPrintable(tls->detail));
        DiagnosticsReport report;
        report.setChecks(url, results);
        const QString text = report.toText();
        QVERIFY2(text.contains(QLatin1String("tls_untrusted")) && text.contains(print), qPrintable(text));
    }

    // Issue 12: a damaged local store that was replaced is in the report, once, with where it went.
    void storeRecoveryIsReported()
    {
        DiagnosticsReport report;
        QVERIFY(!report.toReport().contains(QLatin1String("Local store")));
        report.setStoreRecovery(QStringLiteral("/data/chat.sqlite.corrupt-20261130T151500"),
                                QStringLiteral("file is not a database"), 3);
        const QString text = report.toReport();
        QCOMPARE(text.count(QLatin1String("Local store: damaged and replaced")), 1);
        QVERIFY2(text.contains(QLatin1String("chat.sqlite.corrupt-20261130T151500")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("3 unsent messages kept")), qPrintable(text));
    }

    // Issue 12: the checks trust what the app trusts. A pinned self-signed certificate passes the
    // TLS and WebSocket checks; another certificate under that pin is tls_pin_mismatch, named.
    void pinnedCertificateAsTheAppTrustsIt()
    {
        QFile certFile(QStringLiteral(TETHER_TEST_DATA "/selfsigned.crt"));
        QFile keyFile(QStringLiteral(TETHER_TEST_DATA "/selfsigned.key"));
        QVERIFY(certFile.open(QIODevice::ReadOnly));
        QVERIFY(keyFile.open(QIODevice::ReadOnly));
        const QSslCertificate cert(&certFile, QSsl::Pem);
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setLocalCertificate(cert);
        ssl.setPrivateKey(QSslKey(&keyFile, QSsl::Rsa, QSsl::Pem));
        QWebSocketServer secure(QStringLiteral("tls-test"), QWebSocketServer::SecureMode);
        secure.setSslConfiguration(ssl);
        QVERIFY(secure.listen(QHostAddress::LocalHost, 0));
        QUrl url(QStringLiteral("wss://127.0.0.1/ws"));
        url.setPort(secure.serverPort());
        const QString print = TlsTrust::fingerprint(cert);

        DiagnosticsOptions options;
        options.timeoutMs = 3000;
        options.pinnedCertificateSha256 = print.toLower();
        QList<DiagnosticCheck> results = run(url, options);
        const DiagnosticCheck *tls = find(results, QStringLiteral("tls"));
        QVERIFY(tls);
        QVERIFY2(tls->status == Status::Passed, qPrintable(tls->detail));
        QCOMPARE(tls->data.value(QStringLiteral("sha256")).toString(), print);
        const DiagnosticCheck *ws = find(results, QStringLiteral("websocket"));
        QVERIFY2(ws->status == Status::Passed, qPrintable(ws->detail));

        options.pinnedCertificateSha256 = QString(64, QLatin1Char('a')); // a certificate that is not this one
        results = run(url, options);
        tls = find(results, QStringLiteral("tls"));
        QCOMPARE(tls->status, Status::Failed);
        QCOMPARE(tls->data.value(QStringLiteral("code")).toString(), QStringLiteral("tls_pin_mismatch"));
        QVERIFY2(tls->detail.contains(print), qPrintable(tls->detail));
        QVERIFY2(tls->hint.contains(QLatin1String("tls_pin_mismatch")), qPrintable(tls->hint));
    }

    void reportHasEverythingAndNoSecrets()
    {
        const QString secretToken = QString::fromLatin1(jwt);
        const QString refresh = QStringLiteral("r3fr3sh-0paque-value-1234567890");
        QUrl target = m_server->webSocketUrl();
        target.setQuery(QStringLiteral("access_token=") + secretToken);
        target.setUserName(QStringLiteral("alice"));
        target.setPassword(QStringLiteral("hunter2-pass"));

        DiagnosticsOptions options;
        options.accessToken = secretToken;
        QUrl refused = target;
        refused.setPort(closedPort());
        QList<DiagnosticCheck> checks = run(refused, options);
        QVERIFY(!checks.isEmpty());

        DiagnosticsSnapshot snap;
        snap.valid = true;
        snap.state = ConnectionState::Reconnecting;
        snap.server = target;
        snap.transport = QStringLiteral("long-poll");
        snap.fallbackReason = QStringLiteral("HTTP 200 instead of the WebSocket upgrade");
        snap.stats.connects = 4;
        snap.stats.attempts = 9;
        snap.stats.disconnects = 3;
        snap.stats.disconnectsByCode = {{1006, 2}, {1012, 1}};
        snap.stats.lastCloseCode = 1012;
        snap.stats.addDuration(0.5);
        snap.stats.addDuration(42);
        snap.stats.addDuration(90000);
        snap.stats.lastCloseReason = QStringLiteral("{\"retry_after_ms\":1200}");
        snap.stats.rttLastMs = 17;
        snap.stats.rttAvgMs = 21.5;
        snap.stats.rttMaxMs = 88;
        snap.stats.messagesIn = 120;
        snap.stats.messagesOut = 45;
        snap.stats.bytesIn = 9876;
        snap.stats.bytesOut = 5432;
        snap.outboxSize = 3;
        ConnectionEvent e1{QDateTime::currentDateTimeUtc(), 10, ConnectionEvent::Kind::Attempt,
                           QStringLiteral("attempt 3 to ") + target.toString()};
        ConnectionEvent e2{QDateTime::currentDateTimeUtc(), 20, ConnectionEvent::Kind::TokenRefresh,
                           QStringLiteral("POST {\"refresh_token\":\"") + refresh
                               + QStringLiteral("\"} with Authorization: Bearer ") + secretToken};
        snap.events = {e1, e2};

        DiagnosticsReport report;
        report.setProxyMode(QStringLiteral("manual http://bob:pr0xy-pass@127.0.0.1:3128"));
        report.setConnection(snap);
        report.setChecks(target, checks);
        report.setAccount(true, QStringLiteral("alice"));
        const QString text = report.toReport(true);

        for (const QString &secret : {secretToken, QStringLiteral("c2VjcmV0LXNpZ25hdHVyZQ"), refresh,
                                      QStringLiteral("hunter2-pass"), QStringLiteral("pr0xy-pass")})
            QVERIFY2(!text.contains(secret), qPrintable(QStringLiteral("secret leaked: ") + secret));
        QVERIFY(text.contains(QLatin1String("REDACTED")));

        // The readable part.
        QVERIFY(text.contains(QString::fromLatin1(qVersion())));
        QVERIFY(text.contains(QStringLiteral(TETHER_VERSION)));
        QVERIFY(text.contains(QStringLiteral("1006×2")));
        QVERIFY(text.contains(QStringLiteral("Connection lengths: 3 ended, average 30014.2 s, longest 90000.0 s")));
        QVERIFY(text.contains(QLatin1String("reconnecting")));
        QVERIFY(text.contains(QLatin1String("[FAIL] TCP connect")));
        QVERIFY(text.contains(QLatin1String("Outbox: 3")));
        QVERIFY(text.contains(QLatin1String("17 ms")));
        // Finding 12: the verdict first, the account, the checks and events once, JSON only when asked.
        QVERIFY2(text.section(QLatin1Char('\n'), 1, 1).startsWith(QLatin1String("Verdict: nothing accepts connections")),
                 qPrintable(text.section(QLatin1Char('\n'), 0, 2)));
        QVERIFY(text.contains(QLatin1String("Account: signed in as alice")));
        QVERIFY(text.contains(QLatin1String("State: reconnecting (waiting for the next attempt)")));
        // Issue 13: which transport, and why it is not WebSocket.
        QVERIFY2(text.contains(QLatin1String("Transport: HTTP long polling, fallen back from WebSocket: HTTP 200 instead "
                                             "of the WebSocket upgrade")),
                 qPrintable(text));
        const QString plain = report.toReport();
        QVERIFY(!plain.contains(QLatin1String("--- JSON ---")));
        QCOMPARE(plain.count(QLatin1String("[FAIL] TCP connect")), 1);
        QCOMPARE(plain.count(QLatin1String("attempt 3 to")), 1);
        report.setAccount(true);
        QVERIFY(report.toReport().contains(QLatin1String("Account: signed in (the name is not shared)")));
        QVERIFY(!report.toReport().contains(QLatin1String("signed in as")));
        report.setAccount(false);
        QVERIFY(report.toReport().contains(QLatin1String("Account: a guest (not signed in)")));

        // The JSON part parses and carries the same figures.
        const int at = text.indexOf(QLatin1String("--- JSON ---"));
        QVERIFY(at > 0);
        QJsonParseError error;
        const QJsonObject json = QJsonDocument::fromJson(text.mid(at + 12).toUtf8(), &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        const QJsonObject connection = json.value(QStringLiteral("connection")).toObject();
        QCOMPARE(connection.value(QStringLiteral("reconnects")).toInt(), 3);
        QCOMPARE(connection.value(QStringLiteral("disconnects_by_code")).toObject().value(QStringLiteral("1006")).toInt(), 2);
        QCOMPARE(connection.value(QStringLiteral("bytes_in")).toInt(), 9876);
        // Connection lengths in the words of tether_server_connection_duration_seconds.
        const QJsonObject duration = connection.value(QStringLiteral("connection_duration_seconds")).toObject();
        QCOMPARE(duration.value(QStringLiteral("count")).toInt(), 3);
        QCOMPARE(duration.value(QStringLiteral("sum")).toDouble(), 90042.5);
        QCOMPARE(duration.value(QStringLiteral("max")).toDouble(), 90000.0);
        const QJsonObject le = duration.value(QStringLiteral("le")).toObject();
        QCOMPARE(le.value(QStringLiteral("1")).toInt(), 1);
        QCOMPARE(le.value(QStringLiteral("60")).toInt(), 2);
        QCOMPARE(le.value(QStringLiteral("86400")).toInt(), 2);
        QCOMPARE(le.value(QStringLiteral("+Inf")).toInt(), 3);
        QCOMPARE(connection.value(QStringLiteral("outbox")).toInt(), 3);
        QCOMPARE(json.value(QStringLiteral("events")).toArray().size(), 2);
        const QJsonObject jchecks = json.value(QStringLiteral("checks")).toObject();
        QCOMPARE(jchecks.value(QStringLiteral("all_passed")).toBool(), false);
        QCOMPARE(jchecks.value(QStringLiteral("results")).toArray().size(), DiagnosticsRunner::checkIds().size());
        const QJsonObject env = json.value(QStringLiteral("environment")).toObject();
        for (const char *key : {"app_version", "qt_runtime", "os", "tls_backend", "network_backend", "proxy_mode"})
            QVERIFY2(env.contains(QLatin1String(key)), key);
    }
};

QTEST_GUILESS_MAIN(TestDiagnostics)
#include "tst_diagnostics.moc"
