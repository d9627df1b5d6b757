// Benchmark — the cluster: msg/s and delivery latency p50/p99 with 1, 2 and 3 tether-server
// instances on PostgreSQL + Redis, against the SQLite single instance in the same run; then, with
// three instances, one is SIGKILLed: how long until its clients are back on the others, and the
// peak 100 ms bucket of their reconnects. Raw QWebSocket guests speak protocol v1; senders are
// spread over the instances, one receiver sits on each, and latency is counted on receivers of
// another instance than the sender's (on the same one when there is only one).

#include "benchreport.h"
#include "benchstats.h"
#include "pgredisfixture.h"
#include "serverprocess.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTest>
#include <QTimer>
#include <QWebSocket>

#include <memory>

using namespace Tether::Bench;

namespace {
QElapsedTimer g_clock;

QString str(const char *s)
{
    return QString::fromLatin1(s);
}

// A guest on one instance: hello, then sends with a window and counts what it receives.
struct Peer
{
    QWebSocket socket;
    int instance = 0;
    bool countAll = false; // latency of every message (one instance), not only other instances'
    bool ready = false;
    int acked = 0;
    int sent = 0;
    int received = 0;
    QList<double> latenciesMs; // of messages sent from another instance
    std::function<void()> onAck;

    void open(const QUrl &url)
    {
        socket.setMaxAllowedIncomingMessageSize(64 * 1024 * 1024);
        QObject::connect(&socket, &QWebSocket::connected, &socket, [this] {
            socket.sendTextMessage(str("{\"type\":\"hello\",\"protocol\":1}"));
        });
        QObject::connect(&socket, &QWebSocket::textMessageReceived, &socket, [this](const QString &text) {
            const QJsonObject f = QJsonDocument::fromJson(text.toUtf8()).object();
            const QString type = f.value(str("type")).toString();
            if (type == QLatin1String("synced")) {
                ready = true;
            } else if (type == QLatin1String("ack")) {
                ++acked;
                if (onAck)
                    onAck();
            } else if (type == QLatin1String("message")) {
                ++received;
                // text: "<instance> <ns sent>"
                const QStringList parts = f.value(str("text")).toString().split(QLatin1Char(' '));
                if (parts.size() >= 2 && (countAll || parts[0].toInt() != instance))
                    latenciesMs.append(double(g_clock.nsecsElapsed() - parts[1].toLongLong()) / 1e6);
            }
        });
        socket.open(url);
    }
    void send()
    {
        const QString text = QStringLiteral("%1 %2 ").arg(instance).arg(g_clock.nsecsElapsed()).leftJustified(100, QLatin1Char('x'));
        socket.sendTextMessage(QString::fromUtf8(QJsonDocument(QJsonObject{
                { str("type"), str("send") }, { str("id"), QStringLiteral("b%1-%2").arg(quintptr(this)).arg(sent++) },
                { str("conversation"), str("lobby") }, { str("text"), text } }).toJson(QJsonDocument::Compact)));
    }
    ~Peer() { socket.abort(); }
};

QStringList serverArguments()
{
    return { str("--allow-guests"), str("--rate-limit"), str("0"), str("--user-rate"), str("0"),
             str("--max-per-address"), str("0"), str("--restart-spread"), str("1") };
}

// Instances on PostgreSQL + Redis, on fixed ports so a killed one could come back on its own.
struct Cluster
{
    std::vector<std::unique_ptr<QProcess>> processes;
    QList<QUrl> urls;

    bool start(int count, const QString &conninfo, const QString &redis, QString *error)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(str("TETHER_POSTGRES"), conninfo);
        env.insert(str("TETHER_REDIS"), redis);
        for (int i = 0; i < count; ++i) {
            auto p = std::make_unique<QProcess>();
            p->setProcessEnvironment(env);
            p->setStandardErrorFile(QProcess::nullDevice());
            const quint16 port = PgRedisFixture::freePort();
            p->start(executablePath(str("tether-server")),
                     serverArguments() + QStringList{ str("--listen"), QStringLiteral("127.0.0.1:%1").arg(port),
                                                      str("--instance-id"), QStringLiteral("node%1").arg(i) });
            if (!p->waitForStarted(10000)
                || !QTest::qWaitFor([&] { return p->canReadLine() || p->state() != QProcess::Running; }, 30000)
                || !p->readLine().contains("listening")) {
                *error = QStringLiteral("instance %1 did not start").arg(i);
                return false;
            }
            urls.append(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(port)));
            processes.push_back(std::move(p));
        }
        return true;
    }
    void kill(int i)
    {
        processes[size_t(i)]->kill();
        processes[size_t(i)]->waitForFinished(10000);
    }
    ~Cluster()
    {
        for (auto &p : processes) {
            if (p->state() == QProcess::Running) {
                p->terminate();
                p->waitForFinished(10000);
            }
        }
    }
};

struct RunResult
{
    double messagesPerSecond = 0;
    double p50 = 0;
    double p99 = 0;
    bool ok = false;
};

// senders spread over the instances, each with `window` in flight, `total` messages in all.
RunResult runLoad(const QList<QUrl> &urls, int senders, int total, int window)
{
    RunResult result;
    std::vector<std::unique_ptr<Peer>> receivers;
    std::vector<std::unique_ptr<Peer>> writers;
    for (int i = 0; i < urls.size(); ++i) {
        receivers.push_back(std::make_unique<Peer>());
        receivers.back()->instance = i;
        receivers.back()->countAll = urls.size() == 1;
        receivers.back()->open(urls[i]);
    }
    const int perSender = total / senders;
    for (int s = 0; s < senders; ++s) {
        writers.push_back(std::make_unique<Peer>());
        Peer *w = writers.back().get();
        w->instance = s % int(urls.size());
        w->onAck = [w, perSender] {
            if (w->sent < perSender)
                w->send();
        };
        w->open(urls[w->instance]);
    }
    auto all = [](const auto &peers, auto predicate) {
        return std::all_of(peers.cbegin(), peers.cend(), [&](const auto &p) { return predicate(*p); });
    };
    if (!QTest::qWaitFor([&] { return all(receivers, [](const Peer &p) { return p.ready; })
                                       && all(writers, [](const Peer &p) { return p.ready; }); }, 30000))
        return result;
    QElapsedTimer elapsed;
    elapsed.start();
    for (auto &w : writers) {
        for (int i = 0; i < window && w->sent < perSender; ++i)
            w->send();
    }
    const int expected = perSender * senders;
    result.ok = QTest::qWaitFor([&] { return all(receivers, [&](const Peer &p) { return p.received >= expected; }); },
                                120000);
    result.messagesPerSecond = double(expected) * 1000.0 / double(qMax<qint64>(1, elapsed.elapsed()));
    QList<double> latencies;
    for (const auto &r : receivers)
        latencies += r->latenciesMs;
    result.p50 = percentile(latencies, 50);
    result.p99 = percentile(latencies, 99);
    return result;
}
} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    g_clock.start();
    QCommandLineParser parser;
    parser.setApplicationDescription(str("Cluster benchmark: 1-3 instances on PostgreSQL + Redis vs. SQLite"));
    parser.addHelpOption();
    parser.addOption({ str("quick"), str("Small runs (smoke test).") });
    parser.process(app);
    const bool quick = parser.isSet(str("quick"));
    const int total = quick ? 600 : 12000;
    const int senders = 6;
    const int window = 10;
    const int killClients = quick ? 30 : 150;

    BenchReport report(str("cluster"));
    report.note(QStringLiteral("%1 messages of 100 bytes from %2 guest senders (%3 in flight each) spread over the "
                               "instances, one receiver per instance; rate limits off")
                        .arg(total).arg(senders).arg(window));
    report.note(str("PostgreSQL is the tests' throwaway one (fsync=off, synchronous_commit=off) and every process "
                    "shares this machine's cores: the figures compare the paths, not production hardware"));
    PgRedisFixture fixture;
    QString error;
    if (!fixture.start(&error)) {
        report.error(error);
        return report.finish();
    }

    // The baseline: one instance on SQLite (durable acks, as by default).
    RunResult sqlite;
    {
        ServerProcess server;
        server.setArguments(serverArguments());
        if (!server.addPublicConversation(str("lobby"), &error) || !server.start(&error)) {
            report.error(error);
            return report.finish();
        }
        report.progress(str("SQLite single instance"));
        sqlite = runLoad({ server.webSocketUrl() }, senders, total, window);
        if (!sqlite.ok)
            report.error(str("the SQLite run did not deliver everything"));
        report.info(str("sqlite 1 instance msg/s"), sqlite.messagesPerSecond, str("msg/s"));
        report.info(str("sqlite 1 instance delivery p50"), sqlite.p50, str("ms"));
        report.info(str("sqlite 1 instance delivery p99"), sqlite.p99, str("ms"));
    }

    for (int n = 1; n <= 3; ++n) {
        const QString conninfo = fixture.createDatabase(QStringLiteral("bench%1").arg(n), &error);
        Cluster cluster;
        if (conninfo.isEmpty() || !cluster.start(n, conninfo, fixture.redisUrl(), &error)) {
            report.error(error);
            return report.finish();
        }
        {
            QProcess add;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(str("TETHER_POSTGRES"), conninfo);
            add.setProcessEnvironment(env);
            add.start(executablePath(str("tether-server")), { str("--add-conversation"), str("lobby"), str("--public") });
            if (!add.waitForFinished(30000) || add.exitCode() != 0) {
                report.error(str("tether-server --add-conversation failed"));
                return report.finish();
            }
        }
        report.progress(QStringLiteral("%1 instance(s) on PostgreSQL + Redis").arg(n));
        const RunResult r = runLoad(cluster.urls, senders, total, window);
        if (!r.ok)
            report.error(QStringLiteral("the %1-instance run did not deliver everything").arg(n));
        const QString name = QStringLiteral("postgres+redis %1 instance%2").arg(n).arg(n > 1 ? str("s") : QString());
        report.compare(name + str(" msg/s"), r.messagesPerSecond, str("msg/s"), sqlite.messagesPerSecond);
        report.compare(name + (n > 1 ? str(" cross-instance p50") : str(" delivery p50")), r.p50, str("ms"), sqlite.p50);
        report.compare(name + (n > 1 ? str(" cross-instance p99") : str(" delivery p99")), r.p99, str("ms"), sqlite.p99);

        if (n != 3)
            continue;
        // One of three killed: its clients reconnect to the others after a full-jitter delay of up
        // to 1 s (what a client's first backoff step does), each to a random live instance.
        std::vector<std::unique_ptr<Peer>> clients;
        for (int i = 0; i < killClients; ++i) {
            clients.push_back(std::make_unique<Peer>());
            clients.back()->instance = i % 3;
            clients.back()->open(cluster.urls[i % 3]);
        }
        if (!QTest::qWaitFor([&] { return std::all_of(clients.cbegin(), clients.cend(), [](const auto &c) { return c->ready; }); },
                             30000)) {
            report.error(str("the clients for the kill did not all connect"));
            return report.finish();
        }
        QList<qint64> reconnectsMs;
        int back = 0;
        int victims = 0;
        QElapsedTimer sinceKill;
        for (auto &c : clients) {
            if (c->instance != 0)
                continue;
            ++victims;
            Peer *p = c.get();
            QObject::connect(&p->socket, &QWebSocket::disconnected, &p->socket, [&, p] {
                const int delay = int(QRandomGenerator::global()->bounded(1000));
                QTimer::singleShot(delay, &p->socket, [&, p] {
                    reconnectsMs.append(sinceKill.elapsed());
                    p->ready = false;
                    p->instance = 1 + int(QRandomGenerator::global()->bounded(2));
                    QObject::disconnect(&p->socket, nullptr, nullptr, nullptr);
                    QObject::connect(&p->socket, &QWebSocket::textMessageReceived, &p->socket, [&, p](const QString &text) {
                        if (!p->ready && text.contains(QLatin1String("\"synced\""))) {
                            p->ready = true;
                            ++back;
                        }
                    });
                    QObject::connect(&p->socket, &QWebSocket::connected, &p->socket, [p] {
                        p->socket.sendTextMessage(str("{\"type\":\"hello\",\"protocol\":1}"));
                    });
                    p->socket.open(cluster.urls[p->instance]);
                });
            });
        }
        sinceKill.start();
        cluster.kill(0);
        const bool allBack = QTest::qWaitFor([&] { return back >= victims; }, 30000);
        if (!allBack)
            report.error(QStringLiteral("only %1 of %2 clients of the killed instance came back").arg(back).arg(victims));
        report.info(QStringLiteral("kill 1 of 3: %1 clients back after").arg(victims), double(sinceKill.elapsed()), str("ms"));
        const QList<int> buckets = bucketize(reconnectsMs, 100);
        report.info(str("kill 1 of 3: peak 100 ms bucket of reconnects"), peak(buckets), str("connections"));
        report.info(str("kill 1 of 3: peak over an even spread (1 s)"), peakOverUniform(peak(buckets), victims, 100, 1000),
                    str("x"));
    }
    return report.finish();
}
