// ConnectionManager against real peers on 127.0.0.1 (a QWebSocketServer, raw TCP servers):
// connect, send, receive and close; reconnects with backoff, "reconnect now", minimum uptime,
// the server's retry_after and goodbye, the offline queue and its bound, the transport factory and
// hostile sizes. Tokens are tst_connectionauth's, liveness (heartbeat, network) tst_connectionliveness's.
// Millisecond-scale settings, generous upper bounds (the suite also runs under ASan on a loaded machine).
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
