#pragma once
// Per-connection token bucket: how many frames a client may send, with the clock injected so the
// decision is testable without waiting.

#include <QtGlobal>

namespace Tether {

class RateLimiter
{
public:
    // perSecond <= 0 disables limiting (allow() is always true).
    RateLimiter(double perSecond = 0, double burst = 0);

    // Takes one token at nowMs (a monotonic clock) if there is one.
    bool allow(qint64 nowMs);
    // Frames refused in a row since the last allowed one.
    int consecutiveRejections() const { return m_rejections; }
    bool isEnabled() const { return m_perSecond > 0; }

private:
    double m_perSecond = 0;
    double m_burst = 0;
    double m_tokens = 0;
    qint64 m_lastMs = -1;
    int m_rejections = 0;
};

} // namespace Tether
