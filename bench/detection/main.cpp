// Benchmark 2 — failure detection and recovery:
//  a) a half-open link (fault proxy blackhole): time to detect vs. the bound interval + pong timeout;
//  b) outages (proxy resets the link and refuses connections for L): time from the server being
//     reachable again to Connected, as a share of L;
//  c) a graceful tether-server restart (1012 + retry_after_ms): time wasted after the later of
//     "server back" and "the retry_after_ms the server asked for".

#include "benchreport.h"
#include "benchstats.h"
#include "procstats.h"
#include "serverprocess.h"

#include "connectionmanager.h"
#include "faultproxy.h"
#include "manualnetworkmonitor.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

#include <memory>

using namespace Tether;
using namespace Tether::Bench;

namespace {

// One ConnectionManager with the timestamps (ms on the benchmark clock) of what it went through.
struct Probe
{
    std::unique_ptr<ConnectionManager> connection;
    qint64 connectedAt = -1;
    qint64 lostAt = -1;       // left Connected
    qint64 closedAt = -1;
    int retryAfterMs = -1;    // from a 1012 close reason
    int closeCode = -1;
    int pongTimeouts = 0;
    int connects = 0;
};

class DetectionBench
{
public:
    DetectionBench(BenchReport &report, bool quick)
        : m_report(report)
        , m_quick(quick)
    {
        m_clock.start();
    }

    bool setUp()
    {
        // Its clients are bare ConnectionManagers (no hello): no auth timeout for them.
        m_server.setArguments({QStringLiteral("--allow-guests"), QStringLiteral("--auth-timeout"), QStringLiteral("0")});
        QString error;
        if (!m_server.start(&error)) {
            m_report.error(error);
            return false;
        }
        m_proxy.setUpstream(QStringLiteral("127.0.0.1"), m_server.port());
        if (!m_proxy.listen(QHostAddress::LocalHost, 0, &error)) {
            m_report.error(QStringLiteral("fault proxy: %1").arg(error));
            return false;
        }
        return true;
    }

    void halfOpen(const QString &label, int intervalMs, int timeoutMs, int samples, bool randomPhase)
    {
        ConnectionConfig config;
        config.url = proxyUrl();
        config.heartbeatIntervalMs = intervalMs;
        config.pongTimeoutMs = timeoutMs;
        auto probe = makeProbe(config);
        QList<double> detections;
        for (int i = 0; i < samples; ++i) {
            if (!ensureConnected(*probe, 20000 + 2 * intervalMs)) {
                m_report.error(QStringLiteral("half-open (%1): no connection through the proxy").arg(label));
                return;
            }
            // Phase 0 (the link goes silent as the heartbeat starts) is the worst case: a full
            // interval passes before the first ping. Random phases sample the rest.
            const int phase = randomPhase && i > 0 ? int(QRandomGenerator::global()->bounded(2 * intervalMs)) : 0;
            if (phase > 0)
                spinFor(phase);
            if (probe->connection->state() != ConnectionState::Connected) {
                --i;
                continue;
            }
            probe->lostAt = -1;
            m_proxy.setMode(FaultProxy::Mode::Blackhole);
            const qint64 start = now();
            const int bound = intervalMs + timeoutMs;
            if (!spinUntil([&] { return probe->lostAt >= 0; }, 3 * bound + 5000)) {
                m_report.error(QStringLiteral("half-open (%1): not detected within %2 ms").arg(label).arg(3 * bound + 5000));
                m_proxy.setMode(FaultProxy::Mode::Pass);
                return;
            }
            detections.append(double(probe->lostAt - start));
            m_report.progress(QStringLiteral("half-open %1: detected after %2 ms (bound %3 ms, phase %4 ms)")
                                  .arg(label).arg(probe->lostAt - start).arg(bound).arg(phase));
            m_proxy.setMode(FaultProxy::Mode::Pass);
        }
        const int bound = intervalMs + timeoutMs;
        const double worst = maximum(detections);
        m_report.info(QStringLiteral("half-open %1: samples").arg(label), detections.size(), QStringLiteral("count"));
        m_report.compare(QStringLiteral("half-open %1: detection mean").arg(label), mean(detections),
                         QStringLiteral("ms"), bound);
        m_report.compare(QStringLiteral("half-open %1: detection max").arg(label), worst, QStringLiteral("ms"), bound,
                         QStringLiteral("<= bound + 10% (%1 ms)").arg(bound * 1.1), worst <= bound * 1.1);
    }

    void outages(double scale, const QList<int> &outageMs, int samples)
    {
        ConnectionConfig config;
        config.url = proxyUrl();
        config.backoff.initialMs = int(1000 * scale);
        config.backoff.maxMs = int(30000 * scale);
        config.minUptimeMs = int(10000 * scale);
        config.connectTimeoutMs = std::max(1000, int(10000 * scale));
        auto probe = makeProbe(config);
        QList<double> shares;
        for (int outage : outageMs) {
            QList<double> wasted;
            for (int i = 0; i < samples; ++i) {
                if (!ensureConnected(*probe, 20000)) {
                    m_report.error(QStringLiteral("outage: no connection through the proxy"));
                    return;
                }
                // Past the minimum uptime, so every outage starts a fresh backoff series.
                spinFor(config.minUptimeMs + 50);
                m_proxy.setMode(FaultProxy::Mode::Drop);
                m_proxy.setMode(FaultProxy::Mode::Refuse);
                probe->connectedAt = -1;
                spinFor(outage);
                m_proxy.setMode(FaultProxy::Mode::Pass);
                const qint64 reachable = now();
                const int budget = config.backoff.maxMs * 2 + 20000;
                if (!spinUntil([&] { return probe->connectedAt >= 0; }, budget)) {
                    m_report.error(QStringLiteral("outage %1 ms: not reconnected within %2 ms").arg(outage).arg(budget));
                    return;
                }
                wasted.append(double(probe->connectedAt - reachable));
            }
            const double share = mean(wasted) / outage;
            shares.append(share);
            const QString label = QStringLiteral("outage %1 s (scaled %2 ms)").arg(outage / scale / 1000.0).arg(outage);
            m_report.progress(QStringLiteral("%1: wasted mean %2 ms").arg(label).arg(mean(wasted)));
            m_report.compare(QStringLiteral("%1: wasted mean").arg(label), mean(wasted), QStringLiteral("ms"), outage,
                             QStringLiteral("<= 25% of outage"), share <= 0.25);
            m_report.info(QStringLiteral("%1: wasted max").arg(label), maximum(wasted), QStringLiteral("ms"));
        }
        m_report.check(QStringLiteral("outages: wasted share, mean over lengths"), 100 * mean(shares),
                       QStringLiteral("%"), QStringLiteral("<= 25 %"), mean(shares) <= 0.25);
    }

    void gracefulRestart(int clients, int rounds, int spreadMs, int downtimeMs)
    {
        // Direct to the server (no proxy): the close frame with retry_after_ms must arrive.
        ServerProcess server;
        server.setArguments({QStringLiteral("--allow-guests"), QStringLiteral("--auth-timeout"), QStringLiteral("0"),
                             QStringLiteral("--restart-spread"), QString::number(spreadMs / 1000.0)});
        QString error;
        if (!server.start(&error)) {
            m_report.error(error);
            return;
        }
        ConnectionConfig config;
        config.url = server.webSocketUrl();
        std::vector<std::unique_ptr<Probe>> probes;
        for (int i = 0; i < clients; ++i)
            probes.push_back(makeProbe(config));
        QList<double> wasted;
        int missingRetryAfter = 0;
        int closes1012 = 0;
        for (int round = 0; round < rounds; ++round) {
            for (auto &probe : probes) {
                if (!ensureConnected(*probe, 30000)) {
                    m_report.error(QStringLiteral("graceful restart: a client did not connect"));
                    return;
                }
                probe->connectedAt = -1;
                probe->closedAt = -1;
                probe->retryAfterMs = -1;
            }
            const qint64 shutdownAt = now();
            if (!server.terminate(30000)) {
                m_report.error(QStringLiteral("tether-server did not shut down gracefully: %1").arg(server.stderrTail()));
                return;
            }
            spinFor(std::max<int>(0, downtimeMs - int(now() - shutdownAt)));
            if (!server.start(&error)) {
                m_report.error(QStringLiteral("restart: %1").arg(error));
                return;
            }
            const qint64 upAt = now();
            const bool allBack = spinUntil(
                [&] {
                    for (auto &probe : probes)
                        if (probe->connectedAt < 0)
                            return false;
                    return true;
                },
                spreadMs + 30000);
            if (!allBack) {
                m_report.error(QStringLiteral("graceful restart: not every client came back"));
                return;
            }
            for (auto &probe : probes) {
                closes1012 += probe->closeCode == 1012;
                if (probe->retryAfterMs < 0) {
                    ++missingRetryAfter;
                    wasted.append(double(probe->connectedAt - upAt));
                    continue;
                }
                const qint64 allowedAt = std::max(upAt, probe->closedAt + probe->retryAfterMs);
                wasted.append(double(std::max<qint64>(0, probe->connectedAt - allowedAt)));
            }
            m_report.progress(QStringLiteral("graceful restart round %1: wasted mean %2 ms").arg(round + 1).arg(mean(wasted)));
        }
        m_report.info(QStringLiteral("graceful restart: clients x rounds"), wasted.size(), QStringLiteral("count"));
        m_report.check(QStringLiteral("graceful restart: wasted mean"), mean(wasted), QStringLiteral("ms"),
                       QStringLiteral("<= 1500 ms"), mean(wasted) <= 1500);
        m_report.info(QStringLiteral("graceful restart: wasted max"), maximum(wasted), QStringLiteral("ms"));
        m_report.info(QStringLiteral("graceful restart: closes seen as 1012"), closes1012, QStringLiteral("count"));
        m_report.info(QStringLiteral("graceful restart: closes without retry_after_ms"), missingRetryAfter,
                      QStringLiteral("count"));
        probes.clear();
        server.terminate(10000);
    }

private:
    QUrl proxyUrl() const
    {
        QUrl url(m_server.webSocketUrl());
        url.setPort(m_proxy.port());
        return url;
    }

    qint64 now() const { return m_clock.elapsed(); }

    std::unique_ptr<Probe> makeProbe(const ConnectionConfig &config)
    {
        auto probe = std::make_unique<Probe>();
        probe->connection = std::make_unique<ConnectionManager>(config, &m_network);
        ConnectionManager *connection = probe->connection.get();
        Probe *p = probe.get();
        QObject::connect(connection, &ConnectionManager::connected, connection, [this, p] {
            p->connectedAt = now();
            ++p->connects;
        });
        QObject::connect(connection, &ConnectionManager::stateChanged, connection,
                         [this, p](ConnectionState state, ConnectionState previous) {
                             if (previous == ConnectionState::Connected && state != ConnectionState::Connected)
                                 p->lostAt = now();
                         });
        QObject::connect(connection, &ConnectionManager::closed, connection,
                         [this, p](int code, const QString &reason) {
                             p->closedAt = now();
                             p->closeCode = code;
                             if (code == 1012) {
                                 const QJsonObject json = QJsonDocument::fromJson(reason.toUtf8()).object();
                                 if (json.contains(QStringLiteral("retry_after_ms")))
                                     p->retryAfterMs = json.value(QStringLiteral("retry_after_ms")).toInt();
                             }
                         });
        QObject::connect(connection, &ConnectionManager::errorOccurred, connection,
                         [p](ConnectionManager::Error error, const QString &) {
                             if (error == ConnectionManager::Error::PongTimeout)
                                 ++p->pongTimeouts;
                         });
        connection->open();
        return probe;
    }

    bool ensureConnected(Probe &probe, int timeoutMs)
    {
        if (probe.connection->state() != ConnectionState::Connected
            && probe.connection->state() != ConnectionState::Connecting)
            probe.connection->reconnectNow();
        return spinUntil([&] { return probe.connection->state() == ConnectionState::Connected; }, timeoutMs);
    }

    BenchReport &m_report;
    bool m_quick;
    QElapsedTimer m_clock;
    ServerProcess m_server;
    FaultProxy m_proxy;
    ManualNetworkMonitor m_network;
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Failure detection and recovery benchmark"));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("quick"), QStringLiteral("Scaled-down smoke run (a few seconds).")});
    parser.addOption({QStringLiteral("skip-default"),
                      QStringLiteral("Skip the 30 s half-open sample with the unscaled default heartbeat.")});
    parser.addOption({QStringLiteral("parts"), QStringLiteral("Comma list of halfopen,outage,graceful."),
                      QStringLiteral("list"), QStringLiteral("halfopen,outage,graceful")});
    parser.process(app);
    const bool quick = parser.isSet(QStringLiteral("quick"));
    const QStringList parts = parser.value(QStringLiteral("parts")).split(QLatin1Char(','));

    BenchReport report(QStringLiteral("detection"));
    report.note(QStringLiteral("load average at start: %1").arg(loadAverage()));
    DetectionBench bench(report, quick);
    if (!bench.setUp())
        return report.finish();

    // a) half-open
    if (parts.contains(QStringLiteral("halfopen")) && !quick && !parser.isSet(QStringLiteral("skip-default"))) {
        report.note(QStringLiteral("half-open default: heartbeat 20000 ms + pong timeout 10000 ms, 1 sample, "
                                   "blackhole as the heartbeat starts (worst phase)"));
        bench.halfOpen(QStringLiteral("default 20s+10s"), 20000, 10000, 1, false);
    }
    const int scaledInterval = quick ? 200 : 1000;
    const int scaledTimeout = quick ? 100 : 500;
    const int halfOpenSamples = quick ? 3 : 10;
    if (parts.contains(QStringLiteral("halfopen"))) {
        report.note(QStringLiteral("half-open scaled: heartbeat %1 ms + pong timeout %2 ms (defaults x%3), %4 samples: "
                                   "the first at the worst phase, the rest at random phases")
                        .arg(scaledInterval).arg(scaledTimeout).arg(scaledInterval / 20000.0).arg(halfOpenSamples));
        bench.halfOpen(QStringLiteral("scaled %1+%2 ms").arg(scaledInterval).arg(scaledTimeout), scaledInterval,
                       scaledTimeout, halfOpenSamples, true);
    }

    // b) outages of 1, 5, 15, 60 s, time-scaled together with the backoff
    const double scale = quick ? 0.02 : 0.1;
    const int outageSamples = quick ? 2 : 6;
    QList<int> outages;
    for (int seconds : {1, 5, 15, 60})
        outages.append(int(seconds * 1000 * scale));
    report.note(QStringLiteral("outages: time-scaled x%1 (outages %2/%3/%4/%5 ms; backoff initial %6 ms, cap %7 ms, "
                               "x2, full jitter; min uptime %8 ms), %9 samples each; outage = proxy resets the "
                               "link and refuses connections")
                    .arg(scale).arg(outages[0]).arg(outages[1]).arg(outages[2]).arg(outages[3])
                    .arg(int(1000 * scale)).arg(int(30000 * scale)).arg(int(10000 * scale)).arg(outageSamples));
    if (parts.contains(QStringLiteral("outage")))
        bench.outages(scale, outages, outageSamples);

    // c) graceful restart
    const int spreadMs = quick ? 500 : 5000;
    const int downtimeMs = quick ? 100 : 1000;
    const int clients = quick ? 5 : 10;
    const int rounds = quick ? 1 : 2;
    report.note(QStringLiteral("graceful restart: %1 clients x %2 rounds, default backoff, tether-server SIGTERM "
                               "(--restart-spread %3 s), restarted after %4 ms on the same port; wasted = "
                               "connected - max(server up, close + retry_after_ms)")
                    .arg(clients).arg(rounds).arg(spreadMs / 1000.0).arg(downtimeMs));
    if (parts.contains(QStringLiteral("graceful")))
        bench.gracefulRestart(clients, rounds, spreadMs, downtimeMs);
    return report.finish();
}
