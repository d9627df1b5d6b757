// ConnectionPresentation against real peers on 127.0.0.1: the story the banner, the indicator and
// the tray tell when a link goes half-open (fault proxy blackhole, millisecond heartbeat), when an
// HTTP server that is no Tether server answers, when the certificate is not trusted, when the
// server restarts, when it refuses access (4003), and what "Retry now" does while nothing answers.

#include "chatserver.h"
#include "connectionbanner.h"
#include "connectionmanager.h"
#include "connectionpresentation.h"
#include "faultproxy.h"
#include "language.h"
#include "statusindicator.h"
#include "traynotifier.h"

#include <QElapsedTimer>
#include <QFile>
#include <QPushButton>
#include <QSet>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocketServer>

using namespace Tether;
using H = StatusLogic::Headline;

namespace {

// An HTTP server that answers every request with one fixed status: "something else" at the address.
class FixedHttpServer : public QTcpServer
{
public:
    explicit FixedHttpServer(QByteArray statusLine)
        : m_status(std::move(statusLine))
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [this, s] {
                    if (!s->readAll().contains("\r\n\r\n") && s->property("answered").toBool())
                        return;
                    s->setProperty("answered", true);
                    s->write("HTTP/1.1 " + m_status + "\r\nContent-Type: text/html\r\nContent-Length: 9\r\n"
                             "Connection: close\r\n\r\nnot here\n");
                    s->disconnectFromHost();
                });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    QUrl url() const { return QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(serverPort())); }

private:
    QByteArray m_status;
};

quint16 closedPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort(); // nothing listens there once probe is gone
}

// The widgets of the window, all reading one presentation, as ChatWindow wires them.
struct Screen
{
    explicit Screen(ConnectionManager *connection, const StatusTiming &timing = StatusTiming())
        : presentation(timing)
        , banner(&presentation)
        , indicator(&presentation)
        , tray(nullptr)
    {
        tray.setPresentation(&presentation);
        presentation.setConnection(connection);
        QObject::connect(&indicator, &StatusIndicator::headlineChanged, &indicator,
                         [this](H h) { headlines << h; });
    }
    ConnectionPresentation presentation;
    ConnectionBanner banner;
    StatusIndicator indicator;
    TrayNotifier tray;
    QList<H> headlines;
};

ServerConfig serverConfig(const QTemporaryDir &dir)
{
    ServerConfig config;
    config.databasePath = dir.filePath(QStringLiteral("server.sqlite"));
    config.allowGuests = true;
    config.passwordIterations = 1000;
    return config;
}

} // namespace

class TestConnectionPresentation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(Language::apply(QStringLiteral("en"))); }

    // Finding 1: a half-open link (the proxy swallows every byte, nothing closes) is called
    // "Connection lost" with "Retry now" within the heartbeat bound; every attempt then shows its
    // own progress, and the status bar never alternates.
    void halfOpenLinkIsSaidWithinTheHeartbeatBound()
    {
        QTemporaryDir dir;
        ChatServer server(serverConfig(dir));
        QVERIFY(server.start());
        FaultProxy proxy;
        proxy.setUpstream(QStringLiteral("127.0.0.1"), server.port());
        QVERIFY(proxy.listen());

        ConnectionConfig config;
        config.url = QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(proxy.port()));
        config.heartbeatIntervalMs = 300;
        config.pongTimeoutMs = 400;
        config.connectTimeoutMs = 1500;
        config.backoff.initialMs = 200;
        config.backoff.maxMs = 400;
        ConnectionManager connection(config);
        Screen screen(&connection);
        connection.open();
        QTRY_COMPARE_WITH_TIMEOUT(connection.state(), ConnectionState::Connected, 10000);
        QCOMPARE(screen.indicator.text(), QStringLiteral("Online"));
        screen.headlines.clear();

        QElapsedTimer sinceBlackhole;
        proxy.setMode(FaultProxy::Mode::Blackhole);
        sinceBlackhole.start();
        QTRY_VERIFY_WITH_TIMEOUT(!screen.banner.isHidden(), 10000);
        const qint64 bound = config.heartbeatIntervalMs + config.pongTimeoutMs;
        QVERIFY2(sinceBlackhole.elapsed() <= bound + 1500,
                 qPrintable(QStringLiteral("said after %1 ms, heartbeat bound %2 ms").arg(sinceBlackhole.elapsed()).arg(bound)));
        QVERIFY2(screen.banner.text().startsWith(QLatin1String("Connection lost. The server stopped answering.")),
                 qPrintable(screen.banner.text()));
        QCOMPARE(screen.banner.actionText(), QStringLiteral("Retry now"));
        QCOMPARE(screen.indicator.text(), QStringLiteral("Connection lost"));
        QVERIFY(screen.tray.toolTip().startsWith(QLatin1String("Tether: Connection lost")));

        // Attempts into the blackhole hang until the connect timeout: each says which it is and how long.
        QTRY_VERIFY2_WITH_TIMEOUT(screen.banner.text().contains(QRegularExpression(QStringLiteral("\\(attempt [2-9], 1 s\\)"))),
                                  qPrintable(screen.banner.text()), 20000);
        QVERIFY(screen.banner.actionButton()->isVisible());
        QVERIFY(!screen.banner.actionButton()->isEnabled()); // nothing to skip during an attempt
        QCOMPARE(screen.headlines, QList<H>{H::Lost}); // said once, never "Reconnecting…"/"Connecting…"

        proxy.setMode(FaultProxy::Mode::Pass);
        QTRY_COMPARE_WITH_TIMEOUT(connection.state(), ConnectionState::Connected, 20000);
        QCOMPARE(screen.banner.text(), QStringLiteral("Connected"));
        QCOMPARE(screen.indicator.text(), QStringLiteral("Online"));
        QCOMPARE(screen.headlines, (QList<H>{H::Lost, H::Online}));
        connection.close();
    }

    // Finding 2: an HTTP server that is not a Tether server says so at once, with diagnostics.
    void notATetherServer()
    {
        FixedHttpServer http("404 Not Found");
        QVERIFY(http.listen(QHostAddress::LocalHost, 0));
        ConnectionConfig config;
        config.url = http.url();
        config.backoff.initialMs = 20000;
        config.backoff.jitter = BackoffPolicy::Jitter::None;
        ConnectionManager connection(config);
        Screen screen(&connection); // the real launch grace: a refusal does not wait for it
        QElapsedTimer timer;
        timer.start();
        connection.open();
        QTRY_VERIFY_WITH_TIMEOUT(!screen.banner.isHidden(), 10000);
        QVERIFY2(timer.elapsed() < screen.presentation.timing().launchGraceMs, "a refusal waited for the launch grace");
        QVERIFY2(screen.banner.text().startsWith(QLatin1String("Not a Tether server at this address (HTTP 404). Retrying in")),
                 qPrintable(screen.banner.text()));
        QCOMPARE(screen.indicator.text(), QStringLiteral("Not a Tether server"));
        QVERIFY(screen.banner.diagnosticsButton()->isVisible());
        QSignalSpy diagnostics(&screen.banner, &ConnectionBanner::diagnosticsRequested);
        screen.banner.diagnosticsButton()->click();
        QCOMPARE(diagnostics.count(), 1);
        connection.close();

        FixedHttpServer broken("502 Bad Gateway");
        QVERIFY(broken.listen(QHostAddress::LocalHost, 0));
        config.url = broken.url();
        ConnectionManager second(config);
        Screen other(&second);
        second.open();
        QTRY_VERIFY_WITH_TIMEOUT(other.banner.text().startsWith(QLatin1String("The server refused the connection (HTTP 502).")), 10000);
        second.close();
    }

    // An untrusted certificate is named as such, not as an unreachable server.
    void certificateNotTrusted()
    {
        QFile certFile(QStringLiteral(TETHER_TEST_DATA "/selfsigned.crt"));
        QFile keyFile(QStringLiteral(TETHER_TEST_DATA "/selfsigned.key"));
        QVERIFY(certFile.open(QIODevice::ReadOnly) && keyFile.open(QIODevice::ReadOnly));
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setLocalCertificate(QSslCertificate(certFile.readAll()));
        ssl.setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Rsa));
        QWebSocketServer server(QStringLiteral("tls"), QWebSocketServer::SecureMode);
        server.setSslConfiguration(ssl);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));

        ConnectionConfig config;
        config.url = QUrl(QStringLiteral("wss://127.0.0.1:%1/ws").arg(server.serverPort()));
        config.backoff.initialMs = 20000;
        config.backoff.jitter = BackoffPolicy::Jitter::None;
        ConnectionManager connection(config);
        Screen screen(&connection);
        connection.open();
        QTRY_VERIFY_WITH_TIMEOUT(!screen.banner.isHidden(), 10000);
        QVERIFY2(screen.banner.text().startsWith(QLatin1String("The server's certificate is not trusted. Retrying in")),
                 qPrintable(screen.banner.text()));
        QCOMPARE(screen.indicator.text(), QStringLiteral("Certificate not trusted"));
        QVERIFY(screen.banner.diagnosticsButton()->isVisible());
        connection.close();
    }

    // 4003: the server refuses this sign-in for good (a forged token): said with "Sign in".
    void accessRefused()
    {
        QTemporaryDir dir;
        ServerConfig c = serverConfig(dir);
        c.allowGuests = false;
        ChatServer server(c);
        QVERIFY(server.start());
        ConnectionConfig config;
        config.url = server.webSocketUrl();
        config.credentials.accessToken = QStringLiteral("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.Zm9yZ2VkLXNpZ25hdHVyZQ");
        ConnectionManager connection(config);
        Screen screen(&connection);
        connection.open();
        QTRY_COMPARE_WITH_TIMEOUT(connection.state(), ConnectionState::SignedOut, 10000);
        QVERIFY2(screen.banner.text().startsWith(QLatin1String("Access refused by the server (4003).")),
                 qPrintable(screen.banner.text()));
        QCOMPARE(screen.banner.actionText(), QStringLiteral("Sign in"));
        QVERIFY(screen.banner.diagnosticsButton()->isVisible());
        QCOMPARE(screen.indicator.text(), QStringLiteral("Access refused"));
    }

    // A server restart (1012 with retry_after_ms) says when the server will be back, at once.
    void serverRestart()
    {
        QTemporaryDir dir;
        ServerConfig c = serverConfig(dir);
        c.restartSpreadMs = 30000;
        auto server = std::make_unique<ChatServer>(c);
        QVERIFY(server->start());
        ConnectionConfig config;
        config.url = server->webSocketUrl();
        ConnectionManager connection(config);
        Screen screen(&connection);
        connection.open();
        QTRY_COMPARE_WITH_TIMEOUT(connection.state(), ConnectionState::Connected, 10000);
        QSignalSpy closed(&connection, &ConnectionManager::closed);
        QSignalSpy scheduled(&connection, &ConnectionManager::reconnectScheduled);
        server->shutdown();
        QVERIFY(scheduled.wait(10000));
        QCOMPARE(closed.first().at(0).toInt(), 1012);
        const int delayMs = scheduled.first().at(1).toInt();
        QVERIFY(!screen.banner.isHidden()); // announced by the server: no blip to wait for
        QCOMPARE(screen.indicator.text(), QStringLiteral("Server restarting"));
        if (delayMs >= 1500)
            QVERIFY2(screen.banner.text().startsWith(QStringLiteral("Server restarting — back in ")), qPrintable(screen.banner.text()));
        else
            QVERIFY2(screen.banner.text().startsWith(QStringLiteral("Server restarting — ")), qPrintable(screen.banner.text()));
        connection.close();
    }

    // Finding 4: "Retry now" while nothing answers tries at once, says that it did and what came
    // of it, and the countdown afterwards is no longer than the one the user skipped.
    void retryNowDoesNotStretchTheCountdown()
    {
        ConnectionConfig config;
        config.url = QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(closedPort()));
        config.backoff.initialMs = 6000;
        config.backoff.multiplier = 3;
        config.backoff.maxMs = 60000;
        config.backoff.jitter = BackoffPolicy::Jitter::None;
        config.backoff.downFraction = 0; // the plain series: a capped wait under 1 s shows no countdown
        ConnectionManager connection(config);
        StatusTiming fast;
        fast.blipMs = 0;
        fast.launchGraceMs = 0;
        Screen screen(&connection, fast);
        connection.open();
        QTRY_COMPARE_WITH_TIMEOUT(connection.state(), ConnectionState::Reconnecting, 10000);
        QTRY_VERIFY2_WITH_TIMEOUT(screen.banner.text().startsWith(QLatin1String(
                                      "Could not reach the server. Nothing answers at this address. Retrying in")),
                                  qPrintable(screen.banner.text()), 5000);
        const int attempts = connection.stats().attempts;
        const qint64 skipped = connection.msUntilNextAttempt();
        QVERIFY(skipped > 3000);

        QSignalSpy states(&connection, &ConnectionManager::stateChanged);
        QTest::mouseClick(screen.banner.actionButton(), Qt::LeftButton);
        QVERIFY(states.count() >= 1); // the attempt started at once
        QVERIFY2(screen.banner.text().contains(QStringLiteral("Trying again now… (attempt 2)")), qPrintable(screen.banner.text()));
        QTRY_COMPARE_WITH_TIMEOUT(connection.state(), ConnectionState::Reconnecting, 10000);
        QCOMPARE(connection.stats().attempts, attempts + 1);
        // Backoff alone would now wait 18 s; the user skipped a wait of `skipped` ms.
        QVERIFY2(connection.msUntilNextAttempt() <= skipped,
                 qPrintable(QStringLiteral("next wait %1 ms, skipped %2 ms").arg(connection.msUntilNextAttempt()).arg(skipped)));
        QVERIFY2(screen.banner.text().startsWith(QLatin1String(
                     "Could not reach the server. Tried again just now, without success. Nothing answers at this address. Retrying in")),
                 qPrintable(screen.banner.text()));
        connection.close();
    }

    // Issue 13: on the long-polling fallback the status says so, and why, in both languages.
    void httpFallbackIsSaidAndWhy()
    {
        StatusTiming fast;
        fast.blipMs = 0;
        fast.launchGraceMs = 0;
        ConnectionPresentation p(fast);
        p.setState(ConnectionState::Connected);
        p.setTransport(QStringLiteral("websocket"), QString());
        const QString plain = p.headline();
        QVERIFY(!plain.contains(QLatin1String("HTTP")));
        p.setTransport(QStringLiteral("long-poll"), QStringLiteral("HTTP 426 instead of the WebSocket upgrade"));
        QCOMPARE(p.headline(), QStringLiteral("Connected (HTTP fallback)"));
        QVERIFY2(p.toolTipText().contains(QStringLiteral("(HTTP 426 to the upgrade)")), qPrintable(p.toolTipText()));
        p.setTransport(QStringLiteral("long-poll"), QStringLiteral("the proxy refused the WebSocket connection"));
        QVERIFY2(p.toolTipText().contains(QStringLiteral("The proxy does not let WebSocket through")), qPrintable(p.toolTipText()));
        // The status bar says what the tooltip says (it once showed the plain "Online").
        StatusIndicator indicator(&p);
        p.setTransport(QStringLiteral("long-poll"), QStringLiteral("HTTP 426 instead of the WebSocket upgrade"));
        QCOMPARE(indicator.text(), QStringLiteral("Connected (HTTP fallback)"));
        // Long polling chosen by the user is no fallback: nothing to explain, but it is not WebSocket.
        p.setTransport(QStringLiteral("long-poll"), QString());
        QCOMPARE(p.headline(), QStringLiteral("Connected (HTTP long-polling)"));
        QCOMPARE(indicator.text(), p.headline());
        QVERIFY(!p.toolTipText().contains(QLatin1String("blocked")));
        p.setTransport(QStringLiteral("websocket"), QString());
        QCOMPARE(indicator.text(), plain);

        QVERIFY(Language::apply(QStringLiteral("ru")));
        p.setTransport(QStringLiteral("long-poll"), QStringLiteral("HTTP 426 instead of the WebSocket upgrade"));
        QCOMPARE(p.headline(), QStringLiteral("Подключено (через HTTP)"));
        QVERIFY2(p.toolTipText().contains(QStringLiteral("HTTP 426")), qPrintable(p.toolTipText()));
        QVERIFY(Language::apply(QStringLiteral("en")));
        QCOMPARE(p.headline(), QStringLiteral("Connected (HTTP fallback)"));
    }
};

QTEST_MAIN(TestConnectionPresentation)
#include "tst_connectionpresentation.moc"
