// Benchmark 3 — reconnect storm: N ConnectionManagers in this process, one tether-server child that
// crashes (SIGKILL, restarted at once on the same port) or restarts gracefully (SIGTERM: 1012 with
// retry_after_ms spread by the server). Attempts are bucketed per 100 ms from the moment of the
// crash/shutdown; the peak bucket is compared with the share a perfectly even spread over the
// window in force would give.

#include "benchreport.h"
#include "benchstats.h"
#include "procstats.h"
#include "serverprocess.h"

#include "connectionmanager.h"
#include "manualnetworkmonitor.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>

#include <memory>
#include <vector>

using namespace Tether;
using namespace Tether::Bench;

namespace {

constexpr int bucketMs = 100;

struct Client
{
    std::unique_ptr<ConnectionManager> connection;
    qint64 connectedAt = -1;
};

struct Mode
{
    QString name;
    BackoffPolicy::Jitter jitter = BackoffPolicy::Jitter::Full;
    bool graceful = false;
    int windowMs = 0;     // the spread the policy in force allows for the first retry
    bool hasTarget = false;
};

class StormBench
{
public:
    StormBench(BenchReport &report, int clients, int initialMs, int spreadMs, int minUptimeMs)
        : m_report(report)
        , m_count(clients)
        , m_initialMs(initialMs)
        , m_spreadMs(spreadMs)
        , m_minUptimeMs(minUptimeMs)
    {
        m_clock.start();
    }

    bool run(const Mode &mode)
    {
        ServerProcess server;
        // Many bare ConnectionManagers (no hello) from one address: no auth timeout, no per-address cap.
        server.setArguments({QStringLiteral("--allow-guests"), QStringLiteral("--auth-timeout"), QStringLiteral("0"),
                             QStringLiteral("--max-per-address"), QStringLiteral("0"), QStringLiteral("--restart-spread"),
                             QString::number(m_spreadMs / 1000.0)});
        QString error;
        if (!server.start(&error)) {
            m_report.error(error);
            return false;
        }
        ConnectionConfig config;
        config.url = server.webSocketUrl();
        config.backoff.initialMs = m_initialMs;
        config.backoff.jitter = mode.jitter;
        config.minUptimeMs = m_minUptimeMs;

        std::vector<std::unique_ptr<Client>> clients;
        QList<qint64> attempts; // ms on the benchmark clock
        clients.reserve(size_t(m_count));
        for (int i = 0; i < m_count; ++i) {
            auto client = std::make_unique<Client>();
            client->connection = std::make_unique<ConnectionManager>(config, &m_network);
            Client *c = client.get();
            QObject::connect(c->connection.get(), &ConnectionManager::connected, c->connection.get(),
                             [this, c] { c->connectedAt = now(); });
            QObject::connect(c->connection.get(), &ConnectionManager::stateChanged, c->connection.get(),
                             [this, &attempts](ConnectionState state, ConnectionState) {
                                 if (state == ConnectionState::Connecting)
                                     attempts.append(now());
                             });
            clients.push_back(std::move(client));
        }
        // Ramp the initial connections up in small batches: the start is not what is measured.
        const qint64 rampStart = now();
        for (int i = 0; i < m_count; ++i) {
            clients[size_t(i)]->connection->open();
            if (i % 50 == 49)
                spinFor(10);
        }
        auto connectedCount = [&] {
            int n = 0;
            for (const auto &c : clients)
                n += c->connection->state() == ConnectionState::Connected;
            return n;
        };
        if (!spinUntil([&] { return connectedCount() == m_count; }, 60000 + m_count * 20)) {
            m_report.error(QStringLiteral("%1: only %2 of %3 clients connected initially")
                               .arg(mode.name).arg(connectedCount()).arg(m_count));
            return false;
        }
        m_report.progress(QStringLiteral("%1: %2 clients connected in %3 ms")
                              .arg(mode.name).arg(m_count).arg(now() - rampStart));
        // Past the minimum uptime, so the storm starts a fresh backoff series for everyone.
        spinFor(m_minUptimeMs + 200);
        for (auto &c : clients)
            c->connectedAt = -1;
        attempts.clear();

        const qint64 origin = now();
        if (mode.graceful) {
            if (!server.terminate(30000))
                m_report.error(QStringLiteral("%1: tether-server did not shut down gracefully").arg(mode.name));
        } else {
            server.kill();
        }
        const qint64 downFor = now() - origin;
        if (!server.start(&error)) {
            m_report.error(QStringLiteral("%1: restart: %2").arg(mode.name, error));
            return false;
        }
        const qint64 upAt = now() - origin;
        const int budget = mode.windowMs + 30000;
        const bool allBack = spinUntil(
            [&] {
                for (const auto &c : clients)
                    if (c->connectedAt < 0)
                        return false;
                return true;
            },
            budget);
        qint64 lastBack = 0;
        int back = 0;
        for (const auto &c : clients) {
            if (c->connectedAt >= 0) {
                ++back;
                lastBack = std::max(lastBack, c->connectedAt - origin);
            }
        }
        QList<qint64> relative;
        for (qint64 t : attempts)
            relative.append(t - origin);
        const QList<int> buckets = bucketize(relative, bucketMs);
        const int peakCount = peak(buckets);
        const double peakShare = shareOf(peakCount, m_count);
        const double uniform = uniformShare(bucketMs, std::max(mode.windowMs, bucketMs));

        QStringList histogram;
        for (int count : buckets)
            histogram.append(QString::number(count));
        m_report.note(QStringLiteral("%1: server down for %2 ms, listening again after %3 ms; attempts per %4 ms "
                                     "from the %5: %6")
                          .arg(mode.name).arg(downFor).arg(upAt).arg(bucketMs)
                          .arg(mode.graceful ? QStringLiteral("SIGTERM") : QStringLiteral("SIGKILL"))
                          .arg(histogram.join(QLatin1Char(' '))));

        const QString prefix = mode.name + QStringLiteral(": ");
        m_report.info(prefix + QStringLiteral("attempts"), attempts.size(), QStringLiteral("count"));
        // Baseline: the share one bucket would hold with arrivals perfectly even over the window.
        m_report.compare(prefix + QStringLiteral("peak bucket share"), 100 * peakShare, QStringLiteral("%"),
                         100 * uniform,
                         mode.hasTarget ? QStringLiteral("<= 1.5x uniform (%1 %)").arg(150 * uniform) : QString(),
                         mode.hasTarget ? std::optional<bool>(peakShare <= 1.5 * uniform + 1e-9) : std::nullopt);
        if (!allBack)
            m_report.error(QStringLiteral("%1: only %2 of %3 clients back within %4 ms")
                               .arg(mode.name).arg(back).arg(m_count).arg(budget));
        const int backTarget = mode.windowMs + 2000;
        if (mode.hasTarget)
            m_report.check(prefix + QStringLiteral("all back after"), double(lastBack), QStringLiteral("ms"),
                           QStringLiteral("<= window + 2 s (%1 ms)").arg(backTarget),
                           allBack && lastBack <= backTarget);
        else
            m_report.info(prefix + QStringLiteral("all back after"), double(lastBack), QStringLiteral("ms"));
        clients.clear();
        server.terminate(10000);
        return true;
    }

private:
    qint64 now() const { return m_clock.elapsed(); }

    BenchReport &m_report;
    int m_count;
    int m_initialMs;
    int m_spreadMs;
    int m_minUptimeMs;
    QElapsedTimer m_clock;
    ManualNetworkMonitor m_network;
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Reconnect storm benchmark"));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("quick"), QStringLiteral("100 clients, scaled windows (smoke run).")});
    parser.addOption({QStringLiteral("clients"), QStringLiteral("Number of clients (default 1000)."),
                      QStringLiteral("n")});
    parser.addOption({QStringLiteral("modes"), QStringLiteral("Comma list of none,equal,full,spread."),
                      QStringLiteral("list"), QStringLiteral("none,equal,full,spread")});
    parser.process(app);
    const bool quick = parser.isSet(QStringLiteral("quick"));
    const int clients = parser.isSet(QStringLiteral("clients")) ? parser.value(QStringLiteral("clients")).toInt()
                                                                 : (quick ? 100 : 1000);
    const int initialMs = quick ? 300 : 1000;
    const int spreadMs = quick ? 1000 : 5000;
    const int minUptimeMs = quick ? 300 : 2000;

    BenchReport report(QStringLiteral("storm"));
    const qint64 fileLimit = raiseFileLimit(2 * clients + 512);
    report.note(QStringLiteral("%1 clients in one process (RLIMIT_NOFILE %2), one tether-server child on 127.0.0.1; "
                               "backoff initial %3 ms x2 cap 30 s, min uptime %4 ms%5; server restart spread %6 ms; "
                               "attempts bucketed per %7 ms from the crash/SIGTERM")
                    .arg(clients).arg(fileLimit).arg(initialMs).arg(minUptimeMs)
                    .arg(quick ? QStringLiteral(" (quick: scaled)") : QStringLiteral(" (default 10 s lowered so runs are short; it does not change the first retry)"))
                    .arg(spreadMs).arg(bucketMs));
    report.note(QStringLiteral("load average at start: %1").arg(loadAverage()));
    if (fileLimit < 2 * clients + 64) {
        report.error(QStringLiteral("file-descriptor limit %1 too low for %2 clients").arg(fileLimit).arg(clients));
        return report.finish();
    }

    const QStringList wanted = parser.value(QStringLiteral("modes")).split(QLatin1Char(','));
    const QList<Mode> modes = {
        // Baseline of every crash mode: an even spread over the nominal first-retry window (the
        // initial delay), so the ratio says how much worse than ideal each jitter is. (The window in
        // force is 0 for none and initial/2 for equal.)
        {QStringLiteral("crash, jitter none"), BackoffPolicy::Jitter::None, false, initialMs, false},
        {QStringLiteral("crash, jitter equal"), BackoffPolicy::Jitter::Equal, false, initialMs, false},
        {QStringLiteral("crash, jitter full"), BackoffPolicy::Jitter::Full, false, initialMs, true},
        {QStringLiteral("graceful, server spread"), BackoffPolicy::Jitter::Full, true, spreadMs, true},
    };
    const QStringList keys = {QStringLiteral("none"), QStringLiteral("equal"), QStringLiteral("full"),
                              QStringLiteral("spread")};
    StormBench bench(report, clients, initialMs, spreadMs, minUptimeMs);
    for (int i = 0; i < modes.size(); ++i) {
        if (wanted.contains(keys.at(i)))
            bench.run(modes.at(i));
    }
    return report.finish();
}
