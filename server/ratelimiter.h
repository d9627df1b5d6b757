#pragma once
// Per-connection frame limit: the server's view of the shared Protocol::TokenBucket (the client
// paces its sends with the same bucket), kept for its allow() wording.

#include "tokenbucket.h"

namespace Tether {

class RateLimiter
{
public:
    // perSecond <= 0 disables limiting (allow() is always true).
    RateLimiter(double perSecond = 0, double burst = 0) : m_bucket(perSecond, burst) { }

    // Takes one token at nowMs (a monotonic clock) if there is one.
    bool allow(qint64 nowMs) { return m_bucket.tryTake(nowMs); }
    // Frames refused in a row since the last allowed one.
    int consecutiveRejections() const { return m_bucket.consecutiveRejections(); }
    bool isEnabled() const { return m_bucket.isEnabled(); }

private:
    Protocol::TokenBucket m_bucket;
};

} // namespace Tether
