#include "backoff.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace Tether {

Backoff::Backoff(const BackoffPolicy &policy, RandomSource random)
    : m_policy(policy)
    , m_random(std::move(random))
{
    m_policy.initialMs = std::max(0, m_policy.initialMs);
    m_policy.maxMs = std::max(m_policy.initialMs, m_policy.maxMs);
    m_policy.multiplier = std::max(1.0, m_policy.multiplier);
    m_policy.maxAttempts = std::max(0, m_policy.maxAttempts);
    m_policy.downFraction = std::isfinite(m_policy.downFraction) ? std::clamp(m_policy.downFraction, 0.0, 1.0) : 0.0;
    if (!m_random)
        m_random = [] { return QRandomGenerator::global()->generateDouble(); };
}

int Backoff::baseDelayMs(int attempt) const
{
    const int exponent = std::max(0, attempt - 1);
    // Computed in double and clamped first: 2^exponent overflows an int long before the cap matters.
    const double raw = m_policy.initialMs * std::pow(m_policy.multiplier, exponent);
    return static_cast<int>(std::min<double>(raw, m_policy.maxMs));
}

int Backoff::delayMs(int attempt) const
{
    return jittered(baseDelayMs(attempt));
}

int Backoff::jittered(int boundMs) const
{
    const int base = std::max(0, boundMs);
    // A misbehaving source must not push the delay out of [0, base].
    const double r = std::clamp(m_random(), 0.0, 1.0);
    switch (m_policy.jitter) {
    case BackoffPolicy::Jitter::None:
        return base;
    case BackoffPolicy::Jitter::Equal:
        return base / 2 + static_cast<int>(r * (base - base / 2));
    case BackoffPolicy::Jitter::Full:
        return static_cast<int>(r * base);
    }
    return base;
}

bool Backoff::allowsAttempt(int attempt) const
{
    return m_policy.maxAttempts == 0 || attempt <= m_policy.maxAttempts;
}

} // namespace Tether
