#pragma once
// An estimate of the server's clock from what the server says its time is (welcome and pong
// server_time, the HTTP Date of login and refresh answers): token expiry is the server's time, and
// a local clock an hour off must neither refresh in a loop nor connect with an expired token.

#include <QDateTime>

#include <functional>

namespace Tether {

class ServerClock
{
public:
    using Clock = std::function<QDateTime()>;

    // A server time further off than this is taken as nonsense (a broken server), not as skew.
    static constexpr qint64 MaxOffsetMs = 7LL * 24 * 3600 * 1000;

    explicit ServerClock(Clock localClock = {}); // default: QDateTime::currentDateTimeUtc()

    // The server said its time was serverTime; the answer took rttMs for the round trip (0: unknown,
    // e.g. a one-way welcome). Later samples replace earlier ones: clocks drift and get corrected.
    // False (and ignored) when invalid or absurd.
    bool observe(const QDateTime &serverTime, qint64 rttMs = 0);
    bool observeMs(qint64 serverMsSinceEpoch, qint64 rttMs = 0);

    bool hasEstimate() const { return m_known; }
    qint64 offsetMs() const { return m_offsetMs; } // server - local; 0 without an estimate
    QDateTime localNow() const { return m_clock(); }
    QDateTime now() const { return m_clock().addMSecs(m_offsetMs); } // the server's time, estimated

private:
    Clock m_clock;
    qint64 m_offsetMs = 0;
    bool m_known = false;
};

} // namespace Tether
