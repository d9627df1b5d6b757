#include "ratelimiter.h"

#include <algorithm>

namespace Tether {

RateLimiter::RateLimiter(double perSecond, double burst)
    : m_perSecond(perSecond), m_burst(std::max(burst, 1.0)), m_tokens(m_burst)
{
}

bool RateLimiter::allow(qint64 nowMs)
{
    if (m_perSecond <= 0)
        return true;
    if (m_lastMs >= 0 && nowMs > m_lastMs)
        m_tokens = std::min(m_burst, m_tokens + double(nowMs - m_lastMs) * m_perSecond / 1000.0);
    if (m_lastMs < 0 || nowMs > m_lastMs)
        m_lastMs = nowMs;
    if (m_tokens >= 1.0) {
        m_tokens -= 1.0;
        m_rejections = 0;
        return true;
    }
    ++m_rejections;
    return false;
}

} // namespace Tether
