#pragma once
// Reconnect delays: exponential with multiplier and cap, plus jitter. Pure; the random source is
// injected so tests are deterministic.

#include <functional>

namespace Tether {

struct BackoffPolicy
{
    enum class Jitter { None, Equal, Full };

    int initialMs = 1000;
    double multiplier = 2.0;
    int maxMs = 30000;
    Jitter jitter = Jitter::Full;
    int maxAttempts = 0; // 0 = unlimited: a desktop app never gives up while the network is up
    // A faster return (RetryPlanner): after the first retry, no wait is longer than this fraction
    // of the time already spent down (never under initialMs / 10), so the time wasted after the
    // server is back stays a small share of the outage (about a third of the fraction). With
    // RetryPlanner's least wait, 0.35 keeps that near 12 % while a minute's outage costs some 29
    // attempts (44 at a quarter with no least wait). 0 turns the cap off.
    double downFraction = 0.35;
};

class Backoff
{
public:
    // Returns a uniformly distributed value in [0, 1).
    using RandomSource = std::function<double()>;

    explicit Backoff(const BackoffPolicy &policy = {}, RandomSource random = {});

    const BackoffPolicy &policy() const { return m_policy; }

    // The capped exponential delay before attempt n (n >= 1), without jitter.
    int baseDelayMs(int attempt) const;
    // The delay to wait before attempt n, jitter applied.
    int delayMs(int attempt) const;
    // Jitter applied to a given upper bound: the same spread as delayMs() has over baseDelayMs().
    int jittered(int boundMs) const;
    // Whether attempt n may still be made.
    bool allowsAttempt(int attempt) const;

private:
    BackoffPolicy m_policy;
    RandomSource m_random;
};

} // namespace Tether
