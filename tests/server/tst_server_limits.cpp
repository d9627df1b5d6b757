// Limits and failure handling: oversized frames (1009), idle timeout (1001), rate limit (errors,
// then 1008), max connections (HTTP 503), graceful shutdown (1012 + spread retry_after_ms), broken
// database files and a port in use.

#include "chatstore.h"
#include "servertestutil.h"

#include <QDir>
#include <QSet>
#include <QTimer>

using namespace TestUtil;

class TestServerLimits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oversizedFrame();
    void largeFrameWithinLimit();
    void idleTimeout();
    void rateLimit();
    void maxConnections();
    void shutdownCodesAndSpread();
    void shutdownKeepsAcknowledged();
    void shutdownWithoutClients();
    void corruptDatabase();
    void unwritableDatabase();
    void portInUse();
};

static Tether::ServerConfig guests()
{
    Tether::ServerConfig config;
    config.allowGuests = true;
    config.demo = true;
    return config;
}

void TestServerLimits::oversizedFrame()
{
    Fixture f(guests());
    QVERIFY(f.start());
    Client c;
    QVERIFY(c.open(f.ws()));
    QVERIFY(!c.hello().isEmpty());
    c.send(QJsonObject{ { str("type"), str("send") }, { str("id"), str("big") }, { str("conversation"), str("lobby") },
                        { str("text"), QString(600 * 1024, QLatin1Char('a')) } });
    QVERIFY(c.waitClosed());
    QCOMPARE(c.closeCode(), 1009);
    QVERIFY(c.framesOfType(str("ack")).isEmpty());
    // The server is fine and stored nothing.
    Client d;
    QVERIFY(d.open(f.ws()));
    QVERIFY(!d.hello(QJsonObject{ { str("lobby"), 0 } }).isEmpty());
    QVERIFY(d.framesOfType(str("message")).isEmpty());
}

void TestServerLimits::largeFrameWithinLimit()
{
    Tether::ServerConfig config = guests();
    config.maxTextBytes = 0; // the frame limit alone (--max-text is tested in tst_server_access)
    Fixture f(config);
    QVERIFY(f.start());
    Client c;
    QVERIFY(c.open(f.ws()));
    QVERIFY(!c.hello().isEmpty());
    const QJsonObject ack = c.sendMessage(str("lobby"), QString(400 * 1024, QLatin1Char('b')));
    QCOMPARE(ack.value(str("seq")).toInt(), 1);
    QVERIFY(!c.isClosed());
}

void TestServerLimits::idleTimeout()
{
    Tether::ServerConfig config = guests();
    config.idleTimeoutMs = 800;
    Fixture f(config);
    QVERIFY(f.start());
    Client silent, pinger, jsonPinger;
    QElapsedTimer clock;
    clock.start();
    QVERIFY(silent.open(f.ws()));
    QVERIFY(pinger.open(f.ws()));
    QVERIFY(jsonPinger.open(f.ws()));
    QCOMPARE(pinger.hello().value(str("heartbeat_ms")).toInt(), 266);
    // One client keeps alive with WebSocket ping frames only, one with {"type":"ping"}.
    QTimer keepAlive;
    QObject::connect(&keepAlive, &QTimer::timeout, &keepAlive, [&] {
        pinger.socket().ping(QByteArrayLiteral("hb"));
        jsonPinger.send(QJsonObject{ { str("type"), str("ping") } });
    });
    keepAlive.start(100);
    QVERIFY(silent.waitClosed());
    QCOMPARE(silent.closeCode(), 1001);
    QVERIFY(clock.elapsed() >= 750);
    // Well past several idle periods the heartbeating clients are still there.
    QVERIFY(QTest::qWaitFor([&] { return clock.elapsed() > 3000 || pinger.isClosed() || jsonPinger.isClosed(); }, kTimeout));
    QVERIFY(!pinger.isClosed());
    QVERIFY(!jsonPinger.isClosed());
    keepAlive.stop();
    QVERIFY(pinger.waitClosed());
    QCOMPARE(pinger.closeCode(), 1001);
}

void TestServerLimits::rateLimit()
{
    Tether::ServerConfig config = guests();
    config.rateLimitPerSecond = 5;
    config.rateLimitBurst = 10;
    config.rateLimitMaxViolations = 20;
    Fixture f(config);
    QVERIFY(f.start());
    Client c;
    QVERIFY(c.open(f.ws()));
    for (int i = 0; i < 200; ++i)
        c.send(QJsonObject{ { str("type"), str("ping") }, { str("id"), QStringLiteral("p%1").arg(i) } });
    QVERIFY(c.waitClosed());
    QCOMPARE(c.closeCode(), 1008);
    const QList<QJsonObject> errors = c.framesOfType(str("error"));
    QVERIFY(errors.size() >= 10);
    for (const QJsonObject &e : errors)
        QCOMPARE(e.value(str("code")).toString(), str("rate_limited"));
    QVERIFY(errors.first().value(str("id")).toString().startsWith(str("p")));
    QVERIFY(c.framesOfType(str("pong")).size() >= 10);

    // A client that stays under the limit is never bothered.
    Client polite;
    QVERIFY(polite.open(f.ws()));
    for (int i = 0; i < 5; ++i) {
        polite.send(QJsonObject{ { str("type"), str("ping") } });
        QVERIFY(!polite.waitFor(str("pong")).isEmpty());
    }
    QVERIFY(polite.framesOfType(str("error")).isEmpty());
}

// Over --max-connections the front door answers HTTP 503 before any upgrade (issue 10: raw
// sockets count too), so a WebSocket client sees its handshake refused rather than a 1013.
void TestServerLimits::maxConnections()
{
    Tether::ServerConfig config = guests();
    config.maxConnections = 2;
    Fixture f(config);
    QVERIFY(f.start());
    Client a, b, c;
    QVERIFY(a.open(f.ws()));
    QVERIFY(b.open(f.ws()));
    QVERIFY(!c.open(f.ws()));
    QTcpSocket raw;
    raw.connectToHost(QHostAddress::LocalHost, f.server()->port());
    QVERIFY(raw.waitForConnected(kTimeout));
    raw.write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    QByteArray answer;
    QVERIFY(QTest::qWaitFor([&] {
        answer += raw.readAll();
        return raw.state() == QAbstractSocket::UnconnectedState || answer.contains("\r\n\r\n");
    }, kTimeout));
    answer += raw.readAll();
    QVERIFY2(answer.startsWith("HTTP/1.1 503"), answer.constData());
    QVERIFY(answer.contains("Retry-After: "));
    QVERIFY(!a.isClosed());
    QVERIFY(!b.isClosed());
    a.socket().close();
    QVERIFY(a.waitClosed());
    QTRY_COMPARE_WITH_TIMEOUT(f.server()->connectionCount(), 1, kTimeout);
    Client d;
    QVERIFY(d.open(f.ws()));
    QVERIFY(!d.hello().isEmpty());
}

void TestServerLimits::shutdownCodesAndSpread()
{
    Tether::ServerConfig config = guests();
    config.restartSpreadMs = 2000;
    Fixture f(config);
    QVERIFY(f.start());
    constexpr int count = 20;
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < count; ++i) {
        clients.push_back(std::make_unique<Client>());
        QVERIFY(clients.back()->open(f.ws()));
    }
    RawClient raw;
    QVERIFY(raw.open(f.ws()));
    QTRY_COMPARE_WITH_TIMEOUT(f.server()->connectionCount(), count + 1, kTimeout);
    QSignalSpy finished(f.server(), &Tether::ChatServer::finished);
    f.server()->shutdown();
    QVERIFY(finished.count() == 1 || finished.wait(kTimeout));
    QList<int> delays;
    for (auto &c : clients) {
        QVERIFY(c->waitClosed());
        QCOMPARE(c->intendedCloseCode(), 1012);
        const QJsonObject reason = QJsonDocument::fromJson(c->intendedCloseReason().toUtf8()).object();
        QVERIFY2(reason.value(str("retry_after_ms")).isDouble(), qPrintable(c->intendedCloseReason()));
        QCOMPARE(c->framesOfType(str("goodbye")).constLast().value(str("retry_after_ms")), reason.value(str("retry_after_ms")));
        delays.append(reason.value(str("retry_after_ms")).toInt());
    }
    QVERIFY(raw.waitClosed());
    QCOMPARE(raw.closeCode(), 1012);
    const QJsonObject rawReason = QJsonDocument::fromJson(raw.closeReason()).object();
    QVERIFY2(rawReason.value(str("retry_after_ms")).isDouble(), raw.closeReason().constData());
    delays.append(rawReason.value(str("retry_after_ms")).toInt());
    std::sort(delays.begin(), delays.end());
    QVERIFY(delays.first() >= 0);
    QVERIFY(delays.last() < 2000);
    // Spread over the window: one per 2000/21 ms stratum, so the ends are near the window's ends.
    QVERIFY(delays.first() < 2000 / (count + 1));
    QVERIFY(delays.last() >= 2000 - 2000 / (count + 1) - 1);
    QCOMPARE(QSet<int>(delays.cbegin(), delays.cend()).size(), count + 1);
    // No longer accepting.
    Client late;
    QVERIFY(!late.open(f.ws()));
    QCOMPARE(finished.count(), 1);
}

void TestServerLimits::shutdownKeepsAcknowledged()
{
    Fixture f(guests());
    QVERIFY(f.start());
    Client c;
    QVERIFY(c.open(f.ws()));
    QVERIFY(!c.hello().isEmpty());
    for (int i = 0; i < 20; ++i)
        c.send(QJsonObject{ { str("type"), str("send") }, { str("id"), QStringLiteral("k%1").arg(i) },
                            { str("conversation"), str("lobby") }, { str("text"), str("keep") } });
    QVERIFY(QTest::qWaitFor([&] { return c.framesOfType(str("ack")).size() == 20; }, kTimeout));
    QSignalSpy finished(f.server(), &Tether::ChatServer::finished);
    f.server()->shutdown();
    QVERIFY(finished.count() == 1 || finished.wait(kTimeout));
    QVERIFY(c.waitClosed());
    QCOMPARE(c.intendedCloseCode(), 1012);
    // Straight from the file: every acknowledged message is there.
    Tether::ChatStore store;
    QString error;
    QVERIFY2(store.open(f.config().databasePath, &error), qPrintable(error));
    const auto stored = store.messagesAfter(str("lobby"), 0);
    QCOMPARE(stored.size(), 20);
    for (const QJsonObject &ack : c.framesOfType(str("ack"))) {
        const int seq = ack.value(str("seq")).toInt();
        QCOMPARE(stored.at(seq - 1).id, ack.value(str("id")).toString());
    }
}

void TestServerLimits::shutdownWithoutClients()
{
    Fixture f(guests());
    QVERIFY(f.start());
    QSignalSpy finished(f.server(), &Tether::ChatServer::finished);
    f.server()->shutdown();
    QVERIFY(finished.wait(kTimeout));
    QVERIFY(!f.server()->isListening());
}

void TestServerLimits::corruptDatabase()
{
    Fixture f(guests());
    {
        QFile file(f.config().databasePath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QByteArray junk;
        for (int i = 0; i < 4096; ++i)
            junk.append(char((i * 37) & 0xff));
        file.write(junk);
    }
    Tether::ChatServer server(f.config());
    QString error;
    QVERIFY(!server.start(&error));
    QVERIFY2(error.contains(f.config().databasePath), qPrintable(error));
    QVERIFY(!server.isListening());
    // The broken file is left as it was (no silent re-creation over it).
    QFile file(f.config().databasePath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.size(), 4096);

    // A valid SQLite header with garbage after it is caught too.
    Fixture g(guests());
    QVERIFY(g.start());
    Client c;
    QVERIFY(c.open(g.ws()));
    QVERIFY(!c.hello().isEmpty());
    for (int i = 0; i < 30; ++i)
        c.sendMessage(str("lobby"), QString(2000, QLatin1Char('m')));
    g.stop();
    {
        QFile db(g.config().databasePath);
        QVERIFY(db.open(QIODevice::ReadWrite));
        QVERIFY(db.size() > 8192);
        db.seek(4096);
        db.write(QByteArray(db.size() - 4096, '\xA5'));
    }
    Tether::ChatServer broken(g.config());
    QVERIFY(!broken.start(&error));
    QVERIFY(!error.isEmpty());
}

void TestServerLimits::unwritableDatabase()
{
    Fixture f(guests());
    // A path below a regular file cannot be created, even as root.
    QFile blocker(f.dir().filePath(str("blocker")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    Tether::ServerConfig config = f.config();
    config.databasePath = f.dir().filePath(str("blocker/sub/server.sqlite"));
    Tether::ChatServer server(config);
    QString error;
    QVERIFY(!server.start(&error));
    QVERIFY2(error.contains(str("blocker")), qPrintable(error));
    // A directory where the file should be.
    QVERIFY(QDir(f.dir().path()).mkdir(str("adir")));
    config.databasePath = f.dir().filePath(str("adir"));
    Tether::ChatServer server2(config);
    QVERIFY(!server2.start(&error));
    QVERIFY(error.contains(str("adir")));
    // addUser on a broken path reports too.
    QVERIFY(!server2.addUser(str("zoe"), str("pw"), &error));
    QVERIFY(!error.isEmpty());
}

void TestServerLimits::portInUse()
{
    Fixture a(guests());
    QVERIFY(a.start());
    Fixture b(guests());
    b.config().port = a.server()->port();
    Tether::ChatServer server(b.config());
    QString error;
    QVERIFY(!server.start(&error));
    QVERIFY2(error.contains(QString::number(a.server()->port())), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestServerLimits)
#include "tst_server_limits.moc"
