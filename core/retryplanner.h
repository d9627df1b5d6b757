#pragma once
// When to try again after the link went down: the backoff series, its jitter, and a cap by a
// fraction of the time already spent down (a faster return). Pure; clock and random source injected.

#include "backoff.h"

#include <QtGlobal>

#include <functional>

namespace Tether {

class RetryPlanner
{
public:
    // Monotonic milliseconds (QElapsedTimer in the app, a counter in tests).
    using Clock = std::function<qint64()>;

    RetryPlanner(const BackoffPolicy &policy, Backoff::RandomSource random, Clock clock);

    // The link went down (or the first attempt failed). Idempotent: the first call of a series
    // starts the down clock, later ones keep it.
    void linkLost();
    // Connected again, or stopped by the user: the next loss starts a new down clock.
    void reset();

    bool isDown() const { return m_downSince >= 0; }
    qint64 downForMs() const;

    // The ceiling the down time puts on a wait: downFraction of it, never under initialMs / 10.
    // Unbounded (INT_MAX) while not down or when the policy turns the cap off.
    int capMs() const;
    // The wait before backoff attempt n (n >= 1), jitter applied. The first wait of a series keeps
    // the full backoff window (a crashed server's clients must still spread over it); later waits
    // are the backoff's, capped by capMs(), and no shorter than initialMs / 4 (or the capped window).
    int delayMs(int attempt) const;

    const Backoff &backoff() const { return m_backoff; }

private:
    Backoff m_backoff;
    Clock m_clock;
    qint64 m_downSince = -1;
};

} // namespace Tether
