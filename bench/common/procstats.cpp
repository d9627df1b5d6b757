#include "procstats.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QTimer>

#include <sys/resource.h>
#include <unistd.h>

namespace Tether::Bench {

namespace {

QByteArray readProcFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll(); // /proc files report size 0: readAll reads until EOF
}

qint64 statusField(const QByteArray &status, const QByteArray &key)
{
    for (const QByteArray &line : status.split('\n')) {
        if (line.startsWith(key + ':')) {
            QByteArray value = line.mid(key.size() + 1).trimmed();
            const int space = value.indexOf(' ');
            if (space > 0)
                value.truncate(space);
            bool ok = false;
            const qint64 n = value.toLongLong(&ok);
            return ok ? n : -1;
        }
    }
    return -1;
}

QString procDir(qint64 pid)
{
    return pid > 0 ? QStringLiteral("/proc/%1").arg(pid) : QStringLiteral("/proc/self");
}

} // namespace

ProcessUsage processUsage(qint64 pid)
{
    ProcessUsage usage;
    const QString base = procDir(pid);
    const QStringList tasks = QDir(base + QStringLiteral("/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    if (tasks.isEmpty())
        return usage;
    const long ticks = sysconf(_SC_CLK_TCK);
    double cpu = 0;
    qint64 voluntary = 0;
    qint64 involuntary = 0;
    for (const QString &task : tasks) {
        const QString dir = base + QStringLiteral("/task/") + task;
        const QByteArray schedstat = readProcFile(dir + QStringLiteral("/schedstat"));
        const QList<QByteArray> fields = schedstat.split(' ');
        bool ok = false;
        const qint64 ns = fields.isEmpty() ? 0 : fields.first().toLongLong(&ok);
        if (ok) {
            cpu += ns / 1e9;
        } else {
            // stat: fields after the ")" of the command name; utime and stime are fields 14 and 15.
            const QByteArray stat = readProcFile(dir + QStringLiteral("/stat"));
            const QList<QByteArray> rest = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
            if (rest.size() > 12 && ticks > 0)
                cpu += (rest.at(11).toLongLong() + rest.at(12).toLongLong()) / double(ticks);
        }
        const QByteArray status = readProcFile(dir + QStringLiteral("/status"));
        voluntary += std::max<qint64>(0, statusField(status, "voluntary_ctxt_switches"));
        involuntary += std::max<qint64>(0, statusField(status, "nonvoluntary_ctxt_switches"));
        ++usage.threads;
    }
    usage.cpuSeconds = cpu;
    usage.voluntarySwitches = voluntary;
    usage.involuntarySwitches = involuntary;
    return usage;
}

qint64 peakRssKb(qint64 pid)
{
    return statusField(readProcFile(procDir(pid) + QStringLiteral("/status")), "VmHWM");
}

qint64 currentRssKb(qint64 pid)
{
    return statusField(readProcFile(procDir(pid) + QStringLiteral("/status")), "VmRSS");
}

qint64 raiseFileLimit(qint64 wanted)
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return -1;
    rlim_t target = static_cast<rlim_t>(wanted);
    if (limit.rlim_max != RLIM_INFINITY && target > limit.rlim_max)
        target = limit.rlim_max;
    if (target > limit.rlim_cur) {
        limit.rlim_cur = target;
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
            getrlimit(RLIMIT_NOFILE, &limit);
    }
    return static_cast<qint64>(limit.rlim_cur);
}

bool spinUntil(const std::function<bool()> &done, int timeoutMs)
{
    if (done())
        return true;
    QEventLoop loop;
    // The condition is polled on a short tick: callers record their own timestamps in signal
    // handlers, so the tick only bounds how late the wait returns.
    QTimer tick;
    tick.setInterval(5);
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    tick.start();
    timeout.start(timeoutMs);
    loop.exec();
    return done();
}

void spinFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, Qt::PreciseTimer, &loop, &QEventLoop::quit);
    loop.exec();
}

QString loadAverage()
{
    const QList<QByteArray> fields = readProcFile(QStringLiteral("/proc/loadavg")).split(' ');
    if (fields.size() < 3)
        return QStringLiteral("unknown");
    return QString::fromLatin1(fields.at(0) + ' ' + fields.at(1) + ' ' + fields.at(2));
}

} // namespace Tether::Bench
