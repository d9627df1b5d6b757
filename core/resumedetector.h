#pragma once
// Detects a resume from sleep: the wall clock jumps ahead of the monotonic clock (which stops
// while the machine sleeps). Clocks are injectable so the decision is testable without sleeping.

#include <QObject>
#include <QTimer>

#include <functional>

namespace Tether {

class ResumeDetector : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<qint64()>; // milliseconds

    // Defaults: QDateTime::currentMSecsSinceEpoch() and a QElapsedTimer (CLOCK_MONOTONIC).
    explicit ResumeDetector(QObject *parent = nullptr, Clock wallClock = {}, Clock monotonicClock = {});

    void start(int checkIntervalMs = 5000, int thresholdMs = 10000);
    void stop();

    // Compares how far both clocks moved since the last check; emits resumed() on a jump.
    // Returns the gap (wall - monotonic) in ms.
    qint64 check();

Q_SIGNALS:
    void resumed(qint64 gapMs);

private:
    Clock m_wall;
    Clock m_monotonic;
    QTimer m_timer;
    qint64 m_lastWall = 0;
    qint64 m_lastMonotonic = 0;
    int m_thresholdMs = 10000;
};

} // namespace Tether
