// Bounded work per request and per connection (issue 10, item 2): the hello replay stops at
// --replay-limit per conversation and synced.more names the rest; a history page is bounded in
// bytes; a connection that does not read is closed as a slow consumer (4008) once --send-buffer
// bytes wait for it; every frame, text or binary, is charged to the rate limiter before parsing.

#include "servertestutil.h"

#include <QLoggingCategory>
#include <QMutex>

using namespace TestUtil;

namespace {
// The server's log lines, for what a client that does not read cannot see itself.
QMutex s_logMutex;
QStringList s_log;
QtMessageHandler s_previous = nullptr;

void captureLog(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&s_logMutex);
        s_log.append(message);
    }
    if (type != QtInfoMsg && s_previous)
        s_previous(type, context, message);
}

bool logContains(const QString &text)
{
    QMutexLocker lock(&s_logMutex);
    for (const QString &line : std::as_const(s_log)) {
        if (line.contains(text))
            return true;
    }
    return false;
}
} // namespace

class TestServerLoad : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void replayStopsAtTheLimit();
    void replayLimitOff();
    void replayBoundedByTheSendBuffer();
    void historyPageBoundedInBytes();
    void slowConsumerIsClosed();
    void historyServeBudget();
    void binaryFramesAreRateLimited();
    void refusedFramesAreNotParsed();
};

static Tether::ServerConfig guests()
{
    Tether::ServerConfig config;
    config.allowGuests = true;
    config.demo = true;
    config.userRatePerSecond = 0; // these tests send in bulk on purpose (the per-user rate has its own tests)
    return config;
}

void TestServerLoad::initTestCase()
{
    QLoggingCategory::setFilterRules(QStringLiteral("tether.server.info=true"));
    s_previous = qInstallMessageHandler(captureLog);
}

void TestServerLoad::cleanupTestCase()
{
    qInstallMessageHandler(s_previous);
}

static void fill(Client &writer, const QString &conversation, int count, int textBytes = 20)
{
    for (int i = 0; i < count; ++i)
        writer.send(QJsonObject{ { str("type"), str("send") }, { str("id"), QStringLiteral("%1-%2").arg(conversation).arg(i) },
                                 { str("conversation"), conversation },
                                 { str("text"), QStringLiteral("m%1 ").arg(i).leftJustified(textBytes, QLatin1Char('.')) } });
    (void)QTest::qWaitFor([&] {
        int acks = 0;
        for (const QJsonObject &ack : writer.framesOfType(str("ack")))
            acks += ack.value(str("conversation")).toString() == conversation ? 1 : 0;
        return acks >= count;
    }, kTimeout);
}

void TestServerLoad::replayStopsAtTheLimit()
{
    Tether::ServerConfig config = guests();
    config.replayLimit = 5;
    config.rateLimitPerSecond = 0;
    Fixture f(config);
    QVERIFY(f.start());
    Client writer;
    QVERIFY(writer.open(f.ws()));
    QVERIFY(!writer.hello().isEmpty());
    fill(writer, str("lobby"), 12);
    writer.skipAll();
    fill(writer, str("echo"), 2); // + 2 echo-bot answers: 4, under the limit
    QTRY_COMPARE_WITH_TIMEOUT(writer.framesOfType(str("message")).size(), 12 + 2 + 2, kTimeout);

    Client reader;
    QVERIFY(reader.open(f.ws()));
    reader.send(QJsonObject{ { str("type"), str("hello") }, { str("protocol"), 1 } });
    const QJsonObject synced = reader.waitFor(str("synced"));
    QVERIFY(!synced.isEmpty());
    QCOMPARE(synced.value(str("more")).toArray(), QJsonArray{ str("lobby") });
    QList<int> lobby, echo;
    for (const QJsonObject &m : reader.framesOfType(str("message")))
        (m.value(str("conversation")).toString() == str("lobby") ? lobby : echo).append(m.value(str("seq")).toInt());
    QCOMPARE(lobby, (QList<int>{ 1, 2, 3, 4, 5 })); // oldest missed first
    QCOMPARE(echo, (QList<int>{ 1, 2, 3, 4 }));

    // Resuming past most of it: only the limit again, still the oldest missed.
    Client again;
    QVERIFY(again.open(f.ws()));
    again.send(QJsonObject{ { str("type"), str("hello") }, { str("protocol"), 1 },
                            { str("resume"), QJsonObject{ { str("lobby"), 4 }, { str("echo"), 4 } } } });
    // The same hello again at once (same pass): a repeated hello beyond the serve budget is told
    // to retry, cheaply.
    again.send(QJsonObject{ { str("type"), str("hello") }, { str("protocol"), 1 }, { str("id"), str("hello:2") } });
    QCOMPARE(again.waitFor(str("synced")).value(str("more")).toArray(), QJsonArray{ str("lobby") });
    const QJsonObject refused = again.waitFor(str("error"));
    QCOMPARE(refused.value(str("code")).toString(), str("rate_limited"));
    QCOMPARE(refused.value(str("id")).toString(), str("hello:2"));
    QCOMPARE(again.framesOfType(str("welcome")).size(), 1);
    QList<int> seqs;
    for (const QJsonObject &m : again.framesOfType(str("message")))
        seqs.append(m.value(str("seq")).toInt());
    QCOMPARE(seqs, (QList<int>{ 5, 6, 7, 8, 9 }));
    // The rest comes with history (on a fresh connection: this one's serve budget went to the
    // replay); a reader that has everything gets an empty list.
    Client pager;
    QVERIFY(pager.open(f.ws()));
    pager.send(QJsonObject{ { str("type"), str("history") }, { str("conversation"), str("lobby") }, { str("after"), 9 } });
    const QJsonObject page = pager.waitFor(str("history"));
    QCOMPARE(page.value(str("messages")).toArray().size(), 3);
    Client upToDate;
    QVERIFY(upToDate.open(f.ws()));
    upToDate.send(QJsonObject{ { str("type"), str("hello") }, { str("protocol"), 1 },
                               { str("resume"), QJsonObject{ { str("lobby"), 12 }, { str("echo"), 4 } } } });
    QCOMPARE(upToDate.waitFor(str("synced")).value(str("more")).toArray(), QJsonArray());
}

void TestServerLoad::replayLimitOff()
{
    Tether::ServerConfig config = guests();
    config.replayLimit = 0;
    config.rateLimitPerSecond = 0;
    Fixture f(config);
    QVERIFY(f.start());
    Client writer;
    QVERIFY(writer.open(f.ws()));
    QVERIFY(!writer.hello().isEmpty());
    fill(writer, str("lobby"), 600);
    Client reader;
    QVERIFY(reader.open(f.ws()));
    QVERIFY(!reader.hello().isEmpty());
    QCOMPARE(reader.framesOfType(str("message")).size(), 600);
    QCOMPARE(reader.framesOfType(str("synced")).constLast().value(str("more")).toArray(), QJsonArray());
}

// A replay stops once half the connection's send buffer is taken, and the rest is named in more:
// a guest that repeats hello and never reads (the replay flood) gets nothing more for the later
// ones, so the server holds a bounded amount for it however often it asks.
void TestServerLoad::replayBoundedByTheSendBuffer()
{
    Tether::ServerConfig config = guests();
    config.rateLimitPerSecond = 0;
    config.sendBufferBytes = 64 * 1024;
    config.replayLimit = 500;
    config.authTimeoutMs = 0;
    Fixture f(config);
    QVERIFY(f.start());
    Client writer; // no hello: it gets acks, not the broadcasts
    QVERIFY(writer.open(f.ws()));
    fill(writer, str("lobby"), 200, 1000);

    Client reader;
    QVERIFY(reader.open(f.ws()));
    reader.send(QJsonObject{ { str("type"), str("hello") }, { str("protocol"), 1 } });
    const QJsonObject first = reader.waitFor(str("synced"));
    QCOMPARE(first.value(str("more")).toArray(), QJsonArray{ str("lobby") });
    const int firstReplay = int(reader.framesOfType(str("message")).size());
    // Half the buffer (32 KiB) of ~1.1 KB frames: about 30, never all 200.
    QVERIFY2(firstReplay > 0 && firstReplay < 60, qPrintable(QString::number(firstReplay)));
    QVERIFY(!reader.isClosed());
}

void TestServerLoad::historyPageBoundedInBytes()
{
    Tether::ServerConfig config = guests();
    config.rateLimitPerSecond = 0;
    config.sendBufferBytes = 64 * 1024; // a page holds at most a quarter: 16 KiB
    config.authTimeoutMs = 0;
    Fixture f(config);
    QVERIFY(f.start());
    Client writer; // no hello: it gets acks, not the broadcasts
    QVERIFY(writer.open(f.ws()));
    fill(writer, str("lobby"), 40, 4000);
    Client reader;
    QVERIFY(reader.open(f.ws()));
    QVERIFY(!reader.hello(QJsonObject{ { str("lobby"), 40 } }).isEmpty());
    qint64 after = 0;
    int pages = 0;
    QList<int> seqs;
    while (after < 40 && pages < 40) {
        reader.send(QJsonObject{ { str("type"), str("history") }, { str("conversation"), str("lobby") },
                                 { str("after"), after }, { str("limit"), 100 } });
        const QJsonObject page = reader.waitFor(str("history"));
        QVERIFY(!page.isEmpty());
        const QJsonArray messages = page.value(str("messages")).toArray();
        QVERIFY(!messages.isEmpty());
        QVERIFY2(messages.size() <= 4, qPrintable(QString::number(messages.size())));
        for (const QJsonValue &m : messages)
            seqs.append(m.toObject().value(str("seq")).toInt());
        after = seqs.constLast();
        QVERIFY2(page.value(str("has_more")).toBool() == (after < 40),
                 qPrintable(QStringLiteral("after %1, %2 messages, has_more %3").arg(after).arg(messages.size())
                                    .arg(page.value(str("has_more")).toBool())));
        ++pages;
    }
    QCOMPARE(seqs.size(), 40);
    for (int i = 0; i < 40; ++i)
        QCOMPARE(seqs[i], i + 1);
}

// A client that asks for history and never reads its answers: once --send-buffer bytes wait for
// it, it is closed with 4008; a reading bystander is untouched.
void TestServerLoad::slowConsumerIsClosed()
{
    Tether::ServerConfig config = guests();
    config.rateLimitPerSecond = 0;
    config.sendBufferBytes = 256 * 1024;
    config.shutdownGraceMs = 300;
    config.authTimeoutMs = 0;
    config.replayLimit = 0; // and with it the serve budget: this is about the send buffer alone
    Fixture f(config);
    QVERIFY(f.start());
    Client writer; // no hello: it gets acks, not the broadcasts
    QVERIFY(writer.open(f.ws()));
    fill(writer, str("lobby"), 300, 1000);

    QTcpSocket slow;
    slow.setReadBufferSize(1024); // Qt stops reading from the kernel: the receive window closes
    slow.connectToHost(QHostAddress::LocalHost, quint16(f.ws().port()));
    QVERIFY(slow.waitForConnected(kTimeout));
    slow.write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(f.server()->connectionCount(), 2, kTimeout);
    const QByteArray history = R"({"type":"history","conversation":"lobby","after":0,"limit":500})";
    QByteArray frames;
    for (int i = 0; i < 400; ++i)
        frames += RawClient::maskedText(history);
    slow.write(frames);
    QVERIFY(QTest::qWaitFor([&] { return logContains(str("closing slow consumer")); }, 30000));
    QTRY_COMPARE_WITH_TIMEOUT(f.server()->connectionCount(), 1, kTimeout);
    QVERIFY(QTest::qWaitFor([&] { return logContains(str("close_code=4008 closed_by=server")); }, kTimeout));
    // The bystander is fine.
    QVERIFY(!writer.isClosed());
    writer.send(QJsonObject{ { str("type"), str("ping") }, { str("ts"), 7 } });
    QCOMPARE(writer.waitFor(str("pong")).value(str("ts")).toInt(), 7);
}

// Replays and history pages share a per-connection serve budget (a burst of --replay-limit
// messages, four times that a second): a burst of history requests gets one budget's worth of
// messages and rate_limited (with each request's id) for the rest, so it cannot hold the loop.
void TestServerLoad::historyServeBudget()
{
    Tether::ServerConfig config = guests();
    config.rateLimitPerSecond = 0;
    config.replayLimit = 50;
    config.authTimeoutMs = 0;
    Fixture f(config);
    QVERIFY(f.start());
    Client writer;
    QVERIFY(writer.open(f.ws()));
    fill(writer, str("lobby"), 300);
    Client reader;
    QVERIFY(reader.open(f.ws()));
    for (int i = 0; i < 10; ++i)
        reader.send(QJsonObject{ { str("type"), str("history") }, { str("conversation"), str("lobby") },
                                 { str("after"), 0 }, { str("limit"), 100 }, { str("id"), QStringLiteral("h%1").arg(i) } });
    QVERIFY(QTest::qWaitFor([&] {
        return reader.framesOfType(str("history")).size() + reader.framesOfType(str("error")).size() == 10;
    }, kTimeout));
    int served = 0;
    for (const QJsonObject &page : reader.framesOfType(str("history"))) {
        served += int(page.value(str("messages")).toArray().size());
        QVERIFY(page.value(str("has_more")).toBool());
    }
    // The burst, and what refilled while the ten were handled (four times 50 a second).
    QVERIFY2(served >= 50 && served <= 70, qPrintable(QString::number(served)));
    const QList<QJsonObject> errors = reader.framesOfType(str("error"));
    QVERIFY2(errors.size() >= 5, qPrintable(QString::number(errors.size())));
    for (const QJsonObject &e : errors) {
        QCOMPARE(e.value(str("code")).toString(), str("rate_limited"));
        QVERIFY(e.value(str("id")).toString().startsWith(str("h")));
    }
    // The budget refills (200 messages a second here): paging goes on.
    QTRY_VERIFY_WITH_TIMEOUT([&] {
        reader.skipAll();
        reader.send(QJsonObject{ { str("type"), str("history") }, { str("conversation"), str("lobby") }, { str("after"), 0 },
                                 { str("limit"), 20 } });
        return !reader.waitFor(str("history"), 500).value(str("messages")).toArray().isEmpty();
    }(), kTimeout);
}

// Binary frames skipped the rate limiter: a flood of them is now refused and closed 1008.
void TestServerLoad::binaryFramesAreRateLimited()
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
        c.socket().sendBinaryMessage(QByteArray(1000, char(i)));
    QVERIFY(c.waitClosed());
    QCOMPARE(c.closeCode(), 1008);
    const QList<QJsonObject> errors = c.framesOfType(str("error"));
    int limited = 0, badJson = 0;
    for (const QJsonObject &e : errors) {
        limited += e.value(str("code")).toString() == str("rate_limited") ? 1 : 0;
        badJson += e.value(str("code")).toString() == str("bad_json") ? 1 : 0;
    }
    QVERIFY(badJson >= 10 && badJson <= 13); // the burst, then a token now and then
    QVERIFY(limited >= 10);
}

// A refused frame is not parsed: a small one is still read for its id (so the client can retry
// it), a large one is dropped unread.
void TestServerLoad::refusedFramesAreNotParsed()
{
    Tether::ServerConfig config = guests();
    config.rateLimitPerSecond = 1;
    config.rateLimitBurst = 3;
    config.rateLimitMaxViolations = 1000;
    Fixture f(config);
    QVERIFY(f.start());
    Client c;
    QVERIFY(c.open(f.ws()));
    for (int i = 0; i < 3; ++i)
        c.send(QJsonObject{ { str("type"), str("ping") }, { str("id"), QStringLiteral("ok%1").arg(i) } });
    c.send(QJsonObject{ { str("type"), str("ping") }, { str("id"), str("small") } });
    c.send(QJsonObject{ { str("type"), str("ping") }, { str("id"), str("large") },
                        { str("pad"), QString(100 * 1024, QLatin1Char('x')) } });
    c.sendRaw(str("{ not even json"));
    QVERIFY(QTest::qWaitFor([&] { return c.framesOfType(str("error")).size() >= 3; }, kTimeout));
    const QList<QJsonObject> errors = c.framesOfType(str("error"));
    QCOMPARE(errors[0].value(str("code")).toString(), str("rate_limited"));
    QCOMPARE(errors[0].value(str("id")).toString(), str("small"));
    QCOMPARE(errors[1].value(str("code")).toString(), str("rate_limited"));
    QVERIFY(!errors[1].contains(str("id"))); // never parsed
    QCOMPARE(errors[2].value(str("code")).toString(), str("rate_limited")); // charged before "bad_json"
    QCOMPARE(c.framesOfType(str("pong")).size(), 3);
}

QTEST_GUILESS_MAIN(TestServerLoad)
#include "tst_server_load.moc"
