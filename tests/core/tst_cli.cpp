// tether-cli as a black box: real process, real loopback WebSocket server, JSON lines on stdout.
#include "testpeers.h"
#include "tinyproxy.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocketServer>

using namespace TestPeers;

namespace {

constexpr int Long = 15000;

QList<QJsonObject> jsonLines(const QByteArray &out)
{
    QList<QJsonObject> lines;
    for (const QByteArray &line : out.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject()) {
            qWarning("not a JSON object line: %s", line.constData());
            return {};
        }
        lines.append(doc.object());
    }
    return lines;
}

QList<QJsonObject> withEvent(const QList<QJsonObject> &lines, const QString &event)
{
    QList<QJsonObject> out;
    for (const QJsonObject &o : lines) {
        if (o.value(QStringLiteral("event")).toString() == event)
            out.append(o);
    }
    return out;
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void badArgumentsExit2_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no url") << QStringList {};
        QTest::newRow("unknown option") << QStringList { QStringLiteral("--nope"), QStringLiteral("ws://127.0.0.1:1/") };
        QTest::newRow("not ws") << QStringList { QStringLiteral("http://127.0.0.1:1/") };
        QTest::newRow("bad jitter") << QStringList { QStringLiteral("--jitter"), QStringLiteral("lots"), QStringLiteral("ws://127.0.0.1:1/") };
        QTest::newRow("bad number") << QStringList { QStringLiteral("--pong-timeout"), QStringLiteral("soon"), QStringLiteral("ws://127.0.0.1:1/") };
        QTest::newRow("bad transport") << QStringList { QStringLiteral("--token-transport"), QStringLiteral("pigeon"), QStringLiteral("ws://127.0.0.1:1/") };
        QTest::newRow("two urls") << QStringList { QStringLiteral("ws://127.0.0.1:1/"), QStringLiteral("ws://127.0.0.1:2/") };
    }

    void badArgumentsExit2()
    {
        QFETCH(QStringList, args);
        QProcess p;
        p.start(QStringLiteral(TETHER_CLI_PATH), args);
        QVERIFY(p.waitForFinished(Long));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 2);
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(err.startsWith("tether-cli: "), err.constData());
        QVERIFY(p.readAllStandardOutput().isEmpty());
    }

    void linesBecomeFramesAndEofClosesCleanly()
    {
        WsServer server;
        QVERIFY(server.listen());
        connect(&server, &WsServer::clientConnected, &server,
                [](QWebSocket *s) { s->sendTextMessage(QStringLiteral("welcome \"friend\"")); });
        QProcess p;
        p.start(QStringLiteral(TETHER_CLI_PATH),
                { QStringLiteral("--json"), QStringLiteral("--token"), QStringLiteral("cli-secret-token"),
                  server.url().toString() });
        QVERIFY(p.waitForStarted(Long));
        p.write("first line\nsecond line\nthird\n");
        QTRY_COMPARE_WITH_TIMEOUT(server.received().size(), 3, Long);
        QCOMPARE(server.received(), (QStringList { QStringLiteral("first line"), QStringLiteral("second line"),
                                                  QStringLiteral("third") }));
        QCOMPARE(server.requests().at(0).rawHeader("Authorization"), QByteArray("Bearer cli-secret-token"));
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput()).contains("welcome"), Long);
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(Long));
        out += p.readAllStandardOutput();
        QCOMPARE(p.exitCode(), 0);

        const QList<QJsonObject> lines = jsonLines(out);
        QVERIFY(!lines.isEmpty());
        qint64 lastT = -1;
        for (const QJsonObject &o : lines) {
            QVERIFY(o.contains(QStringLiteral("event")));
            QVERIFY(o.value(QStringLiteral("t_ms")).isDouble());
            QVERIFY(o.value(QStringLiteral("t_ms")).toInteger() >= lastT);
            lastT = o.value(QStringLiteral("t_ms")).toInteger();
        }
        const auto states = withEvent(lines, QStringLiteral("state"));
        QVERIFY(states.size() >= 2);
        QCOMPARE(states.at(0).value(QStringLiteral("state")).toString(), QStringLiteral("connecting"));
        QCOMPARE(states.at(1).value(QStringLiteral("state")).toString(), QStringLiteral("connected"));
        const auto messages = withEvent(lines, QStringLiteral("message"));
        QCOMPARE(messages.size(), 1);
        QCOMPARE(messages.at(0).value(QStringLiteral("text")).toString(), QStringLiteral("welcome \"friend\""));
        QVERIFY(!out.contains("cli-secret-token"));
        QTRY_COMPARE_WITH_TIMEOUT(server.closeCodes(), QList<int> { 1000 }, Long);
    }

    void reconnectsAreReported()
    {
        WsServer server;
        QVERIFY(server.listen());
        QProcess p;
        p.start(QStringLiteral(TETHER_CLI_PATH),
                { QStringLiteral("--json"), QStringLiteral("--backoff-initial"), QStringLiteral("50"),
                  QStringLiteral("--jitter"), QStringLiteral("none"), QStringLiteral("--heartbeat"),
                  QStringLiteral("off"), server.url().toString() });
        QVERIFY(p.waitForStarted(Long));
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 1, Long);
        QTRY_VERIFY_WITH_TIMEOUT(server.last() && server.last()->isValid(), Long);
        server.last()->abort();
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 2, Long);
        p.write("after reconnect\n");
        QTRY_COMPARE_WITH_TIMEOUT(server.received(), QStringList { QStringLiteral("after reconnect") }, Long);
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(Long));
        QCOMPARE(p.exitCode(), 0);
        const QList<QJsonObject> lines = jsonLines(p.readAllStandardOutput());
        const auto closed = withEvent(lines, QStringLiteral("closed"));
        QVERIFY(!closed.isEmpty());
        QCOMPARE(closed.at(0).value(QStringLiteral("code")).toInt(), 1006);
        bool sawReconnecting = false;
        for (const QJsonObject &o : withEvent(lines, QStringLiteral("state"))) {
            if (o.value(QStringLiteral("state")).toString() == QLatin1String("reconnecting")) {
                sawReconnecting = true;
                QVERIFY(o.value(QStringLiteral("attempt")).toInt() >= 1);
                QCOMPARE(o.value(QStringLiteral("delay_ms")).toInt(), 50);
            }
        }
        QVERIFY(sawReconnecting);
    }

    void sigtermClosesWith1000()
    {
        WsServer server;
        QVERIFY(server.listen());
        QProcess p;
        p.start(QStringLiteral(TETHER_CLI_PATH), { QStringLiteral("--json"), server.url().toString() });
        QVERIFY(p.waitForStarted(Long));
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 1, Long);
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput()).contains("\"connected\""), Long);
        p.terminate(); // SIGTERM
        QVERIFY(p.waitForFinished(Long));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 128 + 15);
        QTRY_COMPARE_WITH_TIMEOUT(server.closeCodes(), QList<int> { 1000 }, Long);
    }

    void tokenRefreshIsReportedWithoutSecrets()
    {
        WsServer server;
        QVERIFY(server.listen());
        HttpServer http;
        QVERIFY(http.listen());
        http.responder = [](const HttpServer::Request &) {
            return qMakePair(200, QByteArray(R"({"access_token":"fresh-access-secret","refresh_token":"fresh-refresh-secret"})"));
        };
        const QString stale = makeJwt(-60);
        QProcess p;
        p.start(QStringLiteral(TETHER_CLI_PATH),
                { QStringLiteral("--json"), QStringLiteral("--verbose"), QStringLiteral("--token"), stale,
                  QStringLiteral("--refresh-token"), QStringLiteral("old-refresh-secret"),
                  QStringLiteral("--refresh-url"), http.url().toString(), QStringLiteral("--token-transport"),
                  QStringLiteral("query"), server.url().toString() });
        QVERIFY(p.waitForStarted(Long));
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 1, Long);
        QCOMPARE(QUrlQuery(server.requests().at(0).url()).queryItemValue(QStringLiteral("access_token")),
                 QStringLiteral("fresh-access-secret"));
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(Long));
        QCOMPARE(p.exitCode(), 0);
        const QByteArray out = p.readAllStandardOutput();
        const QByteArray err = p.readAllStandardError(); // --verbose: the engine's log
        QCOMPARE(withEvent(jsonLines(out), QStringLiteral("token_refreshed")).size(), 1);
        QVERIFY(!err.isEmpty());
        for (const QByteArray &secret : { QByteArray("fresh-access-secret"), QByteArray("fresh-refresh-secret"),
                                          QByteArray("old-refresh-secret"), stale.toUtf8() }) {
            QVERIFY2(!out.contains(secret), secret.constData());
            QVERIFY2(!err.contains(secret), secret.constData());
        }
    }

    // ws:// to another host: a warning on stderr (checked without connecting: the options fail
    // afterwards, so nothing leaves this computer). Loopback gets none.
    void insecureUrlIsWarnedAbout()
    {
        const auto run = [](const QString &url) {
            QProcess cli;
            cli.start(QStringLiteral(TETHER_CLI_PATH), {url, QStringLiteral("--proxy"), QStringLiteral("bogus")});
            cli.waitForFinished(30000);
            return QPair<int, QString>(cli.exitCode(), QString::fromUtf8(cli.readAllStandardError()));
        };
        const auto remote = run(QStringLiteral("ws://chat.example.invalid:8080/ws"));
        QCOMPARE(remote.first, 2);
        QVERIFY2(remote.second.contains(QLatin1String("not encrypted")), qPrintable(remote.second));
        QVERIFY(remote.second.contains(QLatin1String("chat.example.invalid")));
        QVERIFY(remote.second.contains(QLatin1String("--proxy")));
        const auto local = run(QStringLiteral("ws://127.0.0.1:8080/ws"));
        QCOMPARE(local.first, 2);
        QVERIFY2(!local.second.contains(QLatin1String("not encrypted")), qPrintable(local.second));
        const auto secure = run(QStringLiteral("wss://chat.example.invalid/ws"));
        QVERIFY(!secure.second.contains(QLatin1String("not encrypted")));
    }

    // Issue 12: a self-hosted server with its own certificate. Without trust: tls_untrusted with
    // the fingerprint, given up after the allowed attempts. --ca-file with its CA, or
    // --pin-sha256 with its fingerprint: connected. Another pin: tls_pin_mismatch, never accepted.
    void selfHostedServerWithCaFileOrPin()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                       QStringLiteral("-nodes"), QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                       QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1"),
                       QStringLiteral("-keyout"), dir.filePath(QStringLiteral("key.pem")), QStringLiteral("-out"),
                       dir.filePath(QStringLiteral("cert.pem"))});
        QVERIFY(openssl.waitForFinished(60000) && openssl.exitCode() == 0);
        QFile certFile(dir.filePath(QStringLiteral("cert.pem")));
        QFile keyFile(dir.filePath(QStringLiteral("key.pem")));
        QVERIFY(certFile.open(QIODevice::ReadOnly) && keyFile.open(QIODevice::ReadOnly));
        const QSslCertificate cert(&certFile, QSsl::Pem);
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setLocalCertificate(cert);
        ssl.setPrivateKey(QSslKey(&keyFile, QSsl::Rsa, QSsl::Pem));
        QWebSocketServer secure(QStringLiteral("tls-test"), QWebSocketServer::SecureMode);
        secure.setSslConfiguration(ssl);
        QVERIFY(secure.listen(QHostAddress::LocalHost, 0));
        QList<QWebSocket *> clients;
        connect(&secure, &QWebSocketServer::newConnection, &secure, [&] {
            while (QWebSocket *socket = secure.nextPendingConnection())
                clients << socket;
        });
        const QString url = QStringLiteral("wss://127.0.0.1:%1/ws").arg(secure.serverPort());
        const QString print = QString::fromLatin1(cert.digest(QCryptographicHash::Sha256).toHex(':').toUpper());

        // Runs the CLI until it is connected (then ends it by EOF) or gives up; its JSON lines.
        const auto run = [&](const QStringList &extra, int *exitCode) {
            QProcess p;
            p.start(QStringLiteral(TETHER_CLI_PATH), QStringList{QStringLiteral("--json"), QStringLiteral("--max-attempts"),
                                                                 QStringLiteral("1"), QStringLiteral("--backoff-initial"),
                                                                 QStringLiteral("10")} + extra + QStringList{url});
            QByteArray out;
            const bool ended = QTest::qWaitFor([&] {
                out += p.readAllStandardOutput();
                if (out.contains("\"connected\""))
                    p.closeWriteChannel();
                return p.state() == QProcess::NotRunning;
            }, Long);
            if (!ended) {
                p.kill();
                p.waitForFinished(Long);
            }
            out += p.readAllStandardOutput();
            *exitCode = ended ? p.exitCode() : -1;
            return jsonLines(out);
        };
        const auto connectedIn = [](const QList<QJsonObject> &lines) {
            for (const QJsonObject &o : withEvent(lines, QStringLiteral("state")))
                if (o.value(QStringLiteral("state")).toString() == QLatin1String("connected"))
                    return true;
            return false;
        };
        const auto errorsIn = [](const QList<QJsonObject> &lines) {
            QStringList texts;
            for (const QJsonObject &o : withEvent(lines, QStringLiteral("error")))
                texts << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
            return texts.join(QLatin1Char('\n'));
        };

        int exitCode = 0;
        QList<QJsonObject> lines = run({}, &exitCode);
        QCOMPARE(exitCode, 1);
        QVERIFY(!connectedIn(lines));
        QVERIFY2(errorsIn(lines).contains(QLatin1String("tls_untrusted")), qPrintable(errorsIn(lines)));
        QVERIFY2(errorsIn(lines).contains(print), qPrintable(errorsIn(lines)));

        lines = run({QStringLiteral("--ca-file"), certFile.fileName()}, &exitCode);
        QVERIFY2(connectedIn(lines), qPrintable(errorsIn(lines)));
        QCOMPARE(exitCode, 0);

        lines = run({QStringLiteral("--pin-sha256"), print.toLower().remove(QLatin1Char(':'))}, &exitCode);
        QVERIFY2(connectedIn(lines), qPrintable(errorsIn(lines)));
        QCOMPARE(exitCode, 0);

        lines = run({QStringLiteral("--ca-file"), certFile.fileName(), QStringLiteral("--pin-sha256"), QString(64, QLatin1Char('b'))},
                    &exitCode);
        QVERIFY(!connectedIn(lines));
        QCOMPARE(exitCode, 1);
        QVERIFY2(errorsIn(lines).contains(QLatin1String("tls_pin_mismatch")), qPrintable(errorsIn(lines)));
        qDeleteAll(clients);
    }

    // Issue 12: --proxy http://HOST:PORT goes through a real HTTP CONNECT proxy (tinyproxy) even to
    // a loopback server (set on the socket: Qt skips the application proxy for loopback).
    void proxyOptionGoesThroughTheProxy()
    {
        WsServer server;
        server.echo = true;
        QVERIFY(server.listen());
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        TestProxies::Tinyproxy proxy;
        QVERIFY(proxy.start(dir.path(), quint16(server.url().port())));

        QProcess p;
        p.start(QStringLiteral(TETHER_CLI_PATH),
                {QStringLiteral("--json"), QStringLiteral("--proxy"), QStringLiteral("http://127.0.0.1:%1").arg(proxy.port),
                 server.url().toString()});
        QVERIFY(p.waitForStarted(Long));
        p.write("through the proxy\n");
        QTRY_COMPARE_WITH_TIMEOUT(server.received(), QStringList{QStringLiteral("through the proxy")}, Long);
        QTRY_VERIFY_WITH_TIMEOUT(proxy.log().contains(QLatin1String("CONNECT")), Long);
        QVERIFY2(proxy.log().contains(QStringLiteral("127.0.0.1:%1").arg(server.url().port())), qPrintable(proxy.log()));
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(Long));
        QCOMPARE(p.exitCode(), 0);
    }

    void giveUpExitsNonZero()
    {
        QProcess p;
        p.start(QStringLiteral(TETHER_CLI_PATH),
                { QStringLiteral("--json"), QStringLiteral("--max-attempts"), QStringLiteral("2"),
                  QStringLiteral("--backoff-initial"), QStringLiteral("10"),
                  QStringLiteral("ws://127.0.0.1:%1/ws").arg(unusedPort()) });
        QVERIFY(p.waitForFinished(Long));
        QCOMPARE(p.exitCode(), 1);
        const QList<QJsonObject> lines = jsonLines(p.readAllStandardOutput());
        const auto states = withEvent(lines, QStringLiteral("state"));
        QVERIFY(!states.isEmpty());
        QCOMPARE(states.last().value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
        QVERIFY(!withEvent(lines, QStringLiteral("error")).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
