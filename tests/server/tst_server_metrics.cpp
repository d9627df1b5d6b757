// GET /metrics after a scripted session: every counter at the value the session implies, the
// text valid Prometheus exposition, and the endpoint's protection (token or loopback only).

#include "metricstext.h"
#include "servermetrics.h"
#include "servertestutil.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QStandardPaths>
#include <QtTest>

using namespace TestUtil;

namespace {
struct Scrape
{
    int status = 0;
    QByteArray contentType;
    QByteArray body;
};

Scrape get(const QUrl &url, const QByteArray &authorization = QByteArray(), const QByteArray &method = "GET")
{
    QNetworkAccessManager manager;
    QNetworkRequest request(url);
    if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization);
    QNetworkReply *reply = manager.sendCustomRequest(request, method);
    QSignalSpy spy(reply, &QNetworkReply::finished);
    Scrape result;
    if (!reply->isFinished() && !spy.wait(kTimeout))
        return result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    result.body = reply->readAll();
    reply->deleteLater();
    return result;
}
} // namespace

class TestServerMetrics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void scriptedSession();
    void slowConsumerClose();
    void promtoolAccepts();
    void bearerToken();
    void methodAndLoopback();

private:
    static MetricsText scrape(Fixture &fixture)
    {
        const Scrape s = get(fixture.url("/metrics"));
        MetricsText parsed = MetricsText::parse(QString::fromUtf8(s.body));
        if (s.status != 200)
            parsed.error = QStringLiteral("status %1").arg(s.status);
        return parsed;
    }
};

void TestServerMetrics::scriptedSession()
{
    Tether::ServerConfig config;
    config.demo = true;
    // A slow refill: the burst is all a connection gets within the test, whatever the machine's speed.
    config.rateLimitPerSecond = 0.01;
    config.rateLimitBurst = 8;
    config.rateLimitMaxViolations = 3;
    config.loginUserRatePerMinute = 2; // alice's third charged login within the minute is throttled
    Fixture fixture(config);
    QVERIFY(fixture.start());
    QVERIFY(fixture.server()->addUser(str("alice"), str("pw")));
    QVERIFY(fixture.server()->addUser(str("bob"), str("pw")));

    // alice: hello, two messages, one retried (a re-ack of a duplicate), then a normal close.
    Client alice;
    QVERIFY(alice.open(fixture.ws(), fixture.token(str("alice"))));
    QVERIFY(!alice.hello().isEmpty());
    const QString first = QUuid::createUuid().toString(QUuid::WithoutBraces);
    QCOMPARE(alice.sendMessage(str("lobby"), str("one"), first).value(str("seq")).toInt(), 1);
    QCOMPARE(alice.sendMessage(str("lobby"), str("two")).value(str("seq")).toInt(), 2);
    QCOMPARE(alice.sendMessage(str("lobby"), str("one"), first).value(str("seq")).toInt(), 1);
    QVERIFY(QTest::qWaitFor([&] { return alice.framesOfType(str("message")).size() == 2; }, kTimeout));

    // bob floods pings: 8 pass (the burst), 3 are refused with rate_limited, the 4th refusal closes 1008.
    Client bob;
    QVERIFY(bob.open(fixture.ws(), fixture.token(str("bob"))));
    for (int i = 0; i < 20; ++i)
        bob.send(QJsonObject{ { str("type"), str("ping") }, { str("ts"), i } });
    QVERIFY(bob.waitClosed());
    QCOMPARE(bob.intendedCloseCode(), 1008);
    QCOMPARE(bob.framesOfType(str("pong")).size(), 8);
    QCOMPARE(bob.framesOfType(str("error")).size(), 3);

    // A forged token: closed 4003, an auth failure.
    Client forger;
    QVERIFY(forger.open(fixture.ws(), str("not-a-token")) || forger.isClosed());
    QVERIFY(forger.waitClosed());
    QCOMPARE(forger.intendedCloseCode(), 4003);

    // Logins: one wrong password, one right, one without a password field, one throttled.
    QCOMPARE(postJson(fixture.url("/api/auth/login"), QJsonObject{ { str("username"), str("alice") }, { str("password"), str("nope") } }).status, 401);
    QCOMPARE(postJson(fixture.url("/api/auth/login"), QJsonObject{ { str("username"), str("alice") }, { str("password"), str("pw") } }).status, 200);
    QCOMPARE(postJson(fixture.url("/api/auth/login"), QJsonObject{ { str("username"), str("alice") } }).status, 400);
    // A body without a password is refused before the throttle; the two above used alice's minute.
    QCOMPARE(postJson(fixture.url("/api/auth/login"), QJsonObject{ { str("username"), str("alice") }, { str("password"), str("pw") } }).status, 429);

    alice.socket().close(QWebSocketProtocol::CloseCodeNormal);
    QVERIFY(alice.waitClosed());

    // The server has seen all three connections end.
    MetricsText m;
    QTRY_VERIFY_WITH_TIMEOUT((m = scrape(fixture),
                              m.value(str("tether_server_connection_duration_seconds_count")) == 3.0),
                             kTimeout);
    QVERIFY2(m.error.isEmpty(), qPrintable(m.error));
    auto expect = [&](const char *series, double wanted) {
        const QString name = str(series);
        if (!m.has(name))
            return QStringLiteral("missing %1").arg(name);
        if (m.value(name) != wanted)
            return QStringLiteral("%1 is %2, expected %3").arg(name).arg(m.value(name)).arg(wanted);
        return QString();
    };
    const QList<QPair<const char *, double>> expected = {
        { "tether_server_connects_total{kind=\"websocket\"}", 3 },
        { "tether_server_connections_open{kind=\"websocket\"}", 0 },
        { "tether_server_disconnects_total{by=\"peer\",code=\"1000\",kind=\"websocket\"}", 1 },
        { "tether_server_disconnects_total{by=\"server\",code=\"1008\",kind=\"websocket\"}", 1 },
        { "tether_server_disconnects_total{by=\"server\",code=\"4003\",kind=\"websocket\"}", 1 },
        { "tether_server_policy_closes_total{reason=\"rate_limit\"}", 1 },
        { "tether_server_policy_closes_total{reason=\"auth_failure\"}", 1 },
        { "tether_server_policy_closes_total{reason=\"slow_consumer\"}", 0 },
        { "tether_server_frames_received_total{type=\"hello\"}", 1 },
        { "tether_server_frames_received_total{type=\"send\"}", 3 },
        { "tether_server_frames_received_total{type=\"ping\"}", 8 },
        // The rate limit is charged before parsing: the 3 refused pings and the one that closed are not parsed.
        { "tether_server_frames_received_total{type=\"other\"}", 4 },
        { "tether_server_frames_sent_total{type=\"welcome\"}", 1 },
        { "tether_server_frames_sent_total{type=\"synced\"}", 1 },
        { "tether_server_frames_sent_total{type=\"ack\"}", 3 },
        { "tether_server_frames_sent_total{type=\"message\"}", 2 },
        { "tether_server_frames_sent_total{type=\"pong\"}", 8 },
        { "tether_server_frames_sent_total{type=\"error\"}", 3 },
        { "tether_server_frames_sent_total{type=\"goodbye\"}", 2 },
        { "tether_server_errors_sent_total{code=\"rate_limited\"}", 3 },
        { "tether_server_errors_sent_total{code=\"not_member\"}", 0 },
        { "tether_server_messages_stored_total", 2 },
        { "tether_server_messages_acked_total", 3 },
        { "tether_server_send_ack_latency_seconds_count", 3 },
        { "tether_server_replay_messages_count", 1 },
        { "tether_server_replay_messages_sum", 0 },
        { "tether_server_login_attempts_total{outcome=\"success\"}", 1 },
        { "tether_server_login_attempts_total{outcome=\"invalid_credentials\"}", 1 },
        { "tether_server_login_attempts_total{outcome=\"bad_request\"}", 1 },
        { "tether_server_login_attempts_total{outcome=\"rate_limited\"}", 1 },
        { "tether_server_storage_errors_total", 0 },
        { "tether_server_storage_up", 1 },
    };
    for (const auto &e : expected) {
        const QString problem = expect(e.first, e.second);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
    const QString buildInfo = QStringLiteral("tether_server_build_info{qt_version=\"%1\",version=\"%2\"}")
                                      .arg(QString::fromLatin1(qVersion()), QStringLiteral(TETHER_VERSION));
    QCOMPARE(m.value(buildInfo), 1.0);
    QCOMPARE(m.types.value(str("tether_server_connection_duration_seconds")), str("histogram"));
    QCOMPARE(m.types.value(str("tether_server_connects_total")), str("counter"));
    QVERIFY(m.value(str("tether_server_send_ack_latency_seconds_sum")) > 0);

    // Bounded labels only: no user, conversation, token or address made it into a series.
    for (auto it = m.samples.cbegin(); it != m.samples.cend(); ++it) {
        for (const char *leak : { "alice", "bob", "lobby", "127.0.0.1", "not-a-token" })
            QVERIFY2(!it.key().contains(str(leak)), qPrintable(it.key()));
    }
}

void TestServerMetrics::slowConsumerClose()
{
    // A client that asks for history and never reads: past --send-buffer bytes it is closed 4008,
    // counted as a slow-consumer policy close and a server disconnect with that code.
    Tether::ServerConfig config;
    config.allowGuests = true;
    config.demo = true;
    config.rateLimitPerSecond = 0;
    config.userRatePerSecond = 0; // the writer's sends are not paced
    config.sendBufferBytes = 256 * 1024;
    config.shutdownGraceMs = 300;
    config.authTimeoutMs = 0;
    config.replayLimit = 0; // and with it the serve budget: this is about the send buffer alone
    Fixture fixture(config);
    QVERIFY(fixture.start());
    Client writer; // no hello: it gets acks, not the broadcasts
    QVERIFY(writer.open(fixture.ws()));
    const int count = 300;
    for (int i = 0; i < count; ++i)
        writer.send(QJsonObject{ { str("type"), str("send") }, { str("id"), QStringLiteral("m-%1").arg(i) },
                                 { str("conversation"), str("lobby") },
                                 { str("text"), QStringLiteral("m%1 ").arg(i).leftJustified(1000, QLatin1Char('.')) } });
    QTRY_COMPARE_WITH_TIMEOUT(writer.framesOfType(str("ack")).size(), count, kTimeout);

    QTcpSocket slow;
    slow.setReadBufferSize(1024); // Qt stops reading from the kernel: the receive window closes
    slow.connectToHost(QHostAddress::LocalHost, quint16(fixture.ws().port()));
    QVERIFY(slow.waitForConnected(kTimeout));
    slow.write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(fixture.server()->connectionCount(), 2, kTimeout);
    const QByteArray history = R"({"type":"history","conversation":"lobby","after":0,"limit":500})";
    QByteArray frames;
    for (int i = 0; i < 400; ++i)
        frames += RawClient::maskedText(history);
    slow.write(frames);
    QTRY_COMPARE_WITH_TIMEOUT(fixture.server()->connectionCount(), 1, 30000);

    MetricsText m;
    QTRY_VERIFY_WITH_TIMEOUT((m = scrape(fixture),
                              m.value(str("tether_server_disconnects_total{by=\"server\",code=\"4008\",kind=\"websocket\"}")) == 1.0),
                             kTimeout);
    QVERIFY2(m.error.isEmpty(), qPrintable(m.error));
    QCOMPARE(m.value(str("tether_server_policy_closes_total{reason=\"slow_consumer\"}")), 1.0);
    QVERIFY(!writer.isClosed());
}

void TestServerMetrics::promtoolAccepts()
{
    // Prometheus' own linter (Debian package prometheus: large, so not in scripts/deps; the parser
    // above proves the format wherever it is missing).
    const QString promtool = QStandardPaths::findExecutable(str("promtool"));
    if (promtool.isEmpty())
        QSKIP("promtool not installed (Debian package prometheus)");
    Tether::ServerConfig config;
    config.demo = true;
    config.allowGuests = true;
    Fixture fixture(config);
    QVERIFY(fixture.start());
    {
        Client guest;
        QVERIFY(guest.open(fixture.ws()));
        QVERIFY(!guest.hello().isEmpty());
        QVERIFY(!guest.sendMessage(str("lobby"), str("for the linter")).isEmpty());
        guest.socket().close();
        QVERIFY(guest.waitClosed());
    }
    QTRY_VERIFY_WITH_TIMEOUT(get(fixture.url("/metrics")).body.contains("tether_server_disconnects_total{"), kTimeout);
    const Scrape s = get(fixture.url("/metrics"));
    QCOMPARE(s.status, 200);
    QProcess check;
    check.start(promtool, { str("check"), str("metrics") });
    QVERIFY(check.waitForStarted(kTimeout));
    check.write(s.body);
    check.closeWriteChannel();
    QVERIFY(check.waitForFinished(kTimeout));
    const QByteArray said = check.readAllStandardOutput() + check.readAllStandardError();
    QVERIFY2(check.exitStatus() == QProcess::NormalExit && check.exitCode() == 0, said.constData());
}

void TestServerMetrics::bearerToken()
{
    Tether::ServerConfig config;
    config.metricsToken = str("s3cret-metrics");
    Fixture fixture(config);
    QVERIFY(fixture.start());
    const QUrl url = fixture.url("/metrics");

    const Scrape none = get(url);
    QCOMPARE(none.status, 401); // even from loopback: the token is the rule once set
    QVERIFY(!none.body.contains("tether_server_"));
    QCOMPARE(get(url, "Bearer wrong").status, 401);
    QCOMPARE(get(url, "Bearer s3cret-metric").status, 401);
    QCOMPARE(get(url, "Basic s3cret-metrics").status, 401);
    const Scrape ok = get(url, "Bearer s3cret-metrics");
    QCOMPARE(ok.status, 200);
    QVERIFY(ok.contentType.startsWith("text/plain"));
    const MetricsText parsed = MetricsText::parse(QString::fromUtf8(ok.body));
    QVERIFY2(parsed.error.isEmpty(), qPrintable(parsed.error));
    QVERIFY(!ok.body.contains("s3cret"));
}

void TestServerMetrics::methodAndLoopback()
{
    Fixture fixture;
    QVERIFY(fixture.start());
    QCOMPARE(get(fixture.url("/metrics"), QByteArray(), "POST").status, 405);
    // No token: loopback answers (the peer here), anyone else does not.
    QCOMPARE(get(fixture.url("/metrics")).status, 200);
    QVERIFY(Tether::ServerMetrics::mayScrape(QString(), QByteArray(), QHostAddress(str("::1"))));
    QVERIFY(!Tether::ServerMetrics::mayScrape(QString(), QByteArray(), QHostAddress(str("192.0.2.7"))));
    QVERIFY(!Tether::ServerMetrics::mayScrape(QString(), "Bearer x", QHostAddress(str("10.1.2.3"))));
}

QTEST_MAIN(TestServerMetrics)
#include "tst_server_metrics.moc"
