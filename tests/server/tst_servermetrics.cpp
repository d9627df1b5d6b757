// ServerMetrics on its own: bounded label values, the scrape rule, and the text exposition
// (proved by a strict parser that is itself shown to refuse broken text).

#include "metricstext.h"
#include "servermetrics.h"

#include <QtTest>

using TestUtil::MetricsText;
using Tether::ServerMetrics;

class TestServerMetricsUnit : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void labelsAreBounded();
    void scrapeRule();
    void exposition();
    void parserRefusesBrokenText_data();
    void parserRefusesBrokenText();
};

void TestServerMetricsUnit::labelsAreBounded()
{
    QCOMPARE(ServerMetrics::closeCodeLabel(1000), std::string("1000"));
    QCOMPARE(ServerMetrics::closeCodeLabel(4008), std::string("4008"));
    QCOMPARE(ServerMetrics::closeCodeLabel(4999), std::string("other"));
    QCOMPARE(ServerMetrics::closeCodeLabel(-1), std::string("other"));
    QCOMPARE(ServerMetrics::frameTypeLabel(u"send", true), std::string("send"));
    QCOMPARE(ServerMetrics::frameTypeLabel(u"send", false), std::string("other")); // the server never sends one
    QCOMPARE(ServerMetrics::frameTypeLabel(u"ack", false), std::string("ack"));
    QCOMPARE(ServerMetrics::frameTypeLabel(u"alice's \"type\"\n", true), std::string("other"));
    QCOMPARE(ServerMetrics::frameTypeLabel(u"", true), std::string("other"));
    QCOMPARE(ServerMetrics::errorCodeLabel(Tether::Protocol::ErrorCode::RateLimited), std::string("rate_limited"));
    QCOMPARE(ServerMetrics::errorCodeLabel(Tether::Protocol::ErrorCode::Unknown), std::string("other"));
}

void TestServerMetricsUnit::scrapeRule()
{
    const QHostAddress loopback(QHostAddress::LocalHost);
    const QHostAddress remote(QStringLiteral("203.0.113.9"));
    QVERIFY(ServerMetrics::mayScrape(QString(), QByteArray(), loopback));
    QVERIFY(ServerMetrics::mayScrape(QString(), QByteArray(), QHostAddress(QStringLiteral("::ffff:127.0.0.1"))));
    QVERIFY(!ServerMetrics::mayScrape(QString(), QByteArray(), remote));
    const QString token = QStringLiteral("t0ken");
    QVERIFY(ServerMetrics::mayScrape(token, "Bearer t0ken", remote));
    QVERIFY(ServerMetrics::mayScrape(token, "bearer   t0ken ", remote));
    QVERIFY(!ServerMetrics::mayScrape(token, QByteArray(), loopback));
    QVERIFY(!ServerMetrics::mayScrape(token, "Bearer", remote));
    QVERIFY(!ServerMetrics::mayScrape(token, "Bearer t0ke", remote));
    QVERIFY(!ServerMetrics::mayScrape(token, "Bearer t0ken2", remote));
    QVERIFY(!ServerMetrics::mayScrape(token, "Basic t0ken", remote));
}

void TestServerMetricsUnit::exposition()
{
    ServerMetrics metrics;
    metrics.connected(ServerMetrics::ConnectionKind::WebSocket);
    metrics.connected(ServerMetrics::ConnectionKind::WebSocket);
    metrics.disconnected(ServerMetrics::ConnectionKind::WebSocket, 1000, false, 2.5);
    metrics.disconnected(ServerMetrics::ConnectionKind::WebSocket, 4321, true, 7200);
    metrics.serverClosed(4008);
    metrics.serverClosed(1000); // not a policy close
    metrics.frameReceived(u"hello");
    metrics.frameReceived(u"no-such-type");
    metrics.frameSent(u"welcome");
    metrics.errorSent(Tether::Protocol::ErrorCode::NotMember);
    metrics.messageStored();
    metrics.messageAcked(0.003);
    metrics.replayed(42);
    metrics.loginAttempt(ServerMetrics::LoginOutcome::InvalidCredentials);
    metrics.storageError();
    metrics.setConnectionsOpen(ServerMetrics::ConnectionKind::WebSocket, 1);
    metrics.setStorageUp(true);

    const MetricsText m = MetricsText::parse(QString::fromUtf8(metrics.scrape()));
    QVERIFY2(m.error.isEmpty(), qPrintable(m.error));
    QCOMPARE(m.value(QStringLiteral("tether_server_connects_total{kind=\"websocket\"}")), 2.0);
    QCOMPARE(m.value(QStringLiteral("tether_server_disconnects_total{by=\"peer\",code=\"1000\",kind=\"websocket\"}")), 1.0);
    QCOMPARE(m.value(QStringLiteral("tether_server_disconnects_total{by=\"server\",code=\"other\",kind=\"websocket\"}")), 1.0);
    QCOMPARE(m.value(QStringLiteral("tether_server_connection_duration_seconds_count")), 2.0);
    QCOMPARE(m.value(QStringLiteral("tether_server_connection_duration_seconds_sum")), 7202.5);
    QCOMPARE(m.value(QStringLiteral("tether_server_connection_duration_seconds_bucket{le=\"10\"}")), 1.0);
    QCOMPARE(m.value(QStringLiteral("tether_server_connection_duration_seconds_bucket{le=\"+Inf\"}")), 2.0);
    QCOMPARE(m.value(QStringLiteral("tether_server_policy_closes_total{reason=\"slow_consumer\"}")), 1.0);
    QCOMPARE(m.value(QStringLiteral("tether_server_policy_closes_total{reason=\"rate_limit\"}")), 0.0);
    QCOMPARE(m.value(QStringLiteral("tether_server_frames_received_total{type=\"hello\"}")), 1.0);
    QCOMPARE(m.value(QStringLiteral("tether_server_frames_received_total{type=\"other\"}")), 1.0);
    QCOMPARE(m.value(QStringLiteral("tether_server_frames_sent_total{type=\"welcome\"}")), 1.0);
    QCOMPARE(m.value(QStringLiteral("tether_server_errors_sent_total{code=\"not_member\"}")), 1.0);
    QCOMPARE(m.value(QStringLiteral("tether_server_messages_stored_total")), 1.0);
    QCOMPARE(m.value(QStringLiteral("tether_server_send_ack_latency_seconds_bucket{le=\"0.005\"}")), 1.0);
    QCOMPARE(m.value(QStringLiteral("tether_server_send_ack_latency_seconds_bucket{le=\"0.0025\"}")), 0.0);
    QCOMPARE(m.value(QStringLiteral("tether_server_replay_messages_bucket{le=\"100\"}")), 1.0);
    QCOMPARE(m.value(QStringLiteral("tether_server_login_attempts_total{outcome=\"invalid_credentials\"}")), 1.0);
    QCOMPARE(m.value(QStringLiteral("tether_server_storage_errors_total")), 1.0);
    QCOMPARE(m.value(QStringLiteral("tether_server_connections_open{kind=\"websocket\"}")), 1.0);
    QCOMPARE(m.value(QStringLiteral("tether_server_storage_up")), 1.0);
    QCOMPARE(m.types.value(QStringLiteral("tether_server_storage_up")), QStringLiteral("gauge"));

    // Two registries do not share state (two servers in one process, as in the tests).
    ServerMetrics other;
    const MetricsText fresh = MetricsText::parse(QString::fromUtf8(other.scrape()));
    QVERIFY2(fresh.error.isEmpty(), qPrintable(fresh.error));
    QCOMPARE(fresh.value(QStringLiteral("tether_server_connects_total{kind=\"websocket\"}")), 0.0);
}

void TestServerMetricsUnit::parserRefusesBrokenText_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("no final newline") << QStringLiteral("# TYPE a counter\na 1");
    QTest::newRow("sample before TYPE") << QStringLiteral("a 1\n# TYPE a counter\n");
    QTest::newRow("bad name") << QStringLiteral("# TYPE a counter\n1a 1\n");
    QTest::newRow("unquoted label") << QStringLiteral("# TYPE a counter\na{x=1} 1\n");
    QTest::newRow("bad escape") << QStringLiteral("# TYPE a counter\na{x=\"\\q\"} 1\n");
    QTest::newRow("bad value") << QStringLiteral("# TYPE a counter\na one\n");
    QTest::newRow("negative counter") << QStringLiteral("# TYPE a counter\na -1\n");
    QTest::newRow("repeated series") << QStringLiteral("# TYPE a gauge\na 1\na 2\n");
    QTest::newRow("histogram without +Inf")
            << QStringLiteral("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n");
    QTest::newRow("histogram not cumulative")
            << QStringLiteral("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n");
}

void TestServerMetricsUnit::parserRefusesBrokenText()
{
    QFETCH(QString, text);
    QVERIFY(!MetricsText::parse(text).error.isEmpty());
    // And the same parser accepts well-formed text.
    QVERIFY(MetricsText::parse(QStringLiteral("# HELP a x\n# TYPE a counter\na{x=\"q\\\"\\n\"} 1 1700000000\n")).error.isEmpty());
}

QTEST_MAIN(TestServerMetricsUnit)
#include "tst_servermetrics.moc"
