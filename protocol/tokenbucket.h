#pragma once
// One token bucket for both ends: the server limits each connection's frames with it and the
// client paces its sends under that limit. Pure: the monotonic clock is injected.

#include <QtGlobal>

#include <functional>

namespace Tether::Protocol {

class TokenBucket
{
public:
    using Clock = std::function<qint64()>; // monotonic milliseconds

    // ratePerSecond <= 0 disables limiting: every take succeeds. burst is at least 1; the bucket
    // starts full. Without a clock, std::chrono::steady_clock is used.
    explicit TokenBucket(double ratePerSecond = 0, double burst = 0, Clock clock = Clock());

    bool isEnabled() const { return m_rate > 0; }
    double ratePerSecond() const { return m_rate; }
    double burst() const { return m_burst; }

    // Takes one token if there is one. A clock going backwards never mints tokens.
    bool tryTake() { return tryTake(m_clock()); }
    bool tryTake(qint64 nowMs);
    // Tokens there now (after refilling), fractional; infinity when disabled.
    double available() { return available(m_clock()); }
    double available(qint64 nowMs);
    // Milliseconds until a whole token is there (rounded up); 0 when one is, or when disabled.
    qint64 msUntilAvailable() { return msUntilAvailable(m_clock()); }
    qint64 msUntilAvailable(qint64 nowMs);
    // Takes refused in a row since the last successful one.
    int consecutiveRejections() const { return m_rejections; }

private:
    void refill(qint64 nowMs);

    double m_rate = 0;
    double m_burst = 1;
    double m_tokens = 1;
    qint64 m_lastMs = -1; // no take or look yet
    int m_rejections = 0;
    Clock m_clock;
};

} // namespace Tether::Protocol
