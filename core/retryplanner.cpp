#include "retryplanner.h"

#include <QElapsedTimer>

#include <algorithm>
#include <climits>
#include <memory>
#include <cmath>

namespace Tether {

RetryPlanner::RetryPlanner(const BackoffPolicy &policy, Backoff::RandomSource random, Clock clock)
    : m_backoff(policy, std::move(random))
    , m_clock(std::move(clock))
{
    if (!m_clock) {
        auto timer = std::make_shared<QElapsedTimer>();
        timer->start();
        m_clock = [timer] { return timer->elapsed(); };
    }
}

void RetryPlanner::linkLost()
{
    if (m_downSince < 0)
        m_downSince = m_clock();
}

void RetryPlanner::reset()
{
    m_downSince = -1;
}

qint64 RetryPlanner::downForMs() const
{
    // A clock that steps back must not make the down time negative.
    return isDown() ? std::max<qint64>(0, m_clock() - m_downSince) : 0;
}

int RetryPlanner::capMs() const
{
    const BackoffPolicy &p = m_backoff.policy();
    if (!isDown() || p.downFraction <= 0.0)
        return INT_MAX;
    const double floorMs = p.initialMs / 10;
    const double cap = std::max(floorMs, std::floor(p.downFraction * double(downForMs())));
    return int(std::min<double>(cap, INT_MAX));
}

int RetryPlanner::delayMs(int attempt) const
{
    const int base = m_backoff.baseDelayMs(attempt);
    if (attempt <= 1)
        return m_backoff.jittered(base);
    const int cap = capMs();
    if (cap == INT_MAX)
        return m_backoff.jittered(base);
    // Full jitter under a small cap would allow waits of a few ms, i.e. attempts in a burst (the
    // user sees "attempt 13" a second in): a capped wait is at least initialMs / 4 (or the window).
    const int window = std::min(base, cap);
    return std::max(std::min(window, m_backoff.policy().initialMs / 4), m_backoff.jittered(window));
}

} // namespace Tether
