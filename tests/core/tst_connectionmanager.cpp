// ConnectionManager against real peers on 127.0.0.1: a QWebSocketServer, a hand-written HTTP
// refresh endpoint, and raw TCP servers that stall or go silent. Millisecond-scale settings,
// generous upper bounds (the suite also runs under ASan on a loaded machine).
#include "connectionmanager.h"
#include "manualnetworkmonitor.h"
#include "testpeers.h"
#include "websockettransport.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace Tether;
using namespace TestPeers;

namespace {

constexpr int Long = 10000; // upper bound for anything that should take milliseconds

ConnectionConfig fastConfig(const QUrl &url)
{
    ConnectionConfig config;
    config.url = url;
    config.backoff.initialMs = 50;
    config.backoff.maxMs = 400;
    config.backoff.multiplier = 2.0;
    config.backoff.jitter = BackoffPolicy::Jitter::None;
    config.connectTimeoutMs = 3000;
    config.heartbeatMode = ConnectionConfig::HeartbeatMode::Off;
    config.minUptimeMs = 0;
    return config;
}

// Every state the manager passes through, in order.
class StateLog : public QObject
{
public:
    explicit StateLog(ConnectionManager *cm)
    {
        connect(cm, &ConnectionManager::stateChanged, this,
                [this](ConnectionState s, ConnectionState) { states.append(s); });
    }
    QList<ConnectionState> states;
};

} // namespace

class TestConnectionManager : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void connectSendReceiveClose()
    {
        WsServer server;
        QVERIFY(server.listen());
        server.echo = true;
        ManualNetworkMonitor net;
        ConnectionManager cm(fastConfig(server.url()), &net);
        QSignalSpy received(&cm, &ConnectionManager::textMessageReceived);
        QSignalSpy connectedSpy(&cm, &ConnectionManager::connected);

        QCOMPARE(cm.state(), ConnectionState::Disconnected);
        cm.open();
        QCOMPARE(cm.state(), ConnectionState::Connecting);
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        QCOMPARE(connectedSpy.size(), 1);

        QCOMPARE(cm.send(QStringLiteral("hello")), ConnectionManager::SendResult::Sent);
        QVERIFY(received.wait(Long));
        QCOMPARE(received.at(0).at(0).toString(), QStringLiteral("hello"));
        QCOMPARE(server.received(), QStringList { QStringLiteral("hello") });

        const ConnectionStats stats = cm.stats();
        QCOMPARE(stats.connects, 1);
        QCOMPARE(stats.attempts, 1);
        QCOMPARE(stats.messagesOut, 1);
        QCOMPARE(stats.messagesIn, 1);
        QCOMPARE(stats.bytesOut, 5);
        QVERIFY(stats.connectedSince.isValid());

        QSignalSpy closed(&cm, &ConnectionManager::closed);
        QSignalSpy closingFinished(&cm, &ConnectionManager::closingFinished);
        cm.close();
        QCOMPARE(cm.state(), ConnectionState::Disconnected);
        QCOMPARE(closed.size(), 1);
        QCOMPARE(closed.at(0).at(0).toInt(), 1000);
        QTRY_COMPARE_WITH_TIMEOUT(closingFinished.size(), 1, Long);
        QVERIFY(!cm.isClosing());
        QCOMPARE(cm.stats().disconnectsByCode.value(1000), 1);
        // The ended connection's length went into the summary (the operators' histogram buckets).
        QCOMPARE(cm.stats().durationCount, 1);
        QVERIFY(cm.stats().durationMaxS >= 0 && cm.stats().durationMaxS < 600);
        QCOMPARE(cm.stats().durationBuckets[std::size(ConnectionStats::DurationBoundsS) - 1], 1);
    }

    void abruptCloseOfAnonymousSessionReconnects()
    {
        WsServer server;
        QVERIFY(server.listen());
        ManualNetworkMonitor net;
        ConnectionManager cm(fastConfig(server.url()), &net);
        StateLog log(&cm);
        QSignalSpy closed(&cm, &ConnectionManager::closed);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);

        server.last()->abort(); // TCP gone, no close frame
        QVERIFY(closed.wait(Long));
        QCOMPARE(closed.at(0).at(0).toInt(), 1006);
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 2, Long);
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        QVERIFY(log.states.contains(ConnectionState::Reconnecting));
        QCOMPARE(cm.stats().disconnectsByCode.value(1006), 1);
        QCOMPARE(cm.stats().connects, 2);
    }

    // When the server was last heard from: invalid before any frame, moved by each frame, kept
    // while the link is down (the UI says "last heard N s ago" while reconnecting).
    void lastFrameAtIsKeptWhileReconnecting()
    {
        WsServer server;
        QVERIFY(server.listen());
        server.echo = true;
        ManualNetworkMonitor net;
        ConnectionConfig config = fastConfig(server.url());
        config.backoff.initialMs = 60000; // stays Reconnecting long enough to look
        config.backoff.maxMs = 60000;
        ConnectionManager cm(config, &net);
        QVERIFY(!cm.lastFrameAt().isValid());
        QVERIFY(!cm.stats().lastFrameAt.isValid());
        const QDateTime before = QDateTime::currentDateTimeUtc();
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        QSignalSpy received(&cm, &ConnectionManager::textMessageReceived);
        cm.send(QStringLiteral("ping me"));
        QVERIFY(received.wait(Long));
        const QDateTime heard = cm.lastFrameAt();
        QVERIFY(heard.isValid());
        QVERIFY(heard >= before);
        QVERIFY(heard <= QDateTime::currentDateTimeUtc());
        QCOMPARE(cm.stats().lastFrameAt, heard);

        server.last()->abort();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Reconnecting, Long);
        QCOMPARE(cm.lastFrameAt(), heard);
        cm.close();
        QCOMPARE(cm.lastFrameAt(), heard);
    }

    void normalCloseStaysClosed()
    {
        WsServer server;
        QVERIFY(server.listen());
        ManualNetworkMonitor net;
        ConnectionManager cm(fastConfig(server.url()), &net);
        QSignalSpy closed(&cm, &ConnectionManager::closed);
        QSignalSpy scheduled(&cm, &ConnectionManager::reconnectScheduled);
        QSignalSpy errors(&cm, &ConnectionManager::errorOccurred);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);

        server.last()->close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("bye"));
        QVERIFY(closed.wait(Long));
        QCOMPARE(closed.at(0).at(0).toInt(), 1000);
        QCOMPARE(closed.at(0).at(1).toString(), QStringLiteral("bye"));
        QCOMPARE(cm.state(), ConnectionState::Disconnected);
        QVERIFY(!scheduled.wait(500)); // many backoff periods: nothing is scheduled
        QCOMPARE(errors.size(), 0);    // a clean close is not an error
        QCOMPARE(server.connectionCount(), 1);
        QCOMPARE(cm.stats().lastCloseCode, 1000);
    }

    void serverDownAttemptsGrowThenFailedThenReconnectNow()
    {
        const quint16 port = unusedPort();
        ConnectionConfig config = fastConfig(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(port)));
        config.backoff.initialMs = 20;
        config.backoff.maxAttempts = 4;
        config.backoff.downFraction = 0; // the plain series (RetryPlanner's cap has its own tests)
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        QSignalSpy scheduled(&cm, &ConnectionManager::reconnectScheduled);
        QSignalSpy errors(&cm, &ConnectionManager::errorOccurred);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Failed, Long);

        QCOMPARE(cm.stats().attempts, 4);
        QCOMPARE(scheduled.size(), 3);
        const QList<int> expectedDelays { 20, 40, 80 };
        for (int i = 0; i < scheduled.size(); ++i) {
            QCOMPARE(scheduled.at(i).at(0).toInt(), i + 2); // attempt number
            QCOMPARE(scheduled.at(i).at(1).toInt(), expectedDelays.at(i));
        }
        QVERIFY(!errors.isEmpty());
        QCOMPARE(errors.at(0).at(0).value<ConnectionManager::Error>(), ConnectionManager::Error::SocketError);

        // Failed is sticky until someone asks...
        QVERIFY(!scheduled.wait(300));
        QCOMPARE(cm.stats().attempts, 4);

        // ...and reconnectNow() starts a fresh series at once.
        WsServer server;
        if (!server.listen(port))
            QSKIP("the released port was taken by someone else");
        cm.reconnectNow();
        QCOMPARE(cm.state(), ConnectionState::Connecting);
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        QCOMPARE(cm.stats().attempts, 5);
    }

    void reconnectNowSkipsTheWait()
    {
        const quint16 port = unusedPort();
        ConnectionConfig config = fastConfig(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(port)));
        config.backoff.initialMs = 60000;
        config.backoff.maxMs = 60000;
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Reconnecting, Long);
        QVERIFY(cm.msUntilNextAttempt() > 30000);
        QVERIFY(cm.nextAttemptAt() > QDateTime::currentDateTimeUtc().addSecs(30));
        QCOMPARE(cm.attempt(), 2);

        WsServer server;
        if (!server.listen(port))
            QSKIP("the released port was taken by someone else");
        QElapsedTimer timer;
        timer.start();
        cm.reconnectNow();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        QVERIFY(timer.elapsed() < 30000);
        QCOMPARE(cm.msUntilNextAttempt(), -1);
    }

    void minUptimeKeepsBackoffGrowingOnInstantDrops()
    {
        WsServer server;
        QVERIFY(server.listen());
        connect(&server, &WsServer::clientConnected, &server, [](QWebSocket *s) { s->abort(); });
        ConnectionConfig config = fastConfig(server.url());
        config.minUptimeMs = 60000;
        config.backoff.initialMs = 20;
        config.backoff.maxMs = 100000;
        config.backoff.downFraction = 0; // the plain series (RetryPlanner's cap has its own tests)
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        QSignalSpy scheduled(&cm, &ConnectionManager::reconnectScheduled);
        cm.open();
        QTRY_VERIFY_WITH_TIMEOUT(scheduled.size() >= 4, Long);
        cm.close();
        // A server that accepts and drops at once must not reset the series: delays keep doubling.
        for (int i = 1; i < 4; ++i)
            QCOMPARE(scheduled.at(i).at(1).toInt(), 2 * scheduled.at(i - 1).at(1).toInt());
    }

    void serverRetryAfterIsHonoured()
    {
        WsServer server;
        QVERIFY(server.listen());
        ConnectionConfig config = fastConfig(server.url());
        config.backoff.initialMs = 5000;
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        QSignalSpy scheduled(&cm, &ConnectionManager::reconnectScheduled);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        // 4000: an application code that means "reconnect"; the reason carries the server's spread.
        server.last()->close(QWebSocketProtocol::CloseCode(4000), QStringLiteral(R"({"retry_after_ms":120})"));
        QVERIFY(scheduled.wait(Long));
        QCOMPARE(scheduled.at(0).at(1).toInt(), 120);
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 2, Long);
        QCOMPARE(cm.stats().disconnectsByCode.value(4000), 1);
    }

    // The server announces its close in a goodbye frame; that code and reason win over Qt's 1002.
    void goodbyeFrameRestoresCodeAndRetryAfter()
    {
        WsServer server;
        QVERIFY(server.listen());
        ConnectionConfig config = fastConfig(server.url());
        config.backoff.initialMs = 5000;
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        QSignalSpy closed(&cm, &ConnectionManager::closed);
        QSignalSpy scheduled(&cm, &ConnectionManager::reconnectScheduled);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        const QString reason = QStringLiteral(R"({"retry_after_ms":150})");
        const QJsonObject goodbye { { QStringLiteral("type"), QStringLiteral("goodbye") },
                                    { QStringLiteral("code"), 1012 },
                                    { QStringLiteral("reason"), reason },
                                    { QStringLiteral("retry_after_ms"), 150 } };
        server.last()->sendTextMessage(QString::fromUtf8(QJsonDocument(goodbye).toJson(QJsonDocument::Compact)));
        server.last()->close(QWebSocketProtocol::CloseCode(1012), reason);
        QVERIFY(scheduled.wait(Long));
        QCOMPARE(closed.at(0).at(0).toInt(), 1012);
        QCOMPARE(closed.at(0).at(1).toString(), reason);
        QCOMPARE(scheduled.at(0).at(1).toInt(), 150);
        QCOMPARE(cm.stats().disconnectsByCode.value(1012), 1);
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
    }

    // Qt 6.4's client rejects close codes 1012-2999 as a protocol error: the code arrives as 1002 and
    // the reason is replaced. The engine must still reconnect (with its own backoff).
    void serviceRestartCloseStillReconnects()
    {
        WsServer server;
        QVERIFY(server.listen());
        ManualNetworkMonitor net;
        ConnectionManager cm(fastConfig(server.url()), &net);
        QSignalSpy closed(&cm, &ConnectionManager::closed);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        server.last()->close(QWebSocketProtocol::CloseCode(1012), QStringLiteral(R"({"retry_after_ms":120})"));
        QVERIFY(closed.wait(Long));
        const int code = closed.at(0).at(0).toInt();
        QVERIFY2(code == 1012 || code == 1002, qPrintable(QString::number(code)));
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 2, Long);
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
    }

    void expiredTokenIsRefreshedBeforeTheHandshake()
    {
        WsServer server;
        QVERIFY(server.listen());
        HttpServer http;
        QVERIFY(http.listen());
        const QString fresh = makeJwt(3600, QStringLiteral("fresh"));
        http.responder = [fresh](const HttpServer::Request &) {
            const QJsonObject o { { QStringLiteral("access_token"), fresh },
                                  { QStringLiteral("refresh_token"), QStringLiteral("refresh-2") },
                                  { QStringLiteral("expires_in"), 3600 } };
            return qMakePair(200, QJsonDocument(o).toJson(QJsonDocument::Compact));
        };
        ConnectionConfig config = fastConfig(server.url());
        config.credentials.accessToken = makeJwt(-10, QStringLiteral("stale"));
        config.credentials.refreshToken = QStringLiteral("refresh-1");
        config.credentials.refreshUrl = http.url();
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        StateLog log(&cm);
        QSignalSpy refreshed(&cm, &ConnectionManager::tokenRefreshed);
        cm.open();
        QCOMPARE(cm.state(), ConnectionState::RefreshingToken);
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);

        QCOMPARE(refreshed.size(), 1);
        QCOMPARE(http.requests().size(), 1);
        QCOMPARE(http.requests().at(0).method, QByteArray("POST"));
        QCOMPARE(QJsonDocument::fromJson(http.requests().at(0).body).object().value(QStringLiteral("refresh_token")).toString(),
                 QStringLiteral("refresh-1"));
        // The one and only handshake already carried the new token.
        QCOMPARE(server.connectionCount(), 1);
        QCOMPARE(server.requests().at(0).rawHeader("Authorization"), QByteArray("Bearer " + fresh.toUtf8()));
        QCOMPARE(cm.credentials().accessToken, fresh);
        QCOMPARE(cm.credentials().refreshToken, QStringLiteral("refresh-2"));
        QCOMPARE(log.states, (QList<ConnectionState> { ConnectionState::RefreshingToken, ConnectionState::Connecting,
                                                      ConnectionState::Connected }));
        QCOMPARE(cm.stats().tokenRefreshes, 1);
    }

    void close4001RefreshesThenReconnects()
    {
        WsServer server;
        QVERIFY(server.listen());
        connect(&server, &WsServer::clientConnected, &server, [&server](QWebSocket *s) {
            if (server.connectionCount() == 1)
                s->close(QWebSocketProtocol::CloseCode(4001), QStringLiteral("token expired"));
        });
        HttpServer http;
        QVERIFY(http.listen());
        http.responder = [](const HttpServer::Request &) {
            return qMakePair(200, QByteArray(R"({"access_token":"opaque-token-2","expires_in":600})"));
        };
        ConnectionConfig config = fastConfig(server.url());
        config.credentials.accessToken = QStringLiteral("opaque-token-1");
        config.credentials.refreshToken = QStringLiteral("refresh-1");
        config.credentials.refreshUrl = http.url();
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        StateLog log(&cm);
        QSignalSpy closed(&cm, &ConnectionManager::closed);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 2, Long);
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        QCOMPARE(closed.at(0).at(0).toInt(), 4001);
        QCOMPARE(http.requests().size(), 1);
        QCOMPARE(server.requests().at(0).rawHeader("Authorization"), QByteArray("Bearer opaque-token-1"));
        QCOMPARE(server.requests().at(1).rawHeader("Authorization"), QByteArray("Bearer opaque-token-2"));
        QVERIFY(log.states.contains(ConnectionState::RefreshingToken));
        QCOMPARE(cm.credentials().refreshToken, QStringLiteral("refresh-1")); // not rotated: kept
    }

    void proactiveRefreshWhileConnected()
    {
        WsServer server;
        QVERIFY(server.listen());
        HttpServer http;
        QVERIFY(http.listen());
        http.responder = [](const HttpServer::Request &) {
            return qMakePair(200, QByteArray(R"({"access_token":"opaque-2","refresh_token":"refresh-2","expires_in":3600})"));
        };
        ConnectionConfig config = fastConfig(server.url());
        config.credentials.accessToken = makeJwt(5); // issued 60 s ago: past 80 % of its life
        config.credentials.refreshToken = QStringLiteral("refresh-1");
        config.credentials.refreshUrl = http.url();
        config.tokenRefreshSkewMs = 100; // not due before connecting
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        StateLog log(&cm);
        QSignalSpy refreshed(&cm, &ConnectionManager::tokenRefreshed);
        cm.open();
        QCOMPARE(cm.state(), ConnectionState::Connecting);
        QVERIFY(refreshed.wait(Long));
        QCOMPARE(cm.state(), ConnectionState::Connected);
        QCOMPARE(cm.credentials().accessToken, QStringLiteral("opaque-2"));
        QCOMPARE(cm.credentials().refreshToken, QStringLiteral("refresh-2"));
        QCOMPARE(server.connectionCount(), 1); // refreshed in place, no reconnect
        QCOMPARE(log.states, (QList<ConnectionState> { ConnectionState::Connecting, ConnectionState::Connected }));
        QVERIFY(!refreshed.wait(300)); // the new token lives an hour: no second refresh
    }

    void brokenJwtIsAnErrorNotACrash()
    {
        WsServer server;
        QVERIFY(server.listen());
        ConnectionConfig config = fastConfig(server.url());
        config.credentials.accessToken = QStringLiteral("eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24gYXQgYWxs.c2ln"); // payload: "not json at all"
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        QSignalSpy errors(&cm, &ConnectionManager::errorOccurred);
        cm.open();
        QVERIFY(!errors.isEmpty());
        QCOMPARE(errors.at(0).at(0).value<ConnectionManager::Error>(), ConnectionManager::Error::InvalidToken);
        QVERIFY(!errors.at(0).at(1).toString().contains(QStringLiteral("bm90IGpzb24gYXQgYWxs")));
        // Nothing to refresh with: the server gets to decide.
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
    }

    void refusedAgainAfterRefreshSignsOut()
    {
        WsServer server;
        QVERIFY(server.listen());
        connect(&server, &WsServer::clientConnected, &server,
                [](QWebSocket *s) { s->close(QWebSocketProtocol::CloseCode(4001)); });
        HttpServer http;
        QVERIFY(http.listen());
        ConnectionConfig config = fastConfig(server.url());
        config.credentials.accessToken = QStringLiteral("opaque-token-1");
        config.credentials.refreshToken = QStringLiteral("refresh-1");
        config.credentials.refreshUrl = http.url();
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::SignedOut, Long);
        QCOMPARE(server.connectionCount(), 2);
        QCOMPARE(http.requests().size(), 1);
    }

    void refreshAnswering401SignsOutWithoutAttempts()
    {
        WsServer server;
        QVERIFY(server.listen());
        HttpServer http;
        QVERIFY(http.listen());
        http.responder = [](const HttpServer::Request &) {
            return qMakePair(401, QByteArray(R"({"error":"invalid_token"})"));
        };
        ConnectionConfig config = fastConfig(server.url());
        config.credentials.accessToken = makeJwt(-5);
        config.credentials.refreshToken = QStringLiteral("refresh-dead");
        config.credentials.refreshUrl = http.url();
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        QSignalSpy errors(&cm, &ConnectionManager::errorOccurred);
        QSignalSpy scheduled(&cm, &ConnectionManager::reconnectScheduled);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::SignedOut, Long);
        QVERIFY(!scheduled.wait(400));
        QCOMPARE(server.connectionCount(), 0);
        QCOMPARE(cm.stats().attempts, 0);
        QCOMPARE(http.requests().size(), 1);
        bool sawRejection = false;
        for (const auto &e : errors)
            sawRejection |= e.at(0).value<ConnectionManager::Error>() == ConnectionManager::Error::AuthenticationRejected;
        QVERIFY(sawRejection);
        // open() again is allowed (e.g. after a new sign-in) and asks again.
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(http.requests().size(), 2, Long);
    }

    void refreshNetworkErrorRetriesWithBackoff()
    {
        WsServer server;
        QVERIFY(server.listen());
        ConnectionConfig config = fastConfig(server.url());
        config.credentials.accessToken = makeJwt(-5);
        config.credentials.refreshToken = QStringLiteral("refresh-1");
        config.credentials.refreshUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/refresh").arg(unusedPort()));
        config.backoff.maxAttempts = 3;
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        QSignalSpy scheduled(&cm, &ConnectionManager::reconnectScheduled);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Failed, Long);
        QCOMPARE(scheduled.size(), 2);
        QCOMPARE(server.connectionCount(), 0);
    }

    void handshake401RefreshesThenSignsOut()
    {
        RawServer raw(RawServer::Mode::Unauthorized);
        QVERIFY(raw.listen());
        HttpServer http;
        QVERIFY(http.listen());
        ConnectionConfig config = fastConfig(raw.url());
        config.credentials.accessToken = QStringLiteral("opaque-token-1");
        config.credentials.refreshToken = QStringLiteral("refresh-1");
        config.credentials.refreshUrl = http.url();
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::SignedOut, Long);
        QCOMPARE(raw.unauthorizedCount(), 2);
        QCOMPARE(http.requests().size(), 1);
    }

    void silentServerIsDetected()
    {
        RawServer raw(RawServer::Mode::Silent);
        QVERIFY(raw.listen());
        ConnectionConfig config = fastConfig(raw.url());
        config.heartbeatMode = ConnectionConfig::HeartbeatMode::Frame;
        config.heartbeatIntervalMs = 200;
        config.pongTimeoutMs = 300;
        config.backoff.initialMs = 60000;
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        QSignalSpy errors(&cm, &ConnectionManager::errorOccurred);
        QSignalSpy closed(&cm, &ConnectionManager::closed);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        QElapsedTimer timer;
        timer.start();
        QVERIFY(closed.wait(Long));
        const qint64 took = timer.elapsed();
        QCOMPARE(closed.at(0).at(0).toInt(), 1006);
        QVERIFY2(took >= 400, qPrintable(QString::number(took)));  // interval + timeout, minus timer slack
        QVERIFY2(took <= 500 + 3000, qPrintable(QString::number(took)));
        QCOMPARE(errors.last().at(0).value<ConnectionManager::Error>(), ConnectionManager::Error::PongTimeout);
        QCOMPARE(cm.state(), ConnectionState::Reconnecting);
    }

    void heartbeatMeasuresRtt()
    {
        WsServer server;
        QVERIFY(server.listen());
        ConnectionConfig config = fastConfig(server.url());
        config.heartbeatMode = ConnectionConfig::HeartbeatMode::Frame;
        config.heartbeatIntervalMs = 50;
        config.pongTimeoutMs = 5000;
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        QSignalSpy pongs(&cm, &ConnectionManager::pongReceived);
        cm.open();
        QTRY_VERIFY_WITH_TIMEOUT(pongs.size() >= 3, Long);
        const ConnectionStats stats = cm.stats();
        QVERIFY(stats.pongs >= 3);
        QVERIFY(stats.rttLastMs >= 0);
        QVERIFY(stats.rttMaxMs >= stats.rttLastMs);
        QVERIFY(stats.rttAvgMs >= 0 && stats.rttAvgMs <= stats.rttMaxMs);
        QVERIFY(stats.lastPongAt.isValid());
        QCOMPARE(cm.state(), ConnectionState::Connected);
    }

    void jsonHeartbeat()
    {
        WsServer server;
        QVERIFY(server.listen());
        connect(&server, &WsServer::clientConnected, &server, [](QWebSocket *s) {
            connect(s, &QWebSocket::textMessageReceived, s, [s](const QString &text) {
                if (text == QLatin1String(R"({"type":"ping"})"))
                    s->sendTextMessage(QStringLiteral(R"({"type":"pong","server_time":1})"));
            });
        });
        ConnectionConfig config = fastConfig(server.url());
        config.heartbeatMode = ConnectionConfig::HeartbeatMode::Json;
        config.heartbeatIntervalMs = 50;
        config.pongTimeoutMs = 5000;
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        QSignalSpy pongs(&cm, &ConnectionManager::pongReceived);
        QSignalSpy received(&cm, &ConnectionManager::textMessageReceived);
        cm.open();
        QTRY_VERIFY_WITH_TIMEOUT(pongs.size() >= 2, Long);
        QVERIFY(server.received().contains(QStringLiteral(R"({"type":"ping"})")));
        QCOMPARE(received.size(), 0); // pongs are the heartbeat's, not the app's
    }

    void handshakeNeverCompletesTimesOut()
    {
        RawServer raw(RawServer::Mode::Stall);
        QVERIFY(raw.listen());
        ConnectionConfig config = fastConfig(raw.url());
        config.connectTimeoutMs = 300;
        config.backoff.initialMs = 60000;
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        QSignalSpy errors(&cm, &ConnectionManager::errorOccurred);
        QElapsedTimer timer;
        timer.start();
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Reconnecting, Long);
        const qint64 took = timer.elapsed();
        QVERIFY2(took >= 250 && took <= 300 + 3000, qPrintable(QString::number(took)));
        QCOMPARE(raw.acceptedCount(), 1);
        QCOMPARE(errors.first().at(0).value<ConnectionManager::Error>(), ConnectionManager::Error::HandshakeTimeout);
        QCOMPARE(cm.attempt(), 2);
    }

    void messagesQueuedOfflineArriveInOrder()
    {
        WsServer server;
        QVERIFY(server.listen());
        ConnectionConfig config = fastConfig(server.url());
        config.backoff.initialMs = 300;
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        QCOMPARE(cm.send(QStringLiteral("m0")), ConnectionManager::SendResult::Sent);
        QTRY_COMPARE_WITH_TIMEOUT(server.received().size(), 1, Long);
        server.last()->abort();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Reconnecting, Long);
        QStringList expected { QStringLiteral("m0") };
        for (int i = 1; i <= 20; ++i) {
            const QString text = QStringLiteral("m%1").arg(i);
            expected << text;
            QCOMPARE(cm.send(text), ConnectionManager::SendResult::Queued);
        }
        QCOMPARE(cm.queuedCount(), 20);
        QTRY_COMPARE_WITH_TIMEOUT(server.received().size(), 21, Long);
        QCOMPARE(server.received(), expected);
        QCOMPARE(cm.queuedCount(), 0);
    }

    void networkOfflineOnlineDrivesWaitingForNetwork()
    {
        WsServer server;
        QVERIFY(server.listen());
        ConnectionConfig config = fastConfig(server.url());
        config.backoff.initialMs = 60000; // an attempt within seconds can only be the network's doing
        config.backoff.maxMs = 60000;
        ManualNetworkMonitor net;
        net.setOnline(false);
        ConnectionManager cm(config, &net);
        cm.open();
        QCOMPARE(cm.state(), ConnectionState::WaitingForNetwork);
        QCOMPARE(cm.send(QStringLiteral("queued while offline")), ConnectionManager::SendResult::Queued);
        QTest::qWait(200); // nothing is attempted while offline
        QCOMPARE(cm.stats().attempts, 0);

        net.setOnline(true);
        QCOMPARE(cm.state(), ConnectionState::Connecting); // at once, no backoff
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        QTRY_COMPARE_WITH_TIMEOUT(server.received(), QStringList { QStringLiteral("queued while offline") }, Long);

        // Offline while connected: probe, do not drop a link that still works (loopback here).
        net.setOnline(false);
        QCOMPARE(cm.state(), ConnectionState::Connected);
        // The link dies while offline: wait for the network, spend no attempts.
        server.last()->abort();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::WaitingForNetwork, Long);
        const int attempts = cm.stats().attempts;
        net.setOnline(true);
        QCOMPARE(cm.state(), ConnectionState::Connecting);
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        QCOMPARE(cm.stats().attempts, attempts + 1);
        QCOMPARE(cm.attempt(), 0);
    }

    void attemptCutShortByOfflineIsNotCounted()
    {
        RawServer raw(RawServer::Mode::Stall); // the attempt hangs in the handshake
        QVERIFY(raw.listen());
        ConnectionConfig config = fastConfig(raw.url());
        config.backoff.maxAttempts = 1;
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(raw.acceptedCount(), 1, Long);
        net.setOnline(false);
        QCOMPARE(cm.state(), ConnectionState::WaitingForNetwork);
        QCOMPARE(cm.attempt(), 0);
        net.setOnline(true);
        QCOMPARE(cm.state(), ConnectionState::Connecting);
        QTRY_COMPARE_WITH_TIMEOUT(raw.acceptedCount(), 2, Long);
    }

    void networkChangeProbesAndDetectsDeadLink()
    {
        RawServer raw(RawServer::Mode::Silent);
        QVERIFY(raw.listen());
        ConnectionConfig config = fastConfig(raw.url());
        config.heartbeatMode = ConnectionConfig::HeartbeatMode::Frame;
        config.heartbeatIntervalMs = 60000;
        config.pongTimeoutMs = 60000;
        config.probeTimeoutMs = 200;
        config.backoff.initialMs = 60000;
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        QElapsedTimer timer;
        timer.start();
        net.notifyNetworkChanged();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Reconnecting, Long);
        QVERIFY2(timer.elapsed() < 200 + 3000, qPrintable(QString::number(timer.elapsed())));
    }

    void queueFullIsAnError()
    {
        ConnectionConfig config = fastConfig(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(unusedPort())));
        config.queueLimit = 3;
        ManualNetworkMonitor net;
        net.setOnline(false);
        ConnectionManager cm(config, &net);
        QSignalSpy errors(&cm, &ConnectionManager::errorOccurred);
        cm.open();
        for (int i = 0; i < 3; ++i)
            QCOMPARE(cm.send(QStringLiteral("x")), ConnectionManager::SendResult::Queued);
        QCOMPARE(cm.send(QStringLiteral("overflow")), ConnectionManager::SendResult::Rejected);
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.at(0).at(0).value<ConnectionManager::Error>(), ConnectionManager::Error::QueueFull);
        QCOMPARE(cm.queuedCount(), 3);
    }

    // Typed before the first open(), or after the user closed or the attempts ran out: still
    // delivered, in order, once the connection is opened.
    void sendWhileClosedIsQueuedForTheNextOpen()
    {
        WsServer server;
        QVERIFY(server.listen());
        ManualNetworkMonitor net;
        ConnectionManager cm(fastConfig(server.url()), &net);
        QSignalSpy errors(&cm, &ConnectionManager::errorOccurred);
        QCOMPARE(cm.state(), ConnectionState::Disconnected);
        QCOMPARE(cm.send(QStringLiteral("before open")), ConnectionManager::SendResult::Queued);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(server.received(), QStringList{QStringLiteral("before open")}, Long);
        cm.close();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Disconnected, Long);
        QCOMPARE(cm.send(QStringLiteral("after close")), ConnectionManager::SendResult::Queued);
        QCOMPARE(cm.queuedCount(), 1);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(server.received(), (QStringList{QStringLiteral("before open"), QStringLiteral("after close")}), Long);
        QCOMPARE(cm.queuedCount(), 0);
        QCOMPARE(errors.size(), 0);
    }

    void queryTransportAndRedaction()
    {
        WsServer server;
        QVERIFY(server.listen());
        ConnectionConfig config = fastConfig(server.url());
        config.tokenTransport = ConnectionConfig::TokenTransport::Query;
        const QString token = QStringLiteral("secret-token-value");
        config.credentials.accessToken = token;
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        const QNetworkRequest request = server.requests().at(0);
        QVERIFY(request.rawHeader("Authorization").isEmpty());
        QCOMPARE(QUrlQuery(request.url()).queryItemValue(QStringLiteral("access_token")), token);
        QVERIFY(!cm.displayUrl().toString().contains(token));
        server.last()->abort();
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 2, Long);
        for (const ConnectionEvent &e : cm.events())
            QVERIFY2(!e.text.contains(token), qPrintable(e.text));

        ConnectionConfig withSecrets = config;
        withSecrets.url = QUrl(QStringLiteral("wss://user:pw@example.org/ws?access_token=abc&room=1"));
        cm.setConfig(withSecrets);
        const QString shown = cm.displayUrl().toString();
        QVERIFY(!shown.contains(QStringLiteral("abc")));
        QVERIFY(!shown.contains(QStringLiteral("pw")));
        QVERIFY(shown.contains(QStringLiteral("room=1")));
    }

    void messageTransportSendsAuthFirst()
    {
        WsServer server;
        QVERIFY(server.listen());
        connect(&server, &WsServer::clientConnected, &server, [](QWebSocket *s) {
            connect(s, &QWebSocket::textMessageReceived, s, [s](const QString &text) {
                if (text.contains(QLatin1String("\"auth\"")))
                    s->sendTextMessage(QStringLiteral(R"({"type":"auth_ok"})"));
            });
        });
        ConnectionConfig config = fastConfig(server.url());
        config.tokenTransport = ConnectionConfig::TokenTransport::Message;
        config.credentials.accessToken = QStringLiteral("message-token");
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        QSignalSpy received(&cm, &ConnectionManager::textMessageReceived);
        cm.open();
        QCOMPARE(cm.send(QStringLiteral("after auth")), ConnectionManager::SendResult::Queued);
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        QTRY_COMPARE_WITH_TIMEOUT(server.received().size(), 2, Long);
        const QJsonObject auth = QJsonDocument::fromJson(server.received().at(0).toUtf8()).object();
        QCOMPARE(auth.value(QStringLiteral("type")).toString(), QStringLiteral("auth"));
        QCOMPARE(auth.value(QStringLiteral("token")).toString(), QStringLiteral("message-token"));
        QCOMPARE(server.received().at(1), QStringLiteral("after auth"));
        QVERIFY(server.requests().at(0).rawHeader("Authorization").isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, Long);
    }

    // Each attempt is a fresh transport from the factory: the seam a second transport plugs into.
    void eachAttemptUsesTheTransportFactory()
    {
        WsServer server;
        QVERIFY(server.listen());
        ManualNetworkMonitor net;
        ConnectionManager cm(fastConfig(server.url()), &net);
        int made = 0;
        cm.setTransportFactory([&made] {
            ++made;
            return new WebSocketTransport;
        });
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        QCOMPARE(made, 1);
        server.last()->abort();
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 2, Long);
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        QCOMPARE(made, 2);
        cm.setTransportFactory({}); // back to the default
        server.last()->abort();
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 3, Long);
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        QCOMPARE(made, 2);
    }

    void oversizedIncomingMessageDoesNotCrash()
    {
        WsServer server;
        QVERIFY(server.listen());
        ConnectionConfig config = fastConfig(server.url());
        config.maxIncomingMessageSize = 1024;
        config.backoff.initialMs = 60000;
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        QSignalSpy received(&cm, &ConnectionManager::textMessageReceived);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        server.last()->sendTextMessage(QString(4096, QLatin1Char('x')));
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Reconnecting, Long);
        QCOMPARE(received.size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestConnectionManager)
#include "tst_connectionmanager.moc"
