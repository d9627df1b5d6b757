#pragma once
// What the kernel knows about a process: CPU time, context switches, memory, file-descriptor limit.
// Linux /proc; every reader returns -1 (or an empty value) when the file is missing.

#include <QString>
#include <QtGlobal>

#include <functional>

namespace Tether::Bench {

struct ProcessUsage
{
    double cpuSeconds = -1;          // user + system, all threads (schedstat ns, else stat ticks)
    qint64 voluntarySwitches = -1;   // all threads: sleeps, i.e. wakeups
    qint64 involuntarySwitches = -1; // all threads: preemptions
    int threads = 0;
    bool valid() const { return cpuSeconds >= 0; }
};

ProcessUsage processUsage(qint64 pid);
qint64 peakRssKb(qint64 pid = 0);    // VmHWM; 0 = this process
qint64 currentRssKb(qint64 pid = 0); // VmRSS
// Raises RLIMIT_NOFILE's soft limit towards `wanted` (at most the hard limit); returns the new soft limit.
qint64 raiseFileLimit(qint64 wanted);

// Runs the event loop until `done` returns true or timeoutMs passes; returns done().
bool spinUntil(const std::function<bool()> &done, int timeoutMs);
// Runs the event loop for ms.
void spinFor(int ms);

// The load average line of /proc/loadavg (first three fields), for notes.
QString loadAverage();

} // namespace Tether::Bench
