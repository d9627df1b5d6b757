// The tether-server executable: the "listening" stdout line, bad flags (exit 2), --add-user,
// a broken database (exit 1) and SIGTERM (1012 to clients, exit 0).

#include "servertestutil.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTcpSocket>

#include <csignal>
#include <memory>
#include <sys/resource.h>
#include <vector>

using namespace TestUtil;

// waitForFinished() is false for a process that already finished while the event loop ran.
static bool waitFinished(QProcess &process)
{
    return process.state() == QProcess::NotRunning || process.waitForFinished(kTimeout);
}

class TestServerCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void listeningLineAndSigterm();
    void sigintAlsoGraceful();
    void badFlags_data();
    void badFlags();
    void addUser();
    void addConversation();
    void brokenDatabase();
    void help();
    void jsonLogs();
    void keepsAcceptingAfterRunningOutOfDescriptors();
    void defaultCapAnswersInsteadOfRunningOut();

private:
    static QString binary() { return QString::fromLocal8Bit(TETHER_SERVER_BIN); }
    // Starts the server and returns the parsed listening line (empty on failure).
    static QJsonObject startServer(QProcess *process, const QStringList &args)
    {
        process->setProgram(binary());
        process->setArguments(args);
        process->start();
        if (!process->waitForStarted(kTimeout))
            return QJsonObject();
        if (!QTest::qWaitFor([&] { return process->canReadLine() || process->state() == QProcess::NotRunning; }, kTimeout))
            return QJsonObject();
        return QJsonDocument::fromJson(process->readLine()).object();
    }
};

void TestServerCli::listeningLineAndSigterm()
{
    QTemporaryDir dir;
    QProcess process;
    const QJsonObject line = startServer(&process, { str("--listen"), str("127.0.0.1:0"), str("--db"),
                                                     dir.filePath(str("s.sqlite")), str("--allow-guests"), str("--demo"),
                                                     str("--restart-spread"), str("0.5") });
    QCOMPARE(line.value(str("event")).toString(), str("listening"));
    const QUrl ws(line.value(str("ws")).toString());
    const QUrl httpUrl(line.value(str("http")).toString());
    QCOMPARE(ws.scheme(), str("ws"));
    QCOMPARE(ws.host(), str("127.0.0.1"));
    QCOMPARE(ws.path(), str("/ws"));
    QVERIFY(ws.port() > 0);
    QCOMPARE(httpUrl.toString(), QStringLiteral("http://127.0.0.1:%1").arg(ws.port()));
    QVERIFY(process.readAllStandardOutput().isEmpty()); // exactly one line

    QUrl health = httpUrl;
    health.setPath(str("/health"));
    QCOMPARE(http("GET", health).body.value(str("status")).toString(), str("ok"));

    Client guest;
    QVERIFY(guest.open(ws));
    QVERIFY(!guest.hello().isEmpty());
    QCOMPARE(guest.sendMessage(str("echo"), str("ping?")).value(str("seq")).toInt(), 1);
    QVERIFY(QTest::qWaitFor([&] { return guest.framesOfType(str("message")).size() == 2; }, kTimeout));

    process.terminate(); // SIGTERM
    QVERIFY(guest.waitClosed());
    QCOMPARE(guest.intendedCloseCode(), 1012);
    const int retry = QJsonDocument::fromJson(guest.intendedCloseReason().toUtf8()).object().value(str("retry_after_ms")).toInt(-1);
    QVERIFY(retry >= 0 && retry < 500);
    QVERIFY(waitFinished(process));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
    const QByteArray logs = process.readAllStandardError();
    QVERIFY(logs.contains("disconnect"));
    QVERIFY(logs.contains("close_code=1012"));

    // The messages are on disk for the next start.
    QProcess again;
    const QJsonObject line2 = startServer(&again, { str("--db"), dir.filePath(str("s.sqlite")), str("--allow-guests"), str("--demo") });
    QVERIFY(!line2.isEmpty());
    Client back;
    QVERIFY(back.open(QUrl(line2.value(str("ws")).toString())));
    QVERIFY(!back.hello(QJsonObject{ { str("echo"), 0 } }).isEmpty());
    QCOMPARE(back.framesOfType(str("message")).size(), 2);
    again.terminate();
    QVERIFY(waitFinished(again));
    QCOMPARE(again.exitCode(), 0);
}

void TestServerCli::sigintAlsoGraceful()
{
    QTemporaryDir dir;
    QProcess process;
    const QJsonObject line = startServer(&process, { str("--db"), dir.filePath(str("s.sqlite")), str("--allow-guests") });
    QVERIFY(!line.isEmpty());
    RawClient raw;
    QVERIFY(raw.open(QUrl(line.value(str("ws")).toString())));
    ::kill(pid_t(process.processId()), SIGINT);
    QVERIFY(raw.waitClosed());
    QCOMPARE(raw.closeCode(), 1012);
    QVERIFY(waitFinished(process));
    QCOMPARE(process.exitCode(), 0);
}

void TestServerCli::badFlags_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("unknown") << QStringList{ str("--frobnicate") };
    QTest::newRow("log format") << QStringList{ str("--log-format"), str("xml") };
    QTest::newRow("listen without port") << QStringList{ str("--listen"), str("127.0.0.1") };
    QTest::newRow("listen bad host") << QStringList{ str("--listen"), str("not a host:1") };
    QTest::newRow("ttl not a number") << QStringList{ str("--access-ttl"), str("abc") };
    QTest::newRow("negative idle") << QStringList{ str("--idle-timeout"), str("-1") };
    QTest::newRow("max connections words") << QStringList{ str("--max-connections"), str("lots") };
    QTest::newRow("missing value") << QStringList{ str("--db") };
    QTest::newRow("positional") << QStringList{ str("serve") };
}

void TestServerCli::badFlags()
{
    QFETCH(QStringList, args);
    QProcess process;
    process.start(binary(), args);
    QVERIFY(waitFinished(process));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 2);
    const QByteArray err = process.readAllStandardError();
    QVERIFY(err.startsWith("tether-server: "));
    QVERIFY(err.size() > 20);
    QVERIFY(process.readAllStandardOutput().isEmpty());
}

void TestServerCli::addUser()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(str("users.sqlite"));
    QProcess add;
    add.start(binary(), { str("--db"), db, str("--add-user"), str("carol") });
    QVERIFY(add.waitForStarted(kTimeout));
    add.write("hunter2\n");
    add.closeWriteChannel();
    QVERIFY(waitFinished(add));
    QCOMPARE(add.exitCode(), 0);
    QVERIFY(!add.readAllStandardError().contains("hunter2"));

    QProcess dup; // same name again fails cleanly
    dup.start(binary(), { str("--db"), db, str("--add-user"), str("carol") });
    QVERIFY(dup.waitForStarted(kTimeout));
    dup.write("other\n");
    dup.closeWriteChannel();
    QVERIFY(waitFinished(dup));
    QCOMPARE(dup.exitCode(), 1);
    QVERIFY(dup.readAllStandardError().contains("exists"));

    QProcess empty; // no password
    empty.start(binary(), { str("--db"), db, str("--add-user"), str("dave") });
    QVERIFY(empty.waitForStarted(kTimeout));
    empty.closeWriteChannel();
    QVERIFY(waitFinished(empty));
    QCOMPARE(empty.exitCode(), 1);

    QProcess server;
    const QJsonObject line = startServer(&server, { str("--db"), db });
    QVERIFY(!line.isEmpty());
    QUrl login(line.value(str("http")).toString());
    login.setPath(str("/api/auth/login"));
    QCOMPARE(postJson(login, QJsonObject{ { str("username"), str("carol") }, { str("password"), str("hunter2") } }).status, 200);
    QCOMPARE(postJson(login, QJsonObject{ { str("username"), str("carol") }, { str("password"), str("hunter3") } }).status, 401);
    server.terminate();
    QVERIFY(waitFinished(server));
    // The password is nowhere in the database file.
    QFile file(db);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains("hunter2"));
}

// The operator makes public conversations (guests see them) and private ones (nobody walks in).
void TestServerCli::addConversation()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(str("conversations.sqlite"));
    const auto run = [&](const QStringList &args, QByteArray *err = nullptr) {
        QProcess p;
        p.start(binary(), QStringList{ str("--db"), db } + args);
        if (!p.waitForStarted(kTimeout) || !waitFinished(p))
            return -1;
        if (err)
            *err = p.readAllStandardError();
        return p.exitCode();
    };
    QByteArray err;
    QCOMPARE(run({ str("--add-conversation"), str("news"), str("--title"), str("News"), str("--public") }, &err), 0);
    QVERIFY2(err.contains("news") && err.contains("public"), err.constData());
    QCOMPARE(run({ str("--add-conversation"), str("staff") }, &err), 0);
    QVERIFY2(err.contains("private"), err.constData());
    QCOMPARE(run({ str("--add-conversation"), str("not valid!") }, &err), 1);
    QVERIFY2(err.contains("invalid conversation id"), err.constData());
    QCOMPARE(run({ str("--title"), str("T") }, &err), 2);

    QProcess server;
    const QJsonObject line = startServer(&server, { str("--db"), db, str("--allow-guests") });
    QVERIFY(!line.isEmpty());
    Client guest;
    QVERIFY(guest.open(QUrl(line.value(str("ws")).toString())));
    QStringList ids;
    for (const QJsonValue &v : guest.hello().value(str("conversations")).toArray())
        ids.append(v.toObject().value(str("id")).toString());
    QCOMPARE(ids, QStringList{ str("news") });
    guest.send(QJsonObject{ { str("type"), str("join") }, { str("conversation"), str("staff") } });
    QCOMPARE(guest.waitFor(str("error")).value(str("code")).toString(), str("forbidden"));
    server.terminate();
    QVERIFY(waitFinished(server));
}

void TestServerCli::brokenDatabase()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(str("broken.sqlite"));
    QFile file(db);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(8192, 'Z'));
    file.close();
    QProcess process;
    process.start(binary(), { str("--db"), db });
    QVERIFY(waitFinished(process));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 1);
    QVERIFY(process.readAllStandardError().contains(db.toLocal8Bit()));
    QVERIFY(process.readAllStandardOutput().isEmpty());
}

void TestServerCli::help()
{
    QProcess process;
    process.start(binary(), { str("--help") });
    QVERIFY(waitFinished(process));
    QCOMPARE(process.exitCode(), 0);
    QVERIFY(process.readAllStandardOutput().contains("--allow-guests"));
}

void TestServerCli::jsonLogs()
{
    QTemporaryDir dir;
    QProcess process;
    const QJsonObject line = startServer(&process, { str("--listen"), str("127.0.0.1:0"), str("--db"),
                                                     dir.filePath(str("s.sqlite")), str("--allow-guests"), str("--demo"),
                                                     str("--log-format"), str("json"), str("--restart-spread"), str("0.1") });
    QCOMPARE(line.value(str("event")).toString(), str("listening"));
    const QUrl ws(line.value(str("ws")).toString());
    QUrl login(line.value(str("http")).toString());
    login.setPath(str("/api/auth/login"));
    // User text with quotes and a line break, and a password that must never be logged.
    const QString hostileName = str("mallory\"\n{\"level\":\"fake\"}");
    QCOMPARE(postJson(login, QJsonObject{ { str("username"), hostileName }, { str("password"), str("hunter2-do-not-log") } }).status, 401);
    Client guest;
    QVERIFY(guest.open(ws));
    QVERIFY(!guest.hello().isEmpty());
    process.terminate();
    QVERIFY(guest.waitClosed());
    QVERIFY(waitFinished(process));
    QCOMPARE(process.exitCode(), 0);

    const QByteArray logs = process.readAllStandardError();
    QVERIFY(!logs.contains("hunter2"));
    bool sawDisconnect = false;
    bool sawRefusal = false;
    const QList<QByteArray> lines = logs.split('\n');
    QVERIFY(lines.size() > 3);
    for (const QByteArray &raw : lines) {
        if (raw.isEmpty())
            continue;
        QJsonParseError error;
        const QJsonObject object = QJsonDocument::fromJson(raw, &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError && !object.isEmpty(), raw.constData()); // one object per line
        for (const char *key : { "time", "level", "category", "event" })
            QVERIFY2(object.value(str(key)).isString(), raw.constData());
        QVERIFY(object.value(str("level")).toString() != str("fake"));
        if (object.value(str("event")).toString() == str("disconnect")) {
            sawDisconnect = true;
            QCOMPARE(object.value(str("close_code")).toInt(), 1012);
            QVERIFY(object.value(str("connection")).toInt() > 0);
            QVERIFY(object.value(str("duration_s")).isDouble());
        }
        // User text is escaped (LogText) before it reaches the line, and the line is JSON: the
        // name's quote and line break cannot end the object or fake a field.
        if (object.value(str("message")).toString().startsWith(str("login refused for mallory")))
            sawRefusal = true;
    }
    QVERIFY(sawDisconnect);
    QVERIFY(sawRefusal);
}

QTEST_GUILESS_MAIN(TestServerCli)
#include "tst_server_cli.moc"

// A reconnect storm can exhaust the server's file descriptors. Whoever cannot be accepted must not
// hang in the backlog: the server gives up its spare descriptor to accept and close them at once,
// and accepts again (with backoff) once descriptors are free. Robust under load: nothing waits
// for a log line while the flood runs; the only clock is "before the held sockets' own 10 s".
void TestServerCli::keepsAcceptingAfterRunningOutOfDescriptors()
{
#if defined(__SANITIZE_ADDRESS__)
    // Not in the sanitizer build: starved of descriptors, UBSan's own vptr check cannot test
    // memory (it needs a pipe: "memory cannot be printed") and reports a valid QTcpSocket as
    // "invalid vptr" in the disconnected -> deleteLater call, then halts the server. Reproduced by
    // hand under prlimit --nofile=48; ASan finds nothing there. The normal build runs this test.
    QSKIP("descriptor exhaustion is not exercised in the sanitizer build (see comment)");
#endif
    QTemporaryDir dir;
    QProcess process;
    process.setChildProcessModifier([] {
        const rlimit limit{ 48, 48 };
        setrlimit(RLIMIT_NOFILE, &limit);
    });
    // No admission caps: this is about running out of descriptors itself.
    const QJsonObject line = startServer(&process, { str("--listen"), str("127.0.0.1:0"), str("--db"),
                                                     dir.filePath(str("s.sqlite")), str("--allow-guests"),
                                                     str("--max-connections"), str("0"), str("--max-per-address"), str("0") });
    QCOMPARE(line.value(str("event")).toString(), str("listening"));
    QUrl health(line.value(str("http")).toString());
    health.setPath(str("/health"));

    // 80 sockets that connect and say nothing: the server can hold fewer than 48.
    constexpr int flood = 80;
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    int closedByServer = 0;
    for (int i = 0; i < flood; ++i) {
        sockets.push_back(std::make_unique<QTcpSocket>());
        QObject::connect(sockets.back().get(), &QTcpSocket::disconnected, sockets.back().get(), [&] { ++closedByServer; });
        sockets.back()->connectToHost(QHostAddress::LocalHost, quint16(health.port()));
    }
    // Those that did not fit are closed at once, long before the held ones' 10 s head timeout
    // would have freed a descriptor for them.
    QElapsedTimer clock;
    clock.start();
    QByteArray log; // what the server said, kept for the checks below and any failure message
    const bool closedAtOnce = QTest::qWaitFor([&] { return closedByServer >= flood - 48; }, 8000);
    log += process.readAllStandardError();
    QVERIFY2(closedAtOnce, qPrintable(QStringLiteral("%1 of %2 closed; the server said: %3")
                                              .arg(closedByServer)
                                              .arg(flood)
                                              .arg(QString::fromUtf8(log))));
    QVERIFY(clock.elapsed() < 8000);
    for (auto &socket : sockets)
        socket->abort();
    sockets.clear();

    // Descriptors free again: accepting has resumed.
    bool healthy = false;
    QVERIFY(QTest::qWaitFor([&] {
        healthy = http("GET", health).body.value(str("status")).toString() == str("ok");
        return healthy;
    }, kTimeout));
    process.terminate();
    QVERIFY(waitFinished(process));
    QCOMPARE(process.exitCode(), 0);
    log += process.readAllStandardError();
    QVERIFY2(log.contains("out of file descriptors"), log.constData());
}

// With the default --max-connections (the descriptor limit minus a reserve) the server never runs
// out: the connections over the cap are answered 503 at once.
void TestServerCli::defaultCapAnswersInsteadOfRunningOut()
{
    QTemporaryDir dir;
    QProcess process;
    process.setChildProcessModifier([] {
        const rlimit limit{ 48, 48 };
        setrlimit(RLIMIT_NOFILE, &limit);
    });
    const QJsonObject line = startServer(&process, { str("--db"), dir.filePath(str("s.sqlite")),
                                                     str("--max-per-address"), str("0") });
    QCOMPARE(line.value(str("event")).toString(), str("listening"));
    const quint16 port = quint16(QUrl(line.value(str("http")).toString()).port());
    constexpr int flood = 60;
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    int refused = 0;
    for (int i = 0; i < flood; ++i) {
        sockets.push_back(std::make_unique<QTcpSocket>());
        QTcpSocket *socket = sockets.back().get();
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [&, socket] {
            if (socket->readAll().startsWith("HTTP/1.1 503"))
                ++refused;
        });
        socket->connectToHost(QHostAddress::LocalHost, port);
    }
    const int cap = 48 - 24; // AdmissionControl::defaultMaxConnections(48)
    QVERIFY2(QTest::qWaitFor([&] { return refused >= flood - cap; }, 8000),
             qPrintable(QStringLiteral("%1 refused").arg(refused)));
    for (auto &socket : sockets)
        socket->abort();
    process.terminate();
    QVERIFY(waitFinished(process));
    QCOMPARE(process.exitCode(), 0);
    const QByteArray log = process.readAllStandardError();
    QVERIFY(log.contains("over max connections 24"));
    QVERIFY(!log.contains("out of file descriptors"));
}
