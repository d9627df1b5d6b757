#pragma once
// When the access token must be refreshed: before an attempt (expired or expiring within the skew,
// missing beside a refresh token, or unreadable) and ahead of its expiry while connected. No I/O:
// the clock is injected, and ConnectionManager owns the timer and the request.

#include "connectionconfig.h"

#include <QDateTime>

#include <functional>

namespace Tether {

class TokenSchedule
{
public:
    using Clock = std::function<QDateTime()>;

    // A proactive refresh never comes sooner than this, however short-lived the token.
    static constexpr qint64 MinRefreshDelayMs = 1000;

    explicit TokenSchedule(Clock clock = {}); // default clock: QDateTime::currentDateTimeUtc()

    void setSkewMs(int skewMs) { m_skewMs = skewMs; }
    int skewMs() const { return m_skewMs; }

    // A refresh answer arrived now. expiresInMs (> 0) is its expires_in: the only expiry a token
    // that is not a JWT has. <= 0: not given.
    void tokensIssued(qint64 expiresInMs);
    // Other credentials were set: an expires_in learned for the old token no longer applies.
    void forgetIssuedExpiry();

    // A refresh token and a refresh URL are there.
    static bool canRefresh(const Credentials &credentials);
    // Before an attempt: refresh first.
    bool isDue(const Credentials &credentials) const;
    // While connected: milliseconds until the refresh ahead of expiry, at ~80 % of the token's
    // lifetime and never later than expiry - skew, but never sooner than half its remaining life
    // or MinRefreshDelayMs (a token shorter-lived than the skew must not be refreshed in a loop).
    // -1 = none: nothing to refresh with, or the expiry is unknown.
    qint64 msUntilRefresh(const Credentials &credentials) const;

private:
    QDateTime now() const { return m_clock(); }

    Clock m_clock;
    int m_skewMs = 30000;
    QDateTime m_issuedAt;  // when the expires_in below arrived
    QDateTime m_expiresAt; // from expires_in, for tokens that are not JWTs
};

} // namespace Tether
