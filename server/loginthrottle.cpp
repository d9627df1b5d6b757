#include "loginthrottle.h"

#include "admissioncontrol.h"

namespace Tether {

namespace {
constexpr qint64 kFullRetryMs = 1000; // the answer while the table is full
} // namespace

LoginThrottle::LoginThrottle(double perAddressPerMinute, double perUserPerMinute, int maxEntries)
    : m_perAddress(perAddressPerMinute), m_perUser(perUserPerMinute), m_maxEntries(qMax(16, maxEntries))
{
}

Protocol::TokenBucket LoginThrottle::makeBucket(double perMinute) const
{
    return Protocol::TokenBucket(perMinute / 60.0, perMinute);
}

void LoginThrottle::prune(qint64 nowMs)
{
    for (auto *table : { &m_addresses, &m_users }) {
        for (auto it = table->begin(); it != table->end();) {
            if (it.value().available(nowMs) >= it.value().burst())
                it = table->erase(it);
            else
                ++it;
        }
    }
    m_sincePrune = 0;
}

qint64 LoginThrottle::admit(const QHostAddress &address, const QString &userName, qint64 nowMs)
{
    const bool byAddress = m_perAddress > 0;
    const bool byUser = m_perUser > 0 && !userName.isEmpty();
    if (!byAddress && !byUser)
        return 0;
    if (++m_sincePrune >= 1024 || entries() >= m_maxEntries)
        prune(nowMs);
    const QString addressKey = AdmissionControl::normalized(address).toString();
    Protocol::TokenBucket *addressBucket = nullptr;
    Protocol::TokenBucket *userBucket = nullptr;
    auto bucket = [&](QHash<QString, Protocol::TokenBucket> &table, const QString &key, double perMinute)
            -> Protocol::TokenBucket * {
        auto it = table.find(key);
        if (it == table.end()) {
            if (entries() >= m_maxEntries)
                return nullptr;
            it = table.insert(key, makeBucket(perMinute));
        }
        return &it.value();
    };
    if (byAddress && !(addressBucket = bucket(m_addresses, addressKey, m_perAddress)))
        return kFullRetryMs;
    if (byUser && !(userBucket = bucket(m_users, userName, m_perUser)))
        return kFullRetryMs;
    // Both must have a token; only then is either charged.
    qint64 wait = 0;
    if (addressBucket)
        wait = qMax(wait, addressBucket->msUntilAvailable(nowMs));
    if (userBucket)
        wait = qMax(wait, userBucket->msUntilAvailable(nowMs));
    if (wait > 0)
        return wait;
    if (addressBucket)
        addressBucket->tryTake(nowMs);
    if (userBucket)
        userBucket->tryTake(nowMs);
    return 0;
}

} // namespace Tether
