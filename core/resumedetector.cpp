#include "resumedetector.h"

#include <QDateTime>
#include <QElapsedTimer>

#include <memory>

namespace Tether {

ResumeDetector::ResumeDetector(QObject *parent, Clock wallClock, Clock monotonicClock)
    : QObject(parent)
    , m_wall(std::move(wallClock))
    , m_monotonic(std::move(monotonicClock))
{
    if (!m_wall)
        m_wall = [] { return QDateTime::currentMSecsSinceEpoch(); };
    if (!m_monotonic) {
        auto timer = std::make_shared<QElapsedTimer>();
        timer->start();
        m_monotonic = [timer] { return timer->elapsed(); };
    }
    m_lastWall = m_wall();
    m_lastMonotonic = m_monotonic();
    connect(&m_timer, &QTimer::timeout, this, &ResumeDetector::check);
}

void ResumeDetector::start(int checkIntervalMs, int thresholdMs)
{
    m_thresholdMs = thresholdMs;
    m_lastWall = m_wall();
    m_lastMonotonic = m_monotonic();
    m_timer.start(checkIntervalMs);
}

void ResumeDetector::stop()
{
    m_timer.stop();
}

qint64 ResumeDetector::check()
{
    const qint64 wall = m_wall();
    const qint64 mono = m_monotonic();
    const qint64 gap = (wall - m_lastWall) - (mono - m_lastMonotonic);
    m_lastWall = wall;
    m_lastMonotonic = mono;
    // Only forward jumps: setting the clock back, or NTP slewing, is not a resume.
    if (gap >= m_thresholdMs)
        Q_EMIT resumed(gap);
    return gap;
}

} // namespace Tether
