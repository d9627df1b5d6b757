#include "tokenbucket.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

namespace Tether::Protocol {

TokenBucket::TokenBucket(double ratePerSecond, double burst, Clock clock)
    : m_rate(ratePerSecond), m_burst(std::max(burst, 1.0)), m_tokens(m_burst), m_clock(std::move(clock))
{
    if (!m_clock) {
        m_clock = [] {
            return qint64(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::steady_clock::now().time_since_epoch())
                                  .count());
        };
    }
}

void TokenBucket::refill(qint64 nowMs)
{
    if (m_lastMs >= 0 && nowMs > m_lastMs)
        m_tokens = std::min(m_burst, m_tokens + double(nowMs - m_lastMs) * m_rate / 1000.0);
    if (m_lastMs < 0 || nowMs > m_lastMs)
        m_lastMs = nowMs;
}

bool TokenBucket::tryTake(qint64 nowMs)
{
    if (!isEnabled())
        return true;
    refill(nowMs);
    if (m_tokens >= 1.0) {
        m_tokens -= 1.0;
        m_rejections = 0;
        return true;
    }
    ++m_rejections;
    return false;
}

double TokenBucket::available(qint64 nowMs)
{
    if (!isEnabled())
        return std::numeric_limits<double>::infinity();
    refill(nowMs);
    return m_tokens;
}

qint64 TokenBucket::msUntilAvailable(qint64 nowMs)
{
    const double tokens = available(nowMs);
    if (tokens >= 1.0)
        return 0;
    return std::max<qint64>(1, qint64(std::ceil((1.0 - tokens) * 1000.0 / m_rate)));
}

} // namespace Tether::Protocol
