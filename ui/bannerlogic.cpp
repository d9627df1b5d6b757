#include "bannerlogic.h"

#include <utility>

namespace Tether {

BannerLogic::BannerLogic(Clock clock, const Timing &timing)
    : m_clock(std::move(clock))
    , m_timing(timing)
{
    m_launchAt = m_clock();
    m_lostAt = m_launchAt;
}

void BannerLogic::setState(ConnectionState state, qint64 nextAttemptInMs, int attempts)
{
    const qint64 now = m_clock();
    const ConnectionState previous = m_state;
    const Kind before = viewAt(now).kind;
    if (before != Kind::Hidden && before != Kind::Restored)
        m_outageVisible = true;

    if (state == ConnectionState::Connected) {
        if (previous != ConnectionState::Connected) {
            // "Connected" is only worth saying if the user saw that something was wrong.
            m_showRestored = m_outageVisible;
            m_connectedAt = now;
        }
        m_everConnected = true;
        m_outageVisible = false;
    } else if (previous == ConnectionState::Connected || previous == ConnectionState::Disconnected) {
        // An outage starts: leaving Connected, or (re)opening from idle.
        if (state != ConnectionState::Disconnected) {
            m_lostAt = now;
            m_stateBeforeOutage = previous;
        }
        m_showRestored = false;
        m_outageVisible = false;
    }
    // Terminal states are shown at once; whatever follows them in this outage is shown at once too.
    if (state == ConnectionState::SignedOut || state == ConnectionState::Failed)
        m_outageVisible = true;
    if (state == ConnectionState::Disconnected)
        m_outageVisible = false;

    m_state = state;
    if (state == ConnectionState::Reconnecting && nextAttemptInMs >= 0) {
        m_nextAttemptAt = now + nextAttemptInMs;
        m_waitTotalMs = nextAttemptInMs;
    } else if (state != ConnectionState::Reconnecting) {
        m_nextAttemptAt = -1;
        m_waitTotalMs = 0;
    }
    if (state == ConnectionState::Failed)
        m_attempts = attempts;
}

BannerLogic::View BannerLogic::view() const
{
    return viewAt(m_clock());
}

ConnectionState BannerLogic::shownState() const
{
    return shownStateAt(m_clock());
}

ConnectionState BannerLogic::shownStateAt(qint64 now) const
{
    switch (m_state) {
    case ConnectionState::Connecting:
    case ConnectionState::RefreshingToken:
    case ConnectionState::Reconnecting:
    case ConnectionState::WaitingForNetwork:
        // Hidden means "not worth saying yet": keep showing what was true before.
        return viewAt(now).kind == Kind::Hidden ? m_stateBeforeOutage : m_state;
    default:
        return m_state;
    }
}

BannerLogic::View BannerLogic::viewAt(qint64 now) const
{
    View v;
    switch (m_state) {
    case ConnectionState::Disconnected:
        return v;
    case ConnectionState::Connected:
        if (m_showRestored && now - m_connectedAt < m_timing.restoredMs)
            v.kind = Kind::Restored;
        return v;
    case ConnectionState::SignedOut:
        v.kind = Kind::SessionExpired; // definitive: say it at once
        return v;
    case ConnectionState::Failed:
        v.kind = Kind::Failed;
        v.attempts = m_attempts;
        return v;
    case ConnectionState::WaitingForNetwork:
        if (m_outageVisible || now - m_lostAt >= m_timing.blipMs)
            v.kind = Kind::WaitingForNetwork;
        return v;
    case ConnectionState::Connecting:
    case ConnectionState::RefreshingToken:
    case ConnectionState::Reconnecting:
        break;
    }

    if (!m_outageVisible) {
        if (now - m_lostAt < m_timing.blipMs)
            return v;
        if (!m_everConnected && now - m_launchAt < m_timing.launchGraceMs)
            return v;
    }
    if (m_state == ConnectionState::Reconnecting && m_waitTotalMs >= m_timing.countdownMinMs
        && m_nextAttemptAt > now) {
        v.kind = Kind::Countdown;
        v.seconds = int((m_nextAttemptAt - now + 999) / 1000);
        v.neverConnected = !m_everConnected;
        return v;
    }
    v.kind = Kind::Connecting;
    return v;
}

qint64 BannerLogic::msUntilChange() const
{
    const qint64 now = m_clock();
    qint64 best = -1;
    auto consider = [&](qint64 at) {
        const qint64 in = at - now;
        if (in > 0 && (best < 0 || in < best))
            best = in;
    };
    switch (m_state) {
    case ConnectionState::Connected:
        if (m_showRestored)
            consider(m_connectedAt + m_timing.restoredMs);
        break;
    case ConnectionState::WaitingForNetwork:
        if (!m_outageVisible)
            consider(m_lostAt + m_timing.blipMs);
        break;
    case ConnectionState::Connecting:
    case ConnectionState::RefreshingToken:
    case ConnectionState::Reconnecting:
        if (!m_outageVisible) {
            consider(m_lostAt + m_timing.blipMs);
            if (!m_everConnected)
                consider(m_launchAt + m_timing.launchGraceMs);
        }
        if (m_state == ConnectionState::Reconnecting && m_waitTotalMs >= m_timing.countdownMinMs
            && m_nextAttemptAt > now) {
            const qint64 left = m_nextAttemptAt - now;
            consider(now + ((left - 1) % 1000) + 1); // the next whole-second step
        }
        break;
    default:
        break;
    }
    return best;
}

} // namespace Tether
