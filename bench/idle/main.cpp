// Benchmark 5 — idle cost: a tether-cli connected to a local tether-server and left alone with the
// default heartbeat; its CPU seconds and voluntary context switches (wakeups) over the window, next
// to a same-run baseline: another tether-cli with the heartbeat off.

#include "benchreport.h"
#include "procstats.h"
#include "serverprocess.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

using namespace Tether::Bench;

namespace {

// One tether-cli child: tracks its state from the --json event lines.
class CliClient : public QObject
{
public:
    CliClient(const QString &label, const QStringList &arguments, QObject *parent)
        : QObject(parent)
        , m_label(label)
    {
        m_process.setProgram(executablePath(QStringLiteral("tether-cli")));
        m_process.setArguments(arguments);
        connect(&m_process, &QProcess::readyReadStandardOutput, this, [this] {
            while (m_process.canReadLine()) {
                const QJsonObject event = QJsonDocument::fromJson(m_process.readLine()).object();
                if (event.value(QStringLiteral("event")).toString() == QLatin1String("state")) {
                    m_state = event.value(QStringLiteral("state")).toString();
                    ++m_stateChanges;
                }
            }
        });
        connect(&m_process, &QProcess::readyReadStandardError, this,
                [this] { m_stderr = (m_stderr + m_process.readAllStandardError()).right(4000); });
    }

    void start() { m_process.start(); } // stdin stays open: EOF would make the CLI exit
    bool isConnected() const { return m_state == QLatin1String("connected"); }
    bool isRunning() const { return m_process.state() == QProcess::Running; }
    int stateChanges() const { return m_stateChanges; }
    qint64 pid() const { return m_process.processId(); }
    QString label() const { return m_label; }
    QString stderrTail() const { return QString::fromLocal8Bit(m_stderr); }

    bool stop()
    {
        m_process.closeWriteChannel(); // EOF: flush, close 1000, exit 0
        if (!m_process.waitForFinished(10000)) {
            m_process.kill();
            m_process.waitForFinished(5000);
            return false;
        }
        return m_process.exitStatus() == QProcess::NormalExit && m_process.exitCode() == 0;
    }

private:
    QString m_label;
    QProcess m_process;
    QString m_state;
    int m_stateChanges = 0;
    QByteArray m_stderr;
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Idle cost of a connected tether-cli"));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("quick"), QStringLiteral("Short window (3 s) for smoke tests.")});
    parser.addOption({QStringLiteral("seconds"), QStringLiteral("Idle window in seconds (default 30)."),
                      QStringLiteral("s"), QStringLiteral("30")});
    parser.process(app);
    const bool quick = parser.isSet(QStringLiteral("quick"));
    const double seconds = quick && !parser.isSet(QStringLiteral("seconds"))
                               ? 3.0
                               : parser.value(QStringLiteral("seconds")).toDouble();

    BenchReport report(QStringLiteral("idle"));
    report.note(QStringLiteral("tether-cli --json, default heartbeat (frame ping every 20 s, pong timeout 10 s), "
                               "idle %1 s on loopback; baseline: tether-cli --heartbeat off in the same window%2")
                    .arg(seconds)
                    .arg(quick ? QStringLiteral(" (quick: shorter than one heartbeat interval)") : QString()));
    report.note(QStringLiteral("load average at start: %1").arg(loadAverage()));

    ServerProcess server;
    server.setArguments({QStringLiteral("--allow-guests")});
    QString error;
    if (!server.start(&error)) {
        report.error(error);
        return report.finish();
    }
    const QString url = server.webSocketUrl().toString();
    CliClient measured(QStringLiteral("default heartbeat"), {QStringLiteral("--json"), url}, &app);
    CliClient baseline(QStringLiteral("heartbeat off"),
                       {QStringLiteral("--json"), QStringLiteral("--heartbeat"), QStringLiteral("off"), url}, &app);
    measured.start();
    baseline.start();
    if (!spinUntil([&] { return measured.isConnected() && baseline.isConnected(); }, 20000)) {
        for (const CliClient *client : {&measured, &baseline}) {
            if (!client->isConnected())
                report.error(QStringLiteral("tether-cli (%1) did not connect: %2")
                                 .arg(client->label(), client->stderrTail().right(1000)));
        }
        return report.finish();
    }
    // Let start-up work (plugin loading, first frames) finish before the window opens.
    spinFor(500);

    const int changesBefore = measured.stateChanges() + baseline.stateChanges();
    const ProcessUsage measuredBefore = processUsage(measured.pid());
    const ProcessUsage baselineBefore = processUsage(baseline.pid());
    const ProcessUsage serverBefore = processUsage(server.pid());
    report.progress(QStringLiteral("idling %1 s").arg(seconds));
    spinFor(int(seconds * 1000));
    const ProcessUsage measuredAfter = processUsage(measured.pid());
    const ProcessUsage baselineAfter = processUsage(baseline.pid());
    const ProcessUsage serverAfter = processUsage(server.pid());

    if (!measuredBefore.valid() || !measuredAfter.valid() || !baselineAfter.valid()) {
        report.error(QStringLiteral("cannot read /proc for the tether-cli processes"));
        return report.finish();
    }
    if (measured.stateChanges() + baseline.stateChanges() != changesBefore || !measured.isConnected()
        || !baseline.isConnected())
        report.error(QStringLiteral("a client changed state during the idle window (not idle)"));

    const double cpu = measuredAfter.cpuSeconds - measuredBefore.cpuSeconds;
    const double cpuBase = baselineAfter.cpuSeconds - baselineBefore.cpuSeconds;
    const double share = 100.0 * cpu / seconds;
    const double shareBase = 100.0 * cpuBase / seconds;
    const double wakeups = double(measuredAfter.voluntarySwitches - measuredBefore.voluntarySwitches);
    const double wakeupsBase = double(baselineAfter.voluntarySwitches - baselineBefore.voluntarySwitches);

    report.info(QStringLiteral("idle window"), seconds, QStringLiteral("s"));
    report.compare(QStringLiteral("cli CPU time"), cpu * 1000, QStringLiteral("ms"), cpuBase * 1000);
    report.compare(QStringLiteral("cli CPU share of one core"), share, QStringLiteral("%"), shareBase,
                   QStringLiteral("<= 0.1 %"), share <= 0.1);
    report.compare(QStringLiteral("cli wakeups (voluntary ctx switches)"), wakeups, QStringLiteral("count"),
                   wakeupsBase);
    report.compare(QStringLiteral("cli wakeups per second"), wakeups / seconds, QStringLiteral("1/s"),
                   wakeupsBase / seconds);
    report.info(QStringLiteral("cli involuntary ctx switches"),
                double(measuredAfter.involuntarySwitches - measuredBefore.involuntarySwitches), QStringLiteral("count"));
    report.info(QStringLiteral("cli threads"), measuredAfter.threads, QStringLiteral("count"));
    report.info(QStringLiteral("cli RSS"), currentRssKb(measured.pid()) / 1024.0, QStringLiteral("MiB"));
    if (serverBefore.valid() && serverAfter.valid())
        report.info(QStringLiteral("server CPU time (2 idle clients)"),
                    (serverAfter.cpuSeconds - serverBefore.cpuSeconds) * 1000, QStringLiteral("ms"));

    if (!measured.stop())
        report.error(QStringLiteral("tether-cli (default heartbeat) did not exit cleanly on stdin EOF"));
    if (!baseline.stop())
        report.error(QStringLiteral("tether-cli (heartbeat off) did not exit cleanly on stdin EOF"));
    server.terminate(10000);
    return report.finish();
}
