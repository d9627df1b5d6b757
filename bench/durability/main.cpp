// Benchmark: durable acks. The same tether-server, side by side in one run, (a) in the old mode
// (--synchronous normal --group-commit 0: one transaction per send, no fsync per commit) and (b)
// durable (the default: synchronous=FULL, the sends of one event-loop pass in one transaction,
// acked once it is on disk). For each: throughput with a window of sends in flight (acks/s), and
// the send -> ack latency of senders paced at 1,000 msg/s in all.

#include "benchreport.h"
#include "benchstats.h"
#include "procstats.h"
#include "serverprocess.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QDir>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>
#include <QWebSocket>

#include <memory>
#include <vector>

using namespace Tether::Bench;

namespace {

QString text(int n)
{
    return QStringLiteral("durable %1 ").arg(n).leftJustified(100, QLatin1Char('x'));
}

// A guest that sends to the public lobby, timing each ack. Only one that listens says hello (and
// so gets every broadcast, like a chat's reader); the others only send and hear their acks.
class Sender
{
public:
    Sender(const QUrl &url, int index, bool listens) : m_index(index), m_listens(listens)
    {
        m_clock.start();
        m_socket.setMaxAllowedIncomingMessageSize(64 * 1024 * 1024);
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, &m_socket, [this](const QString &frameText) {
            const QJsonObject frame = QJsonDocument::fromJson(frameText.toUtf8()).object();
            const QString type = frame.value(QStringLiteral("type")).toString();
            if (type == QLatin1String("synced")) {
                m_synced = true;
            } else if (type == QLatin1String("ack")) {
                const auto it = m_sentAt.find(frame.value(QStringLiteral("id")).toString());
                if (it == m_sentAt.end())
                    return;
                latenciesMs.append(double(m_clock.nsecsElapsed() - it.value()) / 1e6);
                m_sentAt.erase(it);
                ++acked;
            } else if (type == QLatin1String("error")) {
                ++errors;
            }
        });
        QObject::connect(&m_socket, &QWebSocket::connected, &m_socket, [this] {
            if (m_listens)
                m_socket.sendTextMessage(QStringLiteral(R"({"type":"hello","protocol":1,"resume":{"lobby":1000000000}})"));
            else
                m_synced = true;
        });
        m_socket.open(url);
    }
    bool synced() const { return m_synced; }
    int inFlight() const { return int(m_sentAt.size()); }
    void send()
    {
        const QString id = QStringLiteral("s%1-%2").arg(m_index).arg(m_next);
        const QJsonObject frame{ { QStringLiteral("type"), QStringLiteral("send") }, { QStringLiteral("id"), id },
                                 { QStringLiteral("conversation"), QStringLiteral("lobby") },
                                 { QStringLiteral("text"), text(m_next) } };
        ++m_next;
        m_sentAt.insert(id, m_clock.nsecsElapsed());
        m_socket.sendTextMessage(QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
    }
    int sent() const { return m_next; }

    QList<double> latenciesMs;
    int acked = 0;
    int errors = 0;

private:
    int m_index;
    bool m_listens;
    QWebSocket m_socket;
    QElapsedTimer m_clock;
    QHash<QString, qint64> m_sentAt;
    bool m_synced = false;
    int m_next = 0;
};

struct Result
{
    bool ok = false;
    double throughput = 0; // acks/s with a window in flight
    QList<double> pacedLatenciesMs;
    double pacedRate = 0;  // what the paced senders achieved
};

Result run(BenchReport &report, const QString &label, const QStringList &modeArguments, int messages, int window,
           int pacedMs, int pacedRate)
{
    Result result;
    ServerProcess server;
    server.setArguments(QStringList{ QStringLiteral("--allow-guests"), QStringLiteral("--demo"), QStringLiteral("--rate-limit"),
                                     QStringLiteral("0"), QStringLiteral("--user-rate"), QStringLiteral("0"),
                                     QStringLiteral("--auth-timeout"), QStringLiteral("0"),
                                     QStringLiteral("--max-per-address"), QStringLiteral("0") }
                        + modeArguments);
    QString error;
    if (!server.start(&error)) {
        report.error(label + QStringLiteral(": ") + error);
        return result;
    }
    // Throughput: one sender keeps `window` sends in flight until `messages` are acked.
    {
        Sender sender(server.webSocketUrl(), 0, false);
        Sender listener(server.webSocketUrl(), 9, true);
        if (!spinUntil([&] { return sender.synced() && listener.synced(); }, 20000)) {
            report.error(label + QStringLiteral(": sender did not sync"));
            return result;
        }
        QElapsedTimer clock;
        clock.start();
        QTimer pump;
        QObject::connect(&pump, &QTimer::timeout, &pump, [&] {
            while (sender.inFlight() < window && sender.sent() < messages)
                sender.send();
        });
        pump.start(0);
        const bool done = spinUntil([&] { return sender.acked >= messages; }, 300000);
        pump.stop();
        const double seconds = double(clock.elapsed()) / 1000.0;
        if (!done || sender.errors) {
            report.error(QStringLiteral("%1: %2 of %3 acked, %4 errors").arg(label).arg(sender.acked).arg(messages).arg(sender.errors));
            return result;
        }
        result.throughput = double(messages) / seconds;
        report.progress(QStringLiteral("%1: %2 msg/s").arg(label).arg(result.throughput, 0, 'f', 0));
    }
    // Latency at a steady rate: four senders, paced together to pacedRate msg/s.
    {
        std::vector<std::unique_ptr<Sender>> senders;
        for (int i = 1; i <= 4; ++i)
            senders.push_back(std::make_unique<Sender>(server.webSocketUrl(), i, i == 1));
        if (!spinUntil([&] {
                for (const auto &s : senders)
                    if (!s->synced())
                        return false;
                return true;
            }, 20000)) {
            report.error(label + QStringLiteral(": paced senders did not sync"));
            return result;
        }
        QElapsedTimer clock;
        clock.start();
        int sent = 0;
        QTimer pace;
        pace.setTimerType(Qt::PreciseTimer);
        QObject::connect(&pace, &QTimer::timeout, &pace, [&] {
            const qint64 due = clock.elapsed() * pacedRate / 1000;
            while (sent < due && clock.elapsed() < pacedMs)
                senders[size_t(sent++ % 4)]->send();
        });
        pace.start(1);
        spinUntil([&] { return clock.elapsed() >= pacedMs; }, pacedMs + 5000);
        pace.stop();
        const double seconds = double(clock.elapsed()) / 1000.0;
        int acked = 0;
        spinUntil([&] {
            acked = 0;
            for (const auto &s : senders)
                acked += s->acked;
            return acked >= sent;
        }, 30000);
        for (const auto &s : senders)
            result.pacedLatenciesMs += s->latenciesMs;
        result.pacedRate = double(sent) / seconds;
        if (acked < sent)
            report.error(QStringLiteral("%1: paced run: %2 of %3 acked").arg(label).arg(acked).arg(sent));
    }
    server.terminate(20000);
    result.ok = true;
    return result;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Durable acks: group commit vs. the old mode"));
    parser.addHelpOption();
    parser.addOption({ QStringLiteral("quick"), QStringLiteral("A short smoke run.") });
    parser.process(app);
    const bool quick = parser.isSet(QStringLiteral("quick"));
    const int messages = quick ? 2000 : 30000;
    const int window = 100;
    const int pacedMs = quick ? 1500 : 10000;
    const int pacedRate = 1000;

    BenchReport report(QStringLiteral("durability"));
    report.note(QStringLiteral("one tether-server child per mode (guests, frame and user rate limits off); throughput: %1 sends of "
                               "100 bytes, %2 in flight, acks/s; latency: 4 senders paced to %3 msg/s in all for %4 s, "
                               "send -> ack; one connection listens (hello: every broadcast), the senders do not")
                    .arg(messages).arg(window).arg(pacedRate).arg(pacedMs / 1000.0));
    report.note(QStringLiteral("old mode: --synchronous normal --group-commit 0 (a commit per send, no fsync: an ack "
                               "survives a crash of the server, not a power cut); durable: the defaults "
                               "(synchronous=FULL, one transaction per event-loop pass, acked after the fsync)"));
    report.note(QStringLiteral("database on %1; load average at start: %2").arg(QDir::tempPath(), loadAverage()));

    const Result old = run(report, QStringLiteral("old mode"),
                           { QStringLiteral("--synchronous"), QStringLiteral("normal"), QStringLiteral("--group-commit"), QStringLiteral("0") },
                           messages, window, pacedMs, pacedRate);
    const Result durable = run(report, QStringLiteral("durable"), {}, messages, window, pacedMs, pacedRate);
    if (old.ok && durable.ok) {
        report.info(QStringLiteral("old mode: throughput"), old.throughput, QStringLiteral("msg/s"));
        report.compare(QStringLiteral("durable: throughput"), durable.throughput, QStringLiteral("msg/s"), old.throughput,
                       QStringLiteral(">= old mode"), durable.throughput >= old.throughput);
        report.info(QStringLiteral("old mode: paced rate"), old.pacedRate, QStringLiteral("msg/s"));
        report.info(QStringLiteral("durable: paced rate"), durable.pacedRate, QStringLiteral("msg/s"));
        const double oldP50 = percentile(old.pacedLatenciesMs, 50);
        const double oldP99 = percentile(old.pacedLatenciesMs, 99);
        report.info(QStringLiteral("old mode: ack p50 at 1000 msg/s"), oldP50, QStringLiteral("ms"));
        report.info(QStringLiteral("old mode: ack p99 at 1000 msg/s"), oldP99, QStringLiteral("ms"));
        report.compare(QStringLiteral("durable: ack p50 at 1000 msg/s"), percentile(durable.pacedLatenciesMs, 50),
                       QStringLiteral("ms"), oldP50);
        const double p99 = percentile(durable.pacedLatenciesMs, 99);
        report.compare(QStringLiteral("durable: ack p99 at 1000 msg/s"), p99, QStringLiteral("ms"), oldP99,
                       QStringLiteral("<= 10 ms"), p99 <= 10);
        report.info(QStringLiteral("durable: ack max at 1000 msg/s"), percentile(durable.pacedLatenciesMs, 100),
                    QStringLiteral("ms"));
    }
    return report.finish();
}
