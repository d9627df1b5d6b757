// ConnectionManager noticing a dead link, against real peers on 127.0.0.1 (raw TCP servers that
// stall or go silent): heartbeats (frame and JSON, RTT), a handshake that never completes, and the
// network going offline, online or changing. Millisecond-scale settings, generous upper bounds.
#include "connectionmanager.h"
#include "manualnetworkmonitor.h"
#include "managertestutil.h"
#include "testpeers.h"
#include "websockettransport.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace Tether;
using namespace TestPeers;

class TestConnectionLiveness : public QObject
{
    Q_OBJECT

private Q_SLOTS:
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
};

QTEST_GUILESS_MAIN(TestConnectionLiveness)
#include "tst_connectionliveness.moc"
