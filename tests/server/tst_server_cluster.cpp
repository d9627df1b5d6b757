// Several tether-server instances on one real PostgreSQL and one real Redis (PgRedisFixture):
// every client sees every message once and in order, concurrent writers leave no seq gaps, Redis
// killed and restarted is caught up, PostgreSQL stopped gives storage_error and /health degraded,
// a login on one instance is valid on another, the echo bot answers once, typing and presence
// cross instances, and instances starting together on an empty database all come up.

#include "pgredisfixture.h"
#include "servertestutil.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QSet>

using namespace TestUtil;

namespace {
QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}
} // namespace

class TestServerCluster : public QObject
{
    Q_OBJECT
private:
    PgRedisFixture m_fixture;
    int m_databases = 0;
    QString m_conninfo; // this test's database
    std::vector<std::unique_ptr<Tether::ChatServer>> m_servers;

    Tether::ChatServer *startInstance(const QString &id)
    {
        Tether::ServerConfig config;
        config.postgres = m_conninfo;
        config.redis = m_fixture.redisUrl();
        config.instanceId = id;
        config.allowGuests = true;
        config.demo = true;
        config.passwordIterations = 1000;
        config.idleTimeoutMs = 120000;
        config.userRateBurst = 1000;
        config.userRatePerSecond = 1000;
        auto server = std::make_unique<Tether::ChatServer>(config);
        QString error;
        if (!server->start(&error)) {
            qWarning().noquote() << "instance" << id << "did not start:" << error;
            return nullptr;
        }
        m_servers.push_back(std::move(server));
        return m_servers.back().get();
    }
    static QJsonObject health(Tether::ChatServer *server)
    {
        return http("GET", QUrl(server->httpUrl().toString() + QStringLiteral("/health"))).body;
    }
    // One unlabelled sample of /metrics; -1 when it is missing.
    static double gauge(Tether::ChatServer *server, const char *name)
    {
        const QByteArray text = http("GET", QUrl(server->httpUrl().toString() + QStringLiteral("/metrics"))).raw;
        for (const QByteArray &line : text.split('\n')) {
            if (line.startsWith(QByteArray(name) + ' '))
                return line.mid(qstrlen(name) + 1).toDouble();
        }
        return -1;
    }
    static bool healthy(Tether::ChatServer *server)
    {
        return health(server).value(str("status")).toString() == QLatin1String("ok");
    }
    // The "message" frames of one conversation a client got, in arrival order.
    static QList<QJsonObject> messages(const Client &client, const QString &conversation)
    {
        QList<QJsonObject> out;
        for (const QJsonObject &f : client.framesOfType(str("message"))) {
            if (f.value(str("conversation")).toString() == conversation)
                out.append(f);
        }
        return out;
    }
    // Seqs strictly one after another (no gap, no duplicate, no reordering) from the first.
    static bool consecutive(const QList<QJsonObject> &list)
    {
        for (int i = 1; i < list.size(); ++i) {
            if (list[i].value(str("seq")).toInteger() != list[i - 1].value(str("seq")).toInteger() + 1)
                return false;
        }
        return true;
    }
    static int countText(const QList<QJsonObject> &list, const QString &text)
    {
        return int(std::count_if(list.cbegin(), list.cend(),
                                 [&](const QJsonObject &m) { return m.value(str("text")).toString() == text; }));
    }
    void sendFrame(Client &client, const QString &conversation, const QString &text, const QString &id = QString())
    {
        client.send(QJsonObject{ { str("type"), str("send") }, { str("id"), id.isEmpty() ? newId() : id },
                                 { str("conversation"), conversation }, { str("text"), text } });
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_fixture.start(&error), qPrintable(error));
    }
    void init()
    {
        QString error;
        m_conninfo = m_fixture.createDatabase(QStringLiteral("cluster%1").arg(++m_databases), &error);
        QVERIFY2(!m_conninfo.isEmpty(), qPrintable(error));
    }
    void cleanup()
    {
        m_servers.clear();
    }

    void everyMessageOnceInOrder()
    {
        Tether::ChatServer *a = startInstance(str("A"));
        Tether::ChatServer *b = startInstance(str("B"));
        QVERIFY(a && b);
        QTRY_VERIFY_WITH_TIMEOUT(healthy(a) && healthy(b), kTimeout);
        Client ca;
        Client cb;
        QVERIFY(ca.open(a->webSocketUrl()));
        QVERIFY(cb.open(b->webSocketUrl()));
        QVERIFY(!ca.hello().isEmpty());
        QVERIFY(!cb.hello().isEmpty());
        constexpr int kEach = 25;
        for (int i = 0; i < kEach; ++i) {
            sendFrame(ca, str("lobby"), QStringLiteral("a%1").arg(i));
            sendFrame(cb, str("lobby"), QStringLiteral("b%1").arg(i));
        }
        QTRY_COMPARE_WITH_TIMEOUT(messages(ca, str("lobby")).size(), 2 * kEach, kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(messages(cb, str("lobby")).size(), 2 * kEach, kTimeout);
        // A last one: whatever duplicate was on its way has arrived before it.
        sendFrame(ca, str("lobby"), str("last"));
        QTRY_COMPARE_WITH_TIMEOUT(countText(messages(cb, str("lobby")), str("last")), 1, kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(countText(messages(ca, str("lobby")), str("last")), 1, kTimeout);
        for (Client *c : { &ca, &cb }) {
            const auto got = messages(*c, str("lobby"));
            QCOMPARE(got.size(), 2 * kEach + 1);
            QVERIFY(consecutive(got));
            QCOMPARE(got.first().value(str("seq")).toInteger(), 1);
        }
    }

    void concurrentWritersNoGaps()
    {
        Tether::ChatServer *a = startInstance(str("A"));
        Tether::ChatServer *b = startInstance(str("B"));
        QVERIFY(a && b);
        QTRY_VERIFY_WITH_TIMEOUT(healthy(a) && healthy(b), kTimeout);
        Client clients[4];
        for (int i = 0; i < 4; ++i) {
            QVERIFY(clients[i].open((i % 2 ? b : a)->webSocketUrl()));
            QVERIFY(!clients[i].hello().isEmpty());
        }
        constexpr int kEach = 30;
        for (int n = 0; n < kEach; ++n) {
            for (Client &c : clients)
                sendFrame(c, str("lobby"), QStringLiteral("m%1").arg(n));
        }
        QSet<qint64> seqs;
        for (Client &c : clients) {
            QTRY_COMPARE_WITH_TIMEOUT(c.framesOfType(str("ack")).size(), kEach, kTimeout);
            for (const QJsonObject &ack : c.framesOfType(str("ack")))
                seqs.insert(ack.value(str("seq")).toInteger());
        }
        QCOMPARE(seqs.size(), 4 * kEach); // no seq given twice
        QCOMPARE(*std::max_element(seqs.cbegin(), seqs.cend()), qint64(4 * kEach)); // and none skipped
        for (Client &c : clients) {
            QTRY_COMPARE_WITH_TIMEOUT(messages(c, str("lobby")).size(), 4 * kEach, kTimeout);
            QVERIFY(consecutive(messages(c, str("lobby"))));
        }
    }

    void redisKilledThenCaughtUp()
    {
        Tether::ChatServer *a = startInstance(str("A"));
        Tether::ChatServer *b = startInstance(str("B"));
        QVERIFY(a && b);
        QTRY_VERIFY_WITH_TIMEOUT(healthy(a) && healthy(b), kTimeout);
        Client ca;
        Client cb;
        QVERIFY(ca.open(a->webSocketUrl()));
        QVERIFY(cb.open(b->webSocketUrl()));
        QVERIFY(!ca.hello().isEmpty());
        QVERIFY(!cb.hello().isEmpty());
        QVERIFY(!ca.sendMessage(str("lobby"), str("before")).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(messages(cb, str("lobby")).size(), 1, kTimeout);

        m_fixture.killRedis();
        QTRY_VERIFY_WITH_TIMEOUT(health(a).value(str("reason")).toString().contains(str("redis")), kTimeout);
        QCOMPARE(health(a).value(str("status")).toString(), str("degraded"));
        QCOMPARE(gauge(a, "tether_server_broker_up"), 0.0); // what operators graph and alert on
        QCOMPARE(gauge(a, "tether_server_storage_up"), 1.0);
        // Still accepted, stored and acknowledged; delivered on A at once.
        for (int i = 0; i < 5; ++i)
            QVERIFY(!ca.sendMessage(str("lobby"), QStringLiteral("during%1").arg(i)).isEmpty());
        QCOMPARE(messages(ca, str("lobby")).size(), 6);

        QString error;
        QVERIFY2(m_fixture.startRedis(&error), qPrintable(error));
        QElapsedTimer back;
        back.start();
        QTRY_COMPARE_WITH_TIMEOUT(messages(cb, str("lobby")).size(), 6, kTimeout);
        const qint64 catchUpMs = back.elapsed();
        qInfo() << "caught up" << catchUpMs << "ms after Redis came back";
        QVERIFY2(catchUpMs < 2000, qPrintable(QStringLiteral("%1 ms").arg(catchUpMs)));
        QTRY_VERIFY_WITH_TIMEOUT(healthy(a) && healthy(b), kTimeout);
        QCOMPARE(gauge(a, "tether_server_broker_up"), 1.0);
        QVERIFY(!cb.sendMessage(str("lobby"), str("after")).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(messages(ca, str("lobby")).size(), 7, kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(messages(cb, str("lobby")).size(), 7, kTimeout);
        QVERIFY(consecutive(messages(ca, str("lobby"))));
        QVERIFY(consecutive(messages(cb, str("lobby"))));
    }

    // A Redis that stops answering without closing (SIGSTOP) is found by the PING and let go.
    void redisHungThenBack()
    {
        Tether::ChatServer *a = startInstance(str("A"));
        Tether::ChatServer *b = startInstance(str("B"));
        QVERIFY(a && b);
        QTRY_VERIFY_WITH_TIMEOUT(healthy(a) && healthy(b), kTimeout);
        Client ca;
        Client cb;
        QVERIFY(ca.open(a->webSocketUrl()));
        QVERIFY(cb.open(b->webSocketUrl()));
        QVERIFY(!ca.hello().isEmpty());
        QVERIFY(!cb.hello().isEmpty());
        m_fixture.pauseRedis(true);
        QVERIFY(!ca.sendMessage(str("lobby"), str("while hung")).isEmpty()); // acked all the same
        QTRY_VERIFY_WITH_TIMEOUT(health(a).value(str("status")).toString() == str("degraded"), kTimeout);
        m_fixture.pauseRedis(false);
        QTRY_VERIFY_WITH_TIMEOUT(healthy(a) && healthy(b), kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(messages(cb, str("lobby")).size(), 1, kTimeout);
        QVERIFY(!cb.sendMessage(str("lobby"), str("after")).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(messages(ca, str("lobby")).size(), 2, kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(messages(cb, str("lobby")).size(), 2, kTimeout);
    }

    void postgresStoppedThenRecovered()
    {
        Tether::ChatServer *a = startInstance(str("A"));
        QVERIFY(a);
        QTRY_VERIFY_WITH_TIMEOUT(healthy(a), kTimeout);
        Client ca;
        QVERIFY(ca.open(a->webSocketUrl()));
        QVERIFY(!ca.hello().isEmpty());
        QVERIFY(!ca.sendMessage(str("lobby"), str("stored")).isEmpty());

        QString error;
        QVERIFY2(m_fixture.stopPostgres(&error), qPrintable(error));
        const QString id = newId();
        sendFrame(ca, str("lobby"), str("while down"), id);
        const QJsonObject refused = ca.waitFor(str("error"));
        QCOMPARE(refused.value(str("code")).toString(), str("storage_error"));
        QCOMPARE(ca.framesOfType(str("ack")).size(), 1); // nothing acknowledged that is not stored
        const QJsonObject degraded = health(a);
        QCOMPARE(degraded.value(str("status")).toString(), str("degraded"));
        QVERIFY2(degraded.value(str("reason")).toString().contains(str("postgresql")),
                 qPrintable(degraded.value(str("reason")).toString()));
        QCOMPARE(gauge(a, "tether_server_storage_up"), 0.0);

        QVERIFY2(m_fixture.startPostgres(&error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(healthy(a), kTimeout);
        QCOMPARE(gauge(a, "tether_server_storage_up"), 1.0);
        // The retry (same id) is stored now, once.
        const QJsonObject ack = ca.sendMessage(str("lobby"), str("while down"), id);
        QCOMPARE(ack.value(str("seq")).toInteger(), 2);
    }

    void loginOnOneValidOnAnother()
    {
        Tether::ChatServer *a = startInstance(str("A"));
        Tether::ChatServer *b = startInstance(str("B"));
        QVERIFY(a && b);
        QString error;
        QVERIFY2(a->addUser(str("ann"), str("password-1"), &error), qPrintable(error));
        const HttpResult login = postJson(QUrl(a->httpUrl().toString() + str("/api/auth/login")),
                                          QJsonObject{ { str("username"), str("ann") }, { str("password"), str("password-1") } });
        QCOMPARE(login.status, 200);
        const QString access = login.body.value(str("access_token")).toString();
        QVERIFY(!access.isEmpty());
        Client cb;
        QVERIFY(cb.open(b->webSocketUrl(), access));
        const QJsonObject welcome = cb.hello();
        QCOMPARE(welcome.value(str("user")).toObject().value(str("id")).toString(), str("ann"));
        // And the refresh token from A is good on B.
        const HttpResult refreshed = postJson(QUrl(b->httpUrl().toString() + str("/api/auth/refresh")),
                                              QJsonObject{ { str("refresh_token"), login.body.value(str("refresh_token")) } });
        QCOMPARE(refreshed.status, 200);
    }

    void echoBotAnswersOnce()
    {
        Tether::ChatServer *a = startInstance(str("A"));
        Tether::ChatServer *b = startInstance(str("B"));
        QVERIFY(a && b);
        QTRY_VERIFY_WITH_TIMEOUT(healthy(a) && healthy(b), kTimeout);
        Client ca;
        Client cb;
        QVERIFY(ca.open(a->webSocketUrl()));
        QVERIFY(cb.open(b->webSocketUrl()));
        QVERIFY(!ca.hello().isEmpty());
        QVERIFY(!cb.hello().isEmpty());
        QVERIFY(!ca.sendMessage(str("echo"), str("ping")).isEmpty());
        QVERIFY(!cb.sendMessage(str("echo"), str("pong")).isEmpty());
        // Each text twice (the original and one answer), on both sides.
        for (Client *c : { &ca, &cb }) {
            QTRY_COMPARE_WITH_TIMEOUT(messages(*c, str("echo")).size(), 4, kTimeout);
            QCOMPARE(countText(messages(*c, str("echo")), str("ping")), 2);
            QCOMPARE(countText(messages(*c, str("echo")), str("pong")), 2);
            QVERIFY(consecutive(messages(*c, str("echo"))));
        }
    }

    void typingCrossesInstances()
    {
        Tether::ChatServer *a = startInstance(str("A"));
        Tether::ChatServer *b = startInstance(str("B"));
        QVERIFY(a && b);
        QTRY_VERIFY_WITH_TIMEOUT(healthy(a) && healthy(b), kTimeout);
        Client ca;
        Client cb;
        QVERIFY(ca.open(a->webSocketUrl()));
        QVERIFY(cb.open(b->webSocketUrl()));
        QVERIFY(!ca.hello().isEmpty());
        QVERIFY(!cb.hello().isEmpty());
        ca.send(QJsonObject{ { str("type"), str("typing") }, { str("conversation"), str("lobby") } });
        const QJsonObject typing = cb.waitFor(str("typing"));
        QCOMPARE(typing.value(str("conversation")).toString(), str("lobby"));
        QVERIFY(ca.framesOfType(str("typing")).isEmpty()); // not to the typist itself
    }

    // Presence (joined, left) crosses instances, and so do a private conversation's messages.
    void presenceCrossesInstances()
    {
        Tether::ChatServer *a = startInstance(str("A"));
        Tether::ChatServer *b = startInstance(str("B"));
        QVERIFY(a && b);
        QTRY_VERIFY_WITH_TIMEOUT(healthy(a) && healthy(b), kTimeout);
        QString error;
        QVERIFY2(a->addUser(str("ann"), str("password-1"), &error), qPrintable(error));
        QVERIFY2(b->addUser(str("bob"), str("password-2"), &error), qPrintable(error));
        auto tokenFor = [](Tether::ChatServer *server, const char *user, const char *password) {
            return postJson(QUrl(server->httpUrl().toString() + str("/api/auth/login")),
                            QJsonObject{ { str("username"), str(user) }, { str("password"), str(password) } })
                    .body.value(str("access_token")).toString();
        };
        Client ann;
        Client bob;
        QVERIFY(ann.open(a->webSocketUrl(), tokenFor(a, "ann", "password-1")));
        QVERIFY(bob.open(b->webSocketUrl(), tokenFor(b, "bob", "password-2")));
        QVERIFY(!ann.hello().isEmpty());
        QVERIFY(!bob.hello().isEmpty());
        ann.send(QJsonObject{ { str("type"), str("join") }, { str("conversation"), str("team") }, { str("id"), str("j1") } });
        QVERIFY(!ann.waitFor(str("joined")).isEmpty());
        ann.send(QJsonObject{ { str("type"), str("invite") }, { str("conversation"), str("team") },
                              { str("user"), str("bob") }, { str("id"), str("i1") } });
        const QJsonObject joined = bob.waitFor(str("joined"));
        QCOMPARE(joined.value(str("user")).toString(), str("bob"));
        QVERIFY(!ann.sendMessage(str("team"), str("welcome bob")).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(countText(messages(bob, str("team")), str("welcome bob")), 1, kTimeout);
        bob.send(QJsonObject{ { str("type"), str("leave") }, { str("conversation"), str("team") }, { str("id"), str("l1") } });
        const QJsonObject left = ann.waitFor(str("left"));
        QCOMPARE(left.value(str("user")).toString(), str("bob"));
    }

#ifdef TETHER_SERVER_BIN
    // Three processes at once on an empty database: the advisory lock lets one migrate.
    void instancesStartTogetherOnEmptyDatabase()
    {
        QProcess processes[3];
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(str("TETHER_POSTGRES"), m_conninfo);
        env.insert(str("TETHER_REDIS"), m_fixture.redisUrl());
        for (QProcess &p : processes) {
            p.setProcessEnvironment(env);
            p.start(str(TETHER_SERVER_BIN), { str("--listen"), str("127.0.0.1:0"), str("--demo") });
        }
        for (QProcess &p : processes) {
            QVERIFY(p.waitForStarted(kTimeout));
            QTRY_VERIFY_WITH_TIMEOUT(p.canReadLine() || p.state() != QProcess::Running, kTimeout);
            const QByteArray line = p.readLine();
            QVERIFY2(line.contains("listening"), line.constData());
        }
        for (QProcess &p : processes) {
            p.terminate();
            QVERIFY(p.waitForFinished(kTimeout));
            QCOMPARE(p.exitCode(), 0);
        }
    }
#endif
};

QTEST_MAIN(TestServerCluster)
#include "tst_server_cluster.moc"
