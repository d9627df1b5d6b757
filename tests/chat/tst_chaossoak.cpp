// Chaos soak: three chat clients (two in-process ChatSessions and one tether-cli --chat process that
// is SIGKILLed and restarted with a non-empty outbox), one ChatServer restarted once, and the fault
// proxy switching faults every 100-500 ms (seeded; the seed is printed). Passes only if every client
// ends holding every message exactly once, in the same seq order, with an empty outbox. The last
// line of output is "lost=N duplicated=N reordered=N reconnects=N elapsed_ms=N".
//
// Environment: TETHER_SOAK_SEED=N replays a run (the fault sequence; timing still varies).
// TETHER_SOAK_VERBOSE=1 keeps the tether.* debug logs; TETHER_SOAK_CLI_LOG=FILE saves the CLI's output. TETHER_SOAK_MESSAGES=N (default 500) scales the
// messages per client down, e.g. for very slow sanitizer machines; the default is what counts.

#include "chatsession.h"
#include "chattestutil.h"
#include "connectionmanager.h"
#include "faultproxy.h"
#include "manualnetworkmonitor.h"
#include "messagestore.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QTcpServer>
#include <QtTest>

#include <cstdio>

using namespace Tether;
using ChatTest::str;

namespace {

constexpr qint64 kBoundMs = 120000;     // the whole run, start to verdict
constexpr qint64 kSendPhaseMs = 15000;  // senders spread their messages over about this long
constexpr const char *kPassword = "soak-password";

QString g_summary = QStringLiteral("lost=-1 duplicated=-1 reordered=-1 reconnects=-1 elapsed_ms=-1");

struct InProcessClient
{
    ManualNetworkMonitor monitor;
    std::unique_ptr<ConnectionManager> connection;
    std::unique_ptr<ChatSession> session;
    QStringList sentIds;
    int next = 0;
};

// The tether-cli --chat child: its stdout parsed into what the driver needs.
struct CliClient
{
    std::unique_ptr<QProcess> process;
    QStringList arguments;
    QByteArray buffer;
    QSet<QString> queued;     // ids the process confirmed written to its outbox
    int next = 0;             // next line index to feed
    int starts = 0;
    int connects = 0;
    int exitCode = -1;
    bool exited = false;
    QStringList errors;
    QByteArray log;           // stdout and stderr of every run, for TETHER_SOAK_CLI_LOG
};

} // namespace

class TestChaosSoak : public QObject
{
    Q_OBJECT

private:
    QElapsedTimer m_clock;
    std::unique_ptr<ChatTest::Server> m_server;
    FaultProxy m_proxy;
    QRandomGenerator m_random;
    QTimer m_chaos;
    QStringList m_faultLog;
    int m_faults = 0;
    QTemporaryDir m_dir;
    CliClient m_cli;
    int m_messages = 500;

    qint64 remainingMs() const { return kBoundMs - m_clock.elapsed(); }

    void switchFault()
    {
        const int roll = int(m_random.bounded(100));
        if (roll < 35) {
            m_proxy.setMode(FaultProxy::Mode::Pass);
        } else if (roll < 50) {
            m_proxy.setMode(FaultProxy::Mode::Delay, 5 + int(m_random.bounded(200)));
        } else if (roll < 60) {
            m_proxy.setMode(FaultProxy::Mode::Throttle, 2000 + int(m_random.bounded(60000)));
        } else if (roll < 75) {
            m_proxy.setMode(FaultProxy::Mode::Drop);
        } else if (roll < 87) {
            m_proxy.setMode(FaultProxy::Mode::Blackhole);
        } else {
            m_proxy.setMode(FaultProxy::Mode::Refuse);
        }
        ++m_faults;
        m_chaos.start(100 + int(m_random.bounded(401)));
    }

    std::unique_ptr<InProcessClient> makeClient(const QString &user, const QString &db)
    {
        auto c = std::make_unique<InProcessClient>();
        const QString token = ChatTest::login(m_server->server->httpUrl(), user, str(kPassword));
        if (token.isEmpty())
            return nullptr;
        const QUrl url(QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_proxy.port()));
        ConnectionConfig connection = ChatTest::fastConfig(url, token);
        if (longPoll()) {
            connection.transportMode = ConnectionConfig::TransportMode::LongPoll;
            connection.pongTimeoutMs = 1500; // a ping is a POST and a poll answer
        }
        c->connection = std::make_unique<ConnectionManager>(connection, &c->monitor);
        ChatSessionConfig config;
        config.databasePath = m_dir.filePath(db);
        config.sendingTimeoutMs = 3000;
        c->session = std::make_unique<ChatSession>(c->connection.get(), config);
        QString error;
        if (!c->session->open(&error)) {
            qWarning() << error;
            return nullptr;
        }
        c->connection->open();
        return c;
    }

    // TETHER_SOAK_TRANSPORT=long-poll (the chaossoak_longpoll test): every client on HTTP long polling.
    static bool longPoll() { return qEnvironmentVariable("TETHER_SOAK_TRANSPORT") == QLatin1String("long-poll"); }

    void startCli()
    {
        m_cli.process = std::make_unique<QProcess>();
        m_cli.process->setProgram(QStringLiteral(TETHER_CLI_EXE));
        m_cli.process->setArguments(m_cli.arguments);
        m_cli.process->setProcessChannelMode(QProcess::SeparateChannels);
        QProcess *p = m_cli.process.get();
        connect(p, &QProcess::readyReadStandardOutput, this, [this, p] {
            const QByteArray out = p->readAllStandardOutput();
            m_cli.log += out;
            m_cli.buffer += out;
            int nl;
            while ((nl = m_cli.buffer.indexOf('\n')) >= 0) {
                const QJsonObject event = QJsonDocument::fromJson(m_cli.buffer.left(nl)).object();
                m_cli.buffer.remove(0, nl + 1);
                const QString type = event.value(QLatin1String("event")).toString();
                if (type == QLatin1String("queued"))
                    m_cli.queued.insert(event.value(QLatin1String("id")).toString());
                else if (type == QLatin1String("state") && event.value(QLatin1String("state")).toString() == QLatin1String("connected"))
                    ++m_cli.connects;
                else if (type == QLatin1String("exit"))
                    m_cli.exitCode = event.value(QLatin1String("code")).toInt();
                else if (type == QLatin1String("error") || type == QLatin1String("failed"))
                    m_cli.errors.append(QString::fromUtf8(QJsonDocument(event).toJson(QJsonDocument::Compact)));
            }
        });
        connect(p, &QProcess::readyReadStandardError, this, [this, p] { m_cli.log += p->readAllStandardError(); });
        m_cli.exited = false;
        p->start();
        ++m_cli.starts;
    }

    void feedCli(int upTo)
    {
        if (!m_cli.process || m_cli.process->state() != QProcess::Running)
            return;
        QByteArray lines;
        while (m_cli.next < upTo) {
            const QJsonObject line{{str("id"), QStringLiteral("cli-%1").arg(m_cli.next)},
                                   {str("text"), QStringLiteral("cli message %1").arg(m_cli.next)}};
            lines += QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
            ++m_cli.next;
        }
        if (!lines.isEmpty())
            m_cli.process->write(lines);
    }

    bool waitUntil(const std::function<bool()> &condition, qint64 timeoutMs)
    {
        const qint64 deadline = m_clock.elapsed() + timeoutMs;
        while (!condition()) {
            if (m_clock.elapsed() > deadline || remainingMs() <= 0)
                return false;
            QTest::qWait(20);
        }
        return true;
    }

    bool restartServer()
    {
        m_server->stop();
        // Same database, same port; the port may need a moment to be free again.
        for (int i = 0; i < 100; ++i) {
            QString error;
            if (m_server->start(&error))
                return true;
            QTest::qWait(50);
        }
        return false;
    }

private Q_SLOTS:
    void soak()
    {
        m_clock.start();
        QVERIFY(m_dir.isValid());
        quint32 seed = quint32(QRandomGenerator::global()->generate());
        if (qEnvironmentVariableIsSet("TETHER_SOAK_SEED"))
            seed = quint32(qEnvironmentVariable("TETHER_SOAK_SEED").toUInt());
        if (qEnvironmentVariableIsSet("TETHER_SOAK_MESSAGES"))
            m_messages = qMax(1, qEnvironmentVariableIntValue("TETHER_SOAK_MESSAGES"));
        m_random.seed(seed);
        std::printf("seed=%u messages_per_client=%d transport=%s\n", seed, m_messages, longPoll() ? "long-poll" : "websocket");
        std::fflush(stdout);

        // Server, users, proxy.
        m_server = std::make_unique<ChatTest::Server>();
        m_server->config.idleTimeoutMs = 5000; // reaps the server ends of blackholed links
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        for (const char *user : {"soak-a", "soak-b", "soak-c"})
            QVERIFY(m_server->addUser(QString::fromLatin1(user), str(kPassword)));
        m_proxy.setUpstream(str("127.0.0.1"), m_server->server->port());
        QVERIFY(m_proxy.listen());
        const QString wsUrl = QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_proxy.port());

        auto a = makeClient(str("soak-a"), str("a.sqlite"));
        auto b = makeClient(str("soak-b"), str("b.sqlite"));
        QVERIFY(a && b);

        m_cli.arguments = {wsUrl,
                           str("--chat"), str("--json"), str("--stdin-json"),
                           str("--user"), str("soak-c"), str("--password"), str(kPassword),
                           str("--http"), m_server->server->httpUrl().toString(),
                           str("--db"), m_dir.filePath(str("cli.sqlite")),
                           str("--conversation"), str("lobby"),
                           str("--heartbeat-interval"), str("300"), str("--pong-timeout"), str("700"),
                           str("--connect-timeout"), str("2000"), str("--backoff-initial"), str("20"),
                           str("--backoff-max"), str("200"), str("--min-uptime"), str("0"),
                           str("--flush-timeout"), str("60000")};
        if (qEnvironmentVariableIsSet("TETHER_SOAK_VERBOSE"))
            m_cli.arguments << str("--verbose");
        if (longPoll())
            m_cli.arguments << str("--transport") << str("long-poll") << str("--pong-timeout") << str("1500");
        else // as before issue 13: the faults here would look like interference to auto
            m_cli.arguments << str("--transport") << str("websocket");
        startCli();
        QVERIFY(m_cli.process->waitForStarted(10000));

        QVERIFY2(waitUntil([&] { return a->session->isSynced() && b->session->isSynced(); }, 20000),
                 "the in-process clients never synced");

        // Chaos from here on.
        connect(&m_chaos, &QTimer::timeout, this, [this] { switchFault(); });
        m_chaos.setSingleShot(true);
        m_chaos.start(100 + int(m_random.bounded(401)));

        const qint64 sendStart = m_clock.elapsed();
        auto due = [&] {
            const qint64 t = m_clock.elapsed() - sendStart;
            return int(qMin<qint64>(m_messages, (t * m_messages) / kSendPhaseMs + 1));
        };
        bool serverRestarted = false;
        int outboxAtKill = -1;
        QTimer pacer;
        pacer.setInterval(10);
        connect(&pacer, &QTimer::timeout, this, [&] {
            const int n = due();
            for (InProcessClient *c : {a.get(), b.get()}) {
                while (c->next < n) {
                    const QString prefix = c == a.get() ? str("a") : str("b");
                    const QString id = c->session->send(str("lobby"), QStringLiteral("%1 message %2").arg(prefix).arg(c->next));
                    if (id.isEmpty())
                        break; // outbox bound: retry on the next tick
                    c->sentIds.append(id);
                    ++c->next;
                }
            }
            feedCli(n); // a no-op while the process is dead
        });
        pacer.start();

        // Mid-run: SIGKILL the CLI with a non-empty outbox, restart it on the same database.
        QVERIFY(waitUntil([&] { return due() >= m_messages * 2 / 5; }, remainingMs()));
        m_chaos.stop();
        m_proxy.setMode(FaultProxy::Mode::Blackhole); // nothing gets acked: the outbox fills
        const int before = m_cli.next;
        QVERIFY(waitUntil([&] { return m_cli.next >= before + 5 && m_cli.queued.contains(QStringLiteral("cli-%1").arg(before + 4)); },
                          20000));
        m_cli.process->kill(); // SIGKILL
        QVERIFY(waitUntil([&] { return m_cli.process->state() == QProcess::NotRunning; }, 10000));
        {
            MessageStore cliStore;
            QVERIFY(cliStore.open(m_dir.filePath(str("cli.sqlite")), &error));
            outboxAtKill = cliStore.outboxSize();
        }
        std::printf("cli killed at t=%lld ms with outbox=%d (fed %d lines)\n", m_clock.elapsed(), outboxAtKill, m_cli.next);
        std::fflush(stdout);
        QVERIFY2(outboxAtKill > 0, "the CLI was to be killed with a non-empty outbox");
        // Lines the dead process never confirmed are fed again; their ids make that harmless.
        int firstUnconfirmed = 0;
        while (firstUnconfirmed < m_cli.next && m_cli.queued.contains(QStringLiteral("cli-%1").arg(firstUnconfirmed)))
            ++firstUnconfirmed;
        m_cli.next = firstUnconfirmed;
        switchFault();
        startCli();
        QVERIFY(m_cli.process->waitForStarted(10000));

        // Later: restart the server once (graceful shutdown, same db and port).
        QVERIFY(waitUntil([&] { return due() >= m_messages * 3 / 5; }, remainingMs()));
        std::printf("server restart at t=%lld ms\n", m_clock.elapsed());
        std::fflush(stdout);
        QVERIFY(restartServer());
        serverRestarted = true;

        // Everything fed, then the faults stop and the clients must converge.
        QVERIFY2(waitUntil([&] { return a->next == m_messages && b->next == m_messages && m_cli.next == m_messages; },
                           remainingMs()),
                 "the senders did not get all messages out");
        QVERIFY(waitUntil([&] { return m_cli.queued.size() >= m_messages; }, qMax<qint64>(1, remainingMs())));
        m_chaos.stop();
        m_proxy.setMode(FaultProxy::Mode::Pass);
        pacer.stop();
        std::printf("chaos over at t=%lld ms after %d faults\n", m_clock.elapsed(), m_faults);
        std::fflush(stdout);

        const int total = 3 * m_messages;
        auto held = [](InProcessClient *c) { return c->session->messages(str("lobby")).size(); };
        const bool converged = waitUntil([&] {
            return a->session->outboxSize() == 0 && b->session->outboxSize() == 0 && held(a.get()) >= total
                && held(b.get()) >= total;
        }, qMax<qint64>(1, remainingMs() - 5000));
        if (!converged) {
            for (InProcessClient *c : {a.get(), b.get()}) {
                std::printf("not converged: client %s state=%s synced=%d outbox=%d held=%d reconnects=%d\n",
                            c == a.get() ? "a" : "b", qPrintable(connectionStateName(c->connection->state())),
                            int(c->session->isSynced()), c->session->outboxSize(), int(held(c)),
                            c->session->reconnects());
                const QList<ConnectionEvent> events = c->connection->events();
                for (int i = qMax(0, int(events.size()) - 6); i < events.size(); ++i)
                    std::printf("    %s %s\n", qPrintable(connectionEventKindName(events.at(i).kind)),
                                qPrintable(events.at(i).text));
            }
            std::fflush(stdout);
        }

        // The CLI holds everything too (its database says so), then ends on stdin EOF.
        qint64 lastLook = -1000;
        waitUntil([&] {
            if (m_clock.elapsed() - lastLook < 250)
                return false;
            lastLook = m_clock.elapsed();
            MessageStore look;
            return look.open(m_dir.filePath(str("cli.sqlite"))) && look.outboxSize() == 0
                && look.messages(str("lobby")).size() >= total;
        }, qMax<qint64>(1, remainingMs() - 5000));
        m_cli.process->closeWriteChannel();
        // Never block here: the server and the proxy live in this thread's event loop.
        const bool cliDone = waitUntil([&] { return m_cli.process->state() == QProcess::NotRunning; },
                                       qMax<qint64>(1000, remainingMs() - 2000));
        if (!cliDone) {
            m_cli.process->kill();
            waitUntil([&] { return m_cli.process->state() == QProcess::NotRunning; }, 5000);
        }

        if (!converged || !cliDone || m_cli.exitCode != 0) {
            // The server runs in this thread: only non-blocking looks at it here.
            for (QTcpServer *listener : m_server->server->findChildren<QTcpServer *>())
                std::printf("server listener: listening=%d error=%d %s\n", int(listener->isListening()),
                            int(listener->serverError()), qPrintable(listener->errorString()));
            std::printf("proxy: mode=%s connections=%d accepted=%d accept_errors=%d\n",
                        qPrintable(FaultProxy::modeName(m_proxy.mode())), m_proxy.connectionCount(),
                        m_proxy.acceptedCount(), m_proxy.acceptErrorCount());
            std::fflush(stdout);
        }

        // Verdict.
        QSet<QString> expected;
        for (const QString &id : std::as_const(a->sentIds))
            expected.insert(id);
        for (const QString &id : std::as_const(b->sentIds))
            expected.insert(id);
        for (int i = 0; i < m_messages; ++i)
            expected.insert(QStringLiteral("cli-%1").arg(i));

        QList<ChatMessage> cliHeld;
        int cliOutbox = -1;
        {
            MessageStore cliStore;
            QVERIFY2(cliStore.open(m_dir.filePath(str("cli.sqlite")), &error), qPrintable(error));
            cliHeld = cliStore.messages(str("lobby"));
            cliOutbox = cliStore.outboxSize();
        }
        const QList<ChatMessage> reference = a->session->messages(str("lobby"));
        int lost = 0;
        int duplicated = 0;
        int reordered = 0;
        auto judge = [&](const char *name, const QList<ChatMessage> &list) {
            QSet<QString> seen;
            int dup = 0;
            int order = 0;
            int i = 0;
            for (const ChatMessage &m : list) {
                if (m.seq <= 0)
                    continue; // still pending: counted as lost below
                if (seen.contains(m.id) || !expected.contains(m.id))
                    ++dup;
                seen.insert(m.id);
                if (m.seq != i + 1 || i >= reference.size() || reference.at(i).id != m.id)
                    ++order;
                ++i;
            }
            int missing = 0;
            for (const QString &id : std::as_const(expected))
                if (!seen.contains(id))
                    ++missing;
            std::printf("client %s: held=%d lost=%d duplicated=%d reordered=%d\n", name, i, missing, dup, order);
            lost += missing;
            duplicated += dup;
            reordered += order;
        };
        judge("a", reference);
        judge("b", b->session->messages(str("lobby")));
        judge("cli", cliHeld);

        const int reconnects = a->session->reconnects() + b->session->reconnects() + qMax(0, m_cli.connects - 1);
        g_summary = QStringLiteral("lost=%1 duplicated=%2 reordered=%3 reconnects=%4 elapsed_ms=%5")
                            .arg(lost).arg(duplicated).arg(reordered).arg(reconnects).arg(m_clock.elapsed());
        std::printf("faults=%d cli_starts=%d cli_exit=%d outbox a=%d b=%d cli=%d server_restarted=%d\n", m_faults,
                    m_cli.starts, m_cli.exitCode, a->session->outboxSize(), b->session->outboxSize(), cliOutbox,
                    int(serverRestarted));
        for (const QString &e : std::as_const(m_cli.errors).mid(0, 10))
            std::printf("cli: %s\n", qPrintable(e));
        std::fflush(stdout);

        if (qEnvironmentVariableIsSet("TETHER_SOAK_CLI_LOG")) {
            QFile file(qEnvironmentVariable("TETHER_SOAK_CLI_LOG"));
            if (file.open(QIODevice::WriteOnly))
                file.write(m_cli.log);
        }

        QVERIFY(converged);
        QVERIFY(cliDone);
        QCOMPARE(m_cli.exitCode, 0);
        QCOMPARE(lost, 0);
        QCOMPARE(duplicated, 0);
        QCOMPARE(reordered, 0);
        QCOMPARE(a->session->outboxSize(), 0);
        QCOMPARE(b->session->outboxSize(), 0);
        QCOMPARE(cliOutbox, 0);
        QVERIFY(m_clock.elapsed() <= kBoundMs);
    }
};

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (!qEnvironmentVariableIsSet("TETHER_SOAK_VERBOSE"))
        QLoggingCategory::setFilterRules(QStringLiteral("tether.*.debug=false\ntether.*.info=false"));
    int rc = 0;
    {
        TestChaosSoak test;
        rc = QTest::qExec(&test, argc, argv);
    }
    std::printf("%s\n", qPrintable(g_summary));
    std::fflush(stdout);
    return rc;
}

#include "tst_chaossoak.moc"
