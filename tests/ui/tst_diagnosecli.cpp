// `tether --diagnose URL`: headless, shows each check on stderr in the interface language, prints
// the report once on stdout in English (JSON only with --json), exits 0 when all pass and 1 when
// one fails (support scripts rely on it).

#include "chatserver.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Tether;

class TestDiagnoseCli : public QObject
{
    Q_OBJECT

private:
    struct Result { int exitCode = -1; QString out; QString err; };
    static Result run(const QStringList &args)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("minimal-that-does-not-exist"));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(TETHER_APP), args);
        if (!p.waitForFinished(90000)) {
            p.kill();
            return {};
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }

private Q_SLOTS:
    // Refused before any window is needed: no display here, yet a message and exit code 2.
    void badArgumentsExitTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("unknown option") << QStringList{QStringLiteral("--bogus")};
        QTest::newRow("unknown language") << QStringList{QStringLiteral("--lang"), QStringLiteral("de")};
        QTest::newRow("http server") << QStringList{QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:5/ws")};
        QTest::newRow("no host") << QStringList{QStringLiteral("--server"), QStringLiteral("ws:///ws")};
        QTest::newRow("http diagnose") << QStringList{QStringLiteral("--diagnose"),
                                                      QStringLiteral("http://127.0.0.1:5/ws?access_token=SECRET9")};
        QTest::newRow("stray argument") << QStringList{QStringLiteral("extra")};
    }

    void badArgumentsExitTwo()
    {
        QFETCH(QStringList, args);
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb")); // would abort if a window were made
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(TETHER_APP), args);
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 2);
        const QString err = QString::fromLocal8Bit(p.readAllStandardError());
        QVERIFY2(err.startsWith(QLatin1String("tether: ")), qPrintable(err));
        QVERIFY(!err.contains(QLatin1String("SECRET9")));
    }

    void passesAgainstARealServer()
    {
        QTemporaryDir dir;
        ServerConfig config;
        config.databasePath = dir.filePath(QStringLiteral("s.sqlite"));
        config.allowGuests = true;
        ChatServer server(config);
        QVERIFY(server.start());
        // The server lives in this process: run the child without blocking our event loop.
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("no-such-platform")); // no GUI needed
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(TETHER_APP), {QStringLiteral("--diagnose"), server.webSocketUrl().toString(),
                                             QStringLiteral("--lang"), QStringLiteral("en"), QStringLiteral("--json")});
        QTRY_COMPARE_WITH_TIMEOUT(p.state(), QProcess::NotRunning, 90000);
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QVERIFY2(p.exitCode() == 0, qPrintable(out + QString::fromUtf8(p.readAllStandardError())));
        QVERIFY2(out.contains(QLatin1String("[PASS] WebSocket handshake")), qPrintable(out));
        QVERIFY(out.contains(QLatin1String("[PASS] Ping round trips")));
        QVERIFY(out.contains(QLatin1String("[SKIP] TLS handshake")));
        QVERIFY(out.contains(QLatin1String("--- JSON ---")));
        QVERIFY(out.contains(QLatin1String("\"all_passed\": true")));
        // Finding 12: a verdict first, and every check once.
        QVERIFY2(out.section(QLatin1Char('\n'), 1, 1).startsWith(QLatin1String("Verdict: every check passed")), qPrintable(out));
        QCOMPARE(out.left(out.indexOf(QLatin1String("--- JSON ---"))).count(QLatin1String("WebSocket handshake")), 1);
    }

    void failsWithExitCodeOne()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        const Result r = run({QStringLiteral("--diagnose"), QStringLiteral("ws://127.0.0.1:%1/ws?access_token=s3cr3t-t0ken").arg(port),
                              QStringLiteral("--lang"), QStringLiteral("ru")});
        QCOMPARE(r.exitCode, 1);
        // The person at the terminal reads Russian; the report for support staff is English.
        QVERIFY2(r.err.contains(QStringLiteral("[FAIL] Соединение TCP")), qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("[FAIL] TCP connect")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("Verdict: nothing accepts connections")), qPrintable(r.out));
        static const QRegularExpression cyrillic(QStringLiteral("[\\x{0400}-\\x{04FF}]"));
        QVERIFY2(!r.out.contains(cyrillic), qPrintable(r.out));
        QVERIFY2(!r.out.contains(QLatin1String("--- JSON ---")), "JSON without --json");
        QVERIFY2(!r.out.contains(QLatin1String("s3cr3t-t0ken")), "the token leaked into the report");
        QVERIFY2(!r.err.contains(QLatin1String("s3cr3t-t0ken")), "the token leaked into the progress");
    }

    // What scripts/run does on a fresh machine: no settings, so the app starts its embedded server
    // and connects to it as a guest.
    void appStartsOnItsEmbeddedServer()
    {
        QTemporaryDir home;
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("HOME"), home.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("tether.*.info=true"));
        p.setProcessEnvironment(env);
        p.setProcessChannelMode(QProcess::MergedChannels);
        QString log;
        connect(&p, &QProcess::readyRead, this, [&] { log += QString::fromUtf8(p.readAll()); });
        p.start(QStringLiteral(TETHER_APP), {QStringLiteral("--lang"), QStringLiteral("ru")});
        QVERIFY(p.waitForStarted(10000));
        QTRY_VERIFY2_WITH_TIMEOUT(log.contains(QLatin1String("embedded server on ws://127.0.0.1:")), qPrintable(log), 60000);
        QTRY_VERIFY2_WITH_TIMEOUT(log.contains(QLatin1String("connecting -> connected")), qPrintable(log), 60000);
        QCOMPARE(p.state(), QProcess::Running);
        p.kill();
        p.waitForFinished(10000);
    }
};

QTEST_GUILESS_MAIN(TestDiagnoseCli)
#include "tst_diagnosecli.moc"
