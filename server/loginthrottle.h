#pragma once
// Login rate limits, per peer address and per user name: a token bucket for each, charged when the
// request arrives, before any password is hashed, so a burst cannot slip in while earlier hashes
// still run. Pure (the clock is passed in) and bounded in memory: buckets that have refilled are
// dropped, and past maxEntries new keys are refused until some have.

#include "tokenbucket.h"

#include <QHash>
#include <QHostAddress>
#include <QString>

namespace Tether {

class LoginThrottle
{
public:
    // Attempts per minute; the burst is a minute's worth. <= 0 turns that limit off.
    LoginThrottle(double perAddressPerMinute = 0, double perUserPerMinute = 0, int maxEntries = 100000);

    // 0 when the attempt may go ahead (both buckets charged); else the milliseconds until it may.
    // An empty userName is charged to the address only (registration).
    qint64 admit(const QHostAddress &address, const QString &userName, qint64 nowMs);
    int entries() const { return int(m_addresses.size() + m_users.size()); }

private:
    Protocol::TokenBucket makeBucket(double perMinute) const;
    void prune(qint64 nowMs);

    double m_perAddress;
    double m_perUser;
    int m_maxEntries;
    QHash<QString, Protocol::TokenBucket> m_addresses;
    QHash<QString, Protocol::TokenBucket> m_users;
    int m_sincePrune = 0;
};

} // namespace Tether
