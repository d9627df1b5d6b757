// tether-cli --chat as a black box against the real ChatServer on 127.0.0.1: login, guest, JSON
// events, stdin JSON input, outbox kept across runs, and the error paths.

#include "chattestutil.h"
#include "messagestore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

using ChatTest::kTimeout;
using Tether::MessageStore;
using ChatTest::str;

namespace {

// One tether-cli run; its stdout parsed as JSON events. Never blocks: the server shares our thread.
struct Cli
{
    QProcess process;
    QByteArray buffer;
    QList<QJsonObject> events;

    void start(const QStringList &arguments, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
    {
        QObject::connect(&process, &QProcess::readyReadStandardOutput, &process, [this] {
            buffer += process.readAllStandardOutput();
            int nl;
            while ((nl = buffer.indexOf('\n')) >= 0) {
                events.append(QJsonDocument::fromJson(buffer.left(nl)).object());
                buffer.remove(0, nl + 1);
            }
        });
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(TETHER_CLI_EXE), arguments);
    }
    QList<QJsonObject> all(const QString &event) const
    {
        QList<QJsonObject> out;
        for (const QJsonObject &e : events)
            if (e.value(QLatin1String("event")).toString() == event)
                out.append(e);
        return out;
    }
    bool finished() const { return process.state() == QProcess::NotRunning; }
    void writeLine(const QByteArray &line) { process.write(line + '\n'); }
};

} // namespace

class TestCliChat : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ChatTest::Server> m_server;
    std::unique_ptr<QTemporaryDir> m_dir;

    QStringList base(const QString &db) const
    {
        return {m_server->server->webSocketUrl().toString(), str("--chat"), str("--json"),
                str("--db"), m_dir->filePath(db), str("--backoff-initial"), str("20"), str("--backoff-max"),
                str("200"), str("--flush-timeout"), str("20000")};
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_server = std::make_unique<ChatTest::Server>();
        QVERIFY(m_server->start());
        QVERIFY(m_server->addUser(str("carol")));
    }

    void cleanup()
    {
        m_server.reset();
        m_dir.reset();
    }

    void guestEcho()
    {
        Cli cli;
        cli.start(base(str("guest.sqlite")) << str("--conversation") << str("echo"));
        cli.writeLine("ping the bot");
        QTRY_VERIFY_WITH_TIMEOUT(!cli.all(str("ack")).isEmpty(), kTimeout);
        QTRY_VERIFY_WITH_TIMEOUT(!cli.all(str("message")).isEmpty(), kTimeout);
        const QJsonObject reply = cli.all(str("message")).first();
        QCOMPARE(reply.value(QLatin1String("from")).toString(), str("echo-bot"));
        QCOMPARE(reply.value(QLatin1String("text")).toString(), str("ping the bot"));
        QCOMPARE(reply.value(QLatin1String("conversation")).toString(), str("echo"));
        const QJsonObject queued = cli.all(str("queued")).first();
        const QJsonObject ack = cli.all(str("ack")).first();
        QCOMPARE(ack.value(QLatin1String("id")).toString(), queued.value(QLatin1String("id")).toString());
        QVERIFY(ack.value(QLatin1String("seq")).toInt() > 0);
        QVERIFY(!cli.all(str("synced")).isEmpty());
        QVERIFY(!cli.all(str("state")).isEmpty());
        cli.process.closeWriteChannel();
        QTRY_VERIFY_WITH_TIMEOUT(cli.finished(), kTimeout);
        QCOMPARE(cli.process.exitCode(), 0);
        const QJsonObject exit = cli.all(str("exit")).last();
        QCOMPARE(exit.value(QLatin1String("unsent")).toInt(), 0);
        // The connection summary in the operators' words: one connection, ended by us with 1000.
        QCOMPARE(exit.value(QLatin1String("connects")).toInt(), 1);
        QCOMPARE(exit.value(QLatin1String("disconnects_by_code")).toObject().value(QLatin1String("1000")).toInt(), 1);
        QCOMPARE(exit.value(QLatin1String("connection_duration_seconds")).toObject().value(QLatin1String("count")).toInt(), 1);
    }

    void loginAndJsonInput()
    {
        Cli cli;
        cli.start(base(str("carol.sqlite")) << str("--user") << str("carol") << str("--password") << str("secret-pw")
                                            << str("--stdin-json"));
        cli.writeLine(R"({"id":"fixed-1","text":"first"})");
        cli.writeLine(R"({"id":"fixed-1","text":"first"})"); // fed twice: one message
        cli.writeLine(R"(not json)");
        cli.writeLine(R"({"text":"second","conversation":"echo"})");
        QTRY_COMPARE_WITH_TIMEOUT(cli.all(str("ack")).size(), 2, kTimeout);
        QVERIFY(!cli.all(str("login")).isEmpty());
        QCOMPARE(cli.all(str("synced")).first().value(QLatin1String("user")).toString(), str("carol"));
        bool badInput = false;
        for (const QJsonObject &e : cli.all(str("error")))
            badInput = badInput || e.value(QLatin1String("code")).toString() == QLatin1String("bad_input");
        QVERIFY(badInput);
        // The password never shows up in the output.
        for (const QJsonObject &e : cli.events)
            QVERIFY(!QJsonDocument(e).toJson().contains("secret-pw"));
        cli.process.closeWriteChannel();
        QTRY_VERIFY_WITH_TIMEOUT(cli.finished(), kTimeout);
        QCOMPARE(cli.process.exitCode(), 0);
        MessageStore store;
        QVERIFY(store.open(m_dir->filePath(str("carol.sqlite"))));
        QCOMPARE(store.messages(str("lobby")).size(), 1);
        QCOMPARE(store.messages(str("lobby")).first().id, str("fixed-1"));
    }

    void outboxKeptForTheNextRun()
    {
        // The server is down: the line waits in the outbox; the run ends unsent (exit 1).
        const QStringList args = base(str("offline.sqlite"));
        m_server->stop();
        {
            Cli cli;
            cli.start(QStringList(args) << str("--flush-timeout") << str("300"));
            cli.writeLine("kept for later");
            QTRY_VERIFY_WITH_TIMEOUT(!cli.all(str("queued")).isEmpty(), kTimeout);
            cli.process.closeWriteChannel();
            QTRY_VERIFY_WITH_TIMEOUT(cli.finished(), kTimeout);
            QCOMPARE(cli.process.exitCode(), 1);
            QCOMPARE(cli.all(str("exit")).last().value(QLatin1String("unsent")).toInt(), 1);
        }
        QVERIFY(m_server->start());
        Cli cli;
        cli.start(args);
        cli.process.closeWriteChannel(); // nothing new: only the outbox goes out
        QTRY_VERIFY_WITH_TIMEOUT(cli.finished(), kTimeout);
        QCOMPARE(cli.process.exitCode(), 0);
        QCOMPARE(cli.all(str("ack")).size(), 1);
    }

    void wrongPassword()
    {
        Cli cli;
        cli.start(base(str("wrong.sqlite")) << str("--user") << str("carol") << str("--password") << str("nope"));
        QTRY_VERIFY_WITH_TIMEOUT(cli.finished(), kTimeout);
        QCOMPARE(cli.process.exitCode(), 1);
        QCOMPARE(cli.all(str("error")).first().value(QLatin1String("code")).toString(), str("login_failed"));
    }

    void passwordFromEnvironment()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(str("TETHER_PASSWORD"), str("secret-pw"));
        Cli cli;
        cli.start(base(str("env.sqlite")) << str("--user") << str("carol"), env);
        QTRY_VERIFY_WITH_TIMEOUT(!cli.all(str("synced")).isEmpty(), kTimeout);
        cli.process.closeWriteChannel();
        QTRY_VERIFY_WITH_TIMEOUT(cli.finished(), kTimeout);
        QCOMPARE(cli.process.exitCode(), 0);
    }

    void brokenDatabase()
    {
        // A garbage file is moved aside and replaced (tst_storesalvage); a folder in its place is not.
        const QString path = m_dir->filePath(str("broken.sqlite"));
        QVERIFY(QDir().mkpath(path));
        Cli cli;
        cli.start(base(str("broken.sqlite")));
        QTRY_VERIFY_WITH_TIMEOUT(cli.finished(), kTimeout);
        QCOMPARE(cli.process.exitCode(), 1);
        const QJsonObject error = cli.all(str("error")).first();
        QCOMPARE(error.value(QLatin1String("code")).toString(), str("storage_error"));
        QVERIFY(error.value(QLatin1String("message")).toString().contains(path));
    }

    // Issue 13: --transport long-poll runs the same chat over HTTP; state events say which transport.
    void overLongPolling()
    {
        Cli cli;
        cli.start(base(str("carol-lp.sqlite")) << str("--user") << str("carol") << str("--password") << str("secret-pw")
                                               << str("--transport") << str("long-poll") << str("--conversation")
                                               << str("echo"));
        cli.writeLine("over http");
        QTRY_VERIFY_WITH_TIMEOUT(!cli.all(str("ack")).isEmpty(), kTimeout);
        QTRY_VERIFY_WITH_TIMEOUT(!cli.all(str("message")).isEmpty(), kTimeout);
        QCOMPARE(cli.all(str("message")).first().value(QLatin1String("text")).toString(), str("over http"));
        QJsonObject connected;
        for (const QJsonObject &e : cli.all(str("state"))) {
            if (e.value(QLatin1String("state")).toString() == QLatin1String("connected"))
                connected = e;
        }
        QCOMPARE(connected.value(QLatin1String("transport")).toString(), str("long-poll"));
        QVERIFY(!connected.contains(QLatin1String("fallback_reason"))); // chosen, not fallen back to
        cli.process.closeWriteChannel();
        QTRY_VERIFY_WITH_TIMEOUT(cli.finished(), kTimeout);
        QCOMPARE(cli.process.exitCode(), 0);
        QCOMPARE(cli.all(str("ack")).size(), 1);
        QCOMPARE(cli.all(str("message")).size(), 1);
    }

    void badFlags_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("user without chat") << QStringList{str("ws://127.0.0.1:1/ws"), str("--user"), str("x")} << str("--chat");
        QTest::newRow("password without user") << QStringList{str("ws://127.0.0.1:1/ws"), str("--chat"), str("--password"), str("x")}
                                               << str("--user");
        QTest::newRow("bad http") << QStringList{str("ws://127.0.0.1:1/ws"), str("--chat"), str("--http"), str("ftp://x")}
                                  << str("--http");
        QTest::newRow("bad transport") << QStringList{str("ws://127.0.0.1:1/ws"), str("--transport"), str("carrier-pigeon")}
                                       << str("--transport");
        QTest::newRow("bad ws retry") << QStringList{str("ws://127.0.0.1:1/ws"), str("--ws-retry-interval"), str("0")}
                                      << str("--ws-retry-interval");
        QTest::newRow("bad outbox limit") << QStringList{str("ws://127.0.0.1:1/ws"), str("--chat"), str("--outbox-limit"), str("0")}
                                          << str("--outbox-limit");
    }

    void badFlags()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(str("TETHER_PASSWORD"));
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(TETHER_CLI_EXE), arguments);
        QTRY_VERIFY_WITH_TIMEOUT(p.state() == QProcess::NotRunning, kTimeout);
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains(message));
    }
};

QTEST_GUILESS_MAIN(TestCliChat)
#include "tst_clichat.moc"
