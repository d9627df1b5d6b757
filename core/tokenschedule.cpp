#include "tokenschedule.h"

#include "accesstoken.h"

#include <algorithm>
#include <limits>

namespace Tether {

TokenSchedule::TokenSchedule(Clock clock)
    : m_clock(clock ? std::move(clock) : Clock([] { return QDateTime::currentDateTimeUtc(); }))
{
}

void TokenSchedule::tokensIssued(qint64 expiresInMs)
{
    m_issuedAt = now();
    m_expiresAt = expiresInMs > 0 ? m_issuedAt.addMSecs(expiresInMs) : QDateTime();
}

void TokenSchedule::forgetIssuedExpiry()
{
    m_issuedAt = QDateTime();
    m_expiresAt = QDateTime();
}

bool TokenSchedule::canRefresh(const Credentials &c)
{
    return !c.refreshToken.isEmpty() && c.refreshUrl.isValid();
}

bool TokenSchedule::isDue(const Credentials &c) const
{
    if (c.accessToken.isEmpty())
        return !c.refreshToken.isEmpty(); // only a refresh token: get an access token first
    const AccessToken token = AccessToken::parse(c.accessToken);
    if (!token.isValid())
        return true;
    if (token.expiresAt())
        return token.needsRefresh(now(), m_skewMs);
    if (m_expiresAt.isValid())
        return now().msecsTo(m_expiresAt) <= m_skewMs;
    return false;
}

qint64 TokenSchedule::msUntilRefresh(const Credentials &c) const
{
    if (!canRefresh(c) || c.accessToken.isEmpty())
        return -1;
    const QDateTime at = now();
    const AccessToken token = AccessToken::parse(c.accessToken);
    qint64 ms = -1;
    qint64 remaining = -1;
    if (token.expiresAt()) {
        ms = token.msUntilProactiveRefresh(at, m_skewMs);
        remaining = at.msecsTo(*token.expiresAt());
    } else if (m_expiresAt.isValid()) {
        // An opaque token with expires_in: the same rule as a JWT's iat/exp, from when it arrived.
        remaining = at.msecsTo(m_expiresAt);
        const qint64 lifetime = m_issuedAt.msecsTo(m_expiresAt);
        ms = std::max<qint64>(0, std::min(remaining - m_skewMs, at.msecsTo(m_issuedAt.addMSecs(lifetime * 8 / 10))));
    }
    if (ms < 0)
        return -1;
    ms = std::max(ms, std::max<qint64>(remaining / 2, MinRefreshDelayMs));
    return std::min<qint64>(ms, std::numeric_limits<int>::max()); // it goes to a QTimer
}

} // namespace Tether
