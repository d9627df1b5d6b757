#pragma once
// UserQuotas bounds what one user may do across all of its connections: sends per second (a
// token bucket, default 20/s with a burst of 100) and conversations created per hour. Pure: the
// monotonic clock is injected. Memory stays bounded by the users active lately: a bucket that
// has refilled completely is dropped, since a new one starts full and so is the same.

#include "tokenbucket.h"

#include <QHash>
#include <QString>

namespace Tether {

class UserQuotas
{
public:
    using Clock = Protocol::TokenBucket::Clock; // monotonic milliseconds

    // sendRate <= 0 or creationsPerHour <= 0 turns that quota off.
    UserQuotas(double sendRate, double sendBurst, int creationsPerHour, Clock clock);

    // Takes one send of the user's quota; false when there is none left now.
    bool allowSend(const QString &user);
    // After a refused send: ms until the user may send again (0 when it may now).
    qint64 msUntilSend(const QString &user);
    // Takes one conversation creation of the user's quota.
    bool allowCreation(const QString &user);

    int trackedUsers() const { return int(m_sends.size() + m_creations.size()); }

private:
    using Buckets = QHash<QString, Protocol::TokenBucket>;
    bool take(Buckets &buckets, qsizetype &pruneAt, double rate, double burst, const QString &user);
    void prune(Buckets &buckets, qsizetype &pruneAt, qint64 nowMs);

    double m_sendRate;
    double m_sendBurst;
    double m_creationRate; // per second
    double m_creationBurst;
    Clock m_clock;
    Buckets m_sends;
    Buckets m_creations;
    qsizetype m_sendsPruneAt;
    qsizetype m_creationsPruneAt;
};

} // namespace Tether
