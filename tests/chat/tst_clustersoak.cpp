// Cluster soak (issue 11): three tether-server processes on one PostgreSQL and one Redis
// (PgRedisFixture), six chat clients (ChatSession with its outbox) behind a loopback balancer
// that sends every new connection to a random live instance. Instances are SIGKILLed and
// restarted at random, Redis once, and every client link is cut now and then. Passes only if every client ends holding every message exactly
// once, in seq order, with an empty outbox. Bounded to kBoundMs; the last line of output is
// "lost=N duplicated=N reordered=N reconnects=N kills=N drops=N elapsed_ms=N".
// Environment: TETHER_SOAK_SEED=N replays the kill sequence; TETHER_SOAK_VERBOSE=1 keeps logs.

#include "chatsession.h"
#include "chattestutil.h"
#include "connectionmanager.h"
#include "manualnetworkmonitor.h"
#include "pgredisfixture.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

#include <cstdio>

using namespace Tether;
using ChatTest::str;

namespace {
constexpr qint64 kBoundMs = 90000;
constexpr qint64 kSendPhaseMs = 15000;
constexpr int kInstances = 3;
constexpr int kClients = 6;
constexpr int kMessages = 40; // per client
constexpr const char *kPassword = "soak-password";
QString g_summary = QStringLiteral("lost=-1 duplicated=-1 reordered=-1 reconnects=-1 kills=-1 drops=-1 elapsed_ms=-1");

struct SoakClient
{
    ManualNetworkMonitor monitor;
    std::unique_ptr<ConnectionManager> connection;
    std::unique_ptr<ChatSession> session;
    QStringList sentIds;
};
} // namespace

// The load balancer: each new TCP connection goes to a random instance that accepts it.
class RandomBalancer : public QObject
{
public:
    RandomBalancer(QList<quint16> upstreams, QRandomGenerator *random) : m_upstreams(std::move(upstreams)), m_random(random)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *client = m_server.nextPendingConnection())
                forward(client, 0);
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }
    // Link chaos: every client link is cut at once (the clients see a dead connection).
    int dropAll()
    {
        const QList<QTcpSocket *> links = m_server.findChildren<QTcpSocket *>(QString(), Qt::FindDirectChildrenOnly);
        for (QTcpSocket *link : links)
            link->abort();
        return int(links.size());
    }

private:
    void forward(QTcpSocket *client, int attempt)
    {
        auto *upstream = new QTcpSocket(client);
        const quint16 port = m_upstreams.at(int(m_random->bounded(int(m_upstreams.size()))));
        connect(upstream, &QTcpSocket::connected, client, [client, upstream] {
            upstream->write(client->readAll());
            connect(client, &QTcpSocket::readyRead, upstream, [client, upstream] { upstream->write(client->readAll()); });
            connect(upstream, &QTcpSocket::readyRead, client, [client, upstream] { client->write(upstream->readAll()); });
            connect(upstream, &QTcpSocket::disconnected, client, [client] { client->disconnectFromHost(); });
        });
        connect(upstream, &QAbstractSocket::errorOccurred, client, [this, client, upstream, attempt] {
            if (upstream->property("up").toBool()) {
                client->disconnectFromHost(); // the instance went away: so does the client's link
                return;
            }
            upstream->deleteLater();
            if (attempt < 5)
                forward(client, attempt + 1); // that one is down: another (like proxy_next_upstream)
            else
                client->abort();
        });
        connect(upstream, &QTcpSocket::connected, upstream, [upstream] { upstream->setProperty("up", true); });
        connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater, Qt::UniqueConnection);
        upstream->connectToHost(QHostAddress::LocalHost, port);
    }

    QTcpServer m_server;
    QList<quint16> m_upstreams;
    QRandomGenerator *m_random;
};

class TestClusterSoak : public QObject
{
    Q_OBJECT
private:
    PgRedisFixture m_fixture;
    QString m_conninfo;
    QList<quint16> m_ports;
    std::unique_ptr<QProcess> m_instances[kInstances];
    QTemporaryDir m_dir;
    QRandomGenerator m_random;
    QElapsedTimer m_clock;
    int m_kills = 0;
    int m_drops = 0;

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(str("TETHER_POSTGRES"), m_conninfo);
        env.insert(str("TETHER_REDIS"), m_fixture.redisUrl());
        return env;
    }
    bool startInstance(int i)
    {
        auto p = std::make_unique<QProcess>();
        p->setProcessEnvironment(environment());
        p->setProcessChannelMode(qEnvironmentVariableIsSet("TETHER_SOAK_VERBOSE") ? QProcess::ForwardedErrorChannel
                                                                                  : QProcess::SeparateChannels);
        p->setStandardErrorFile(QProcess::nullDevice());
        p->start(str(TETHER_SERVER_BIN), { str("--listen"), QStringLiteral("127.0.0.1:%1").arg(m_ports[i]),
                                           str("--instance-id"), QStringLiteral("node%1").arg(i),
                                           str("--idle-timeout"), str("30"), str("--restart-spread"), str("0.5"), str("--max-per-address"),
                                           str("0"), str("--login-rate"), str("0"), str("--user-rate"), str("0") });
        if (!p->waitForStarted(10000))
            return false;
        const bool up = QTest::qWaitFor([&] { return p->canReadLine() || p->state() != QProcess::Running; }, 30000)
                && p->readLine().contains("listening");
        m_instances[i] = std::move(p);
        return up;
    }
    void killInstance(int i)
    {
        if (!m_instances[i])
            return;
        m_instances[i]->kill(); // SIGKILL
        m_instances[i]->waitForFinished(10000);
        m_instances[i].reset();
        ++m_kills;
    }

private Q_SLOTS:
    void soak()
    {
        m_clock.start();
        const quint32 seed = qEnvironmentVariableIsSet("TETHER_SOAK_SEED")
                ? quint32(qEnvironmentVariableIntValue("TETHER_SOAK_SEED")) : QRandomGenerator::system()->generate();
        m_random.seed(seed);
        std::printf("seed=%u\n", seed);
        QString error;
        QVERIFY2(m_fixture.start(&error), qPrintable(error));
        m_conninfo = m_fixture.createDatabase(str("soak"), &error);
        QVERIFY2(!m_conninfo.isEmpty(), qPrintable(error));
        for (int i = 0; i < kInstances; ++i)
            m_ports.append(PgRedisFixture::freePort());
        for (int i = 0; i < kInstances; ++i)
            QVERIFY2(startInstance(i), "an instance did not start");
        // Users, through the first instance (the others share the database and the secret).
        QProcess add;
        add.setProcessEnvironment(environment());
        for (int c = 0; c < kClients; ++c) {
            add.start(str(TETHER_SERVER_BIN), { str("--add-user"), QStringLiteral("soak%1").arg(c) });
            add.write(QByteArray(kPassword) + '\n');
            add.closeWriteChannel();
            QVERIFY(add.waitForFinished(30000));
            QCOMPARE(add.exitCode(), 0);
        }
        {
            QProcess conv;
            conv.setProcessEnvironment(environment());
            conv.start(str(TETHER_SERVER_BIN), { str("--add-conversation"), str("lobby"), str("--public") });
            QVERIFY(conv.waitForFinished(30000));
            QCOMPARE(conv.exitCode(), 0);
        }
        RandomBalancer balancer(m_ports, &m_random);
        QVERIFY(balancer.listen());
        const QUrl ws(QStringLiteral("ws://127.0.0.1:%1/ws").arg(balancer.port()));
        const QUrl http(QStringLiteral("http://127.0.0.1:%1").arg(m_ports[0]));

        std::vector<std::unique_ptr<SoakClient>> clients;
        for (int c = 0; c < kClients; ++c) {
            auto client = std::make_unique<SoakClient>();
            const QString token = ChatTest::login(http, QStringLiteral("soak%1").arg(c), str(kPassword));
            QVERIFY(!token.isEmpty());
            client->connection = std::make_unique<ConnectionManager>(ChatTest::fastConfig(ws, token), &client->monitor);
            ChatSessionConfig config;
            config.databasePath = m_dir.filePath(QStringLiteral("client%1.sqlite").arg(c));
            config.sendingTimeoutMs = 3000;
            client->session = std::make_unique<ChatSession>(client->connection.get(), config);
            QVERIFY2(client->session->open(&error), qPrintable(error));
            client->connection->open();
            clients.push_back(std::move(client));
        }
        QVERIFY(QTest::qWaitFor([&] {
            return std::all_of(clients.cbegin(), clients.cend(), [](const auto &c) { return c->session->isSynced(); });
        }, 30000));

        // Chaos every 1.5-3 s: an instance SIGKILLed and restarted 300 ms later, or (one time in
        // four) every client link cut at the balancer; Redis killed and restarted once.
        QTimer chaos;
        chaos.setSingleShot(true);
        bool redisKilled = false;
        connect(&chaos, &QTimer::timeout, this, [&] {
            if (m_random.bounded(4) == 0) {
                m_drops += balancer.dropAll();
            } else if (!redisKilled && m_clock.elapsed() > 8000) {
                redisKilled = true;
                m_fixture.killRedis();
                QTimer::singleShot(500, this, [this] { QString e; m_fixture.startRedis(&e); });
            } else {
                const int victim = int(m_random.bounded(kInstances));
                killInstance(victim);
                QTimer::singleShot(300, this, [this, victim] { startInstance(victim); });
            }
            chaos.start(1500 + int(m_random.bounded(1500)));
        });
        chaos.start(1000);

        const qint64 sendStart = m_clock.elapsed();
        QTimer pacer;
        pacer.setInterval(20);
        connect(&pacer, &QTimer::timeout, this, [&] {
            const qint64 t = m_clock.elapsed() - sendStart;
            const int due = int(qMin<qint64>(kMessages, t * kMessages / kSendPhaseMs + 1));
            for (int c = 0; c < kClients; ++c) {
                SoakClient &client = *clients[size_t(c)];
                while (client.sentIds.size() < due)
                    client.sentIds.append(client.session->send(
                            str("lobby"), QStringLiteral("c%1 m%2").arg(c).arg(client.sentIds.size())));
            }
        });
        pacer.start();
        QVERIFY(QTest::qWaitFor([&] { return m_clock.elapsed() - sendStart > kSendPhaseMs; }, int(kBoundMs)));
        pacer.stop();
        chaos.stop();
        for (int i = 0; i < kInstances; ++i) {
            if (!m_instances[i])
                QVERIFY(startInstance(i));
        }

        QSet<QString> expected;
        for (const auto &c : clients)
            expected.unite(QSet<QString>(c->sentIds.cbegin(), c->sentIds.cend()));
        const int total = kClients * kMessages;
        const bool converged = QTest::qWaitFor([&] {
            return std::all_of(clients.cbegin(), clients.cend(), [&](const auto &c) {
                return c->session->outboxSize() == 0 && c->session->messages(str("lobby")).size() >= total;
            });
        }, int(qMax<qint64>(1000, kBoundMs - m_clock.elapsed())));

        int lost = 0;
        int duplicated = 0;
        int reordered = 0;
        int reconnects = 0;
        for (int c = 0; c < kClients; ++c) {
            const QList<ChatMessage> held = clients[size_t(c)]->session->messages(str("lobby"));
            QSet<QString> seen;
            int dup = 0;
            int order = 0;
            qint64 previous = 0;
            for (const ChatMessage &m : held) {
                if (m.seq <= 0)
                    continue;
                if (seen.contains(m.id) || !expected.contains(m.id))
                    ++dup;
                seen.insert(m.id);
                if (m.seq != previous + 1)
                    ++order;
                previous = m.seq;
            }
            int missing = 0;
            for (const QString &id : std::as_const(expected))
                missing += seen.contains(id) ? 0 : 1;
            std::printf("client %d: held=%d lost=%d duplicated=%d reordered=%d outbox=%d reconnects=%d\n", c,
                        int(seen.size()), missing, dup, order, clients[size_t(c)]->session->outboxSize(),
                        clients[size_t(c)]->session->reconnects());
            lost += missing;
            duplicated += dup;
            reordered += order;
            reconnects += clients[size_t(c)]->session->reconnects();
        }
        g_summary = QStringLiteral("lost=%1 duplicated=%2 reordered=%3 reconnects=%4 kills=%5 drops=%6 elapsed_ms=%7")
                            .arg(lost).arg(duplicated).arg(reordered).arg(reconnects).arg(m_kills).arg(m_drops)
                            .arg(m_clock.elapsed());
        for (auto &p : m_instances) {
            if (p) {
                p->terminate();
                p->waitForFinished(10000);
            }
        }
        QVERIFY(converged);
        QCOMPARE(lost, 0);
        QCOMPARE(duplicated, 0);
        QCOMPARE(reordered, 0);
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
        TestClusterSoak test;
        rc = QTest::qExec(&test, argc, argv);
    }
    std::printf("%s\n", qPrintable(g_summary));
    std::fflush(stdout);
    return rc;
}

#include "tst_clustersoak.moc"
