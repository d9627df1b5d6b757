#include "userquotas.h"

namespace Tether {

namespace {
// Buckets kept before the first look for full ones; then twice what was left after a look, so
// pruning costs O(1) per take, amortized.
constexpr qsizetype kMinPruneAt = 1024;
} // namespace

UserQuotas::UserQuotas(double sendRate, double sendBurst, int creationsPerHour, Clock clock)
    : m_sendRate(sendRate),
      m_sendBurst(sendBurst),
      m_creationRate(creationsPerHour > 0 ? double(creationsPerHour) / 3600.0 : 0.0),
      m_creationBurst(creationsPerHour),
      m_clock(std::move(clock)),
      m_sendsPruneAt(kMinPruneAt),
      m_creationsPruneAt(kMinPruneAt)
{
}

bool UserQuotas::take(Buckets &buckets, qsizetype &pruneAt, double rate, double burst, const QString &user)
{
    if (rate <= 0)
        return true;
    const qint64 now = m_clock();
    auto it = buckets.find(user);
    if (it == buckets.end()) {
        if (buckets.size() >= pruneAt)
            prune(buckets, pruneAt, now);
        it = buckets.insert(user, Protocol::TokenBucket(rate, burst, m_clock));
    }
    return it->tryTake(now);
}

void UserQuotas::prune(Buckets &buckets, qsizetype &pruneAt, qint64 nowMs)
{
    for (auto it = buckets.begin(); it != buckets.end();) {
        if (it->available(nowMs) >= it->burst())
            it = buckets.erase(it);
        else
            ++it;
    }
    pruneAt = qMax(kMinPruneAt, 2 * buckets.size());
}

bool UserQuotas::allowSend(const QString &user)
{
    return take(m_sends, m_sendsPruneAt, m_sendRate, m_sendBurst, user);
}

qint64 UserQuotas::msUntilSend(const QString &user)
{
    const auto it = m_sends.find(user);
    return it == m_sends.end() ? 0 : it->msUntilAvailable(m_clock());
}

bool UserQuotas::allowCreation(const QString &user)
{
    return take(m_creations, m_creationsPruneAt, m_creationRate, m_creationBurst, user);
}

} // namespace Tether
