#include "statuslogic.h"

#include <utility>

namespace Tether {

bool StatusLogic::View::operator==(const View &o) const
{
    return headline == o.headline && banner == o.banner && progress == o.progress && attempt == o.attempt
        && seconds == o.seconds && cause == o.cause && httpStatus == o.httpStatus && closeCode == o.closeCode
        && action == o.action && actionEnabled == o.actionEnabled && diagnostics == o.diagnostics
        && retry == o.retry;
}

StatusLogic::StatusLogic(Clock clock, const Timing &timing)
    : m_clock(std::move(clock))
    , m_timing(timing)
{
    m_launchAt = m_clock();
    m_lostAt = m_launchAt;
}

void StatusLogic::noteShown(qint64 now)
{
    if (!m_inOutage)
        return;
    const View v = viewAt(now);
    if (v.banner && v.progress != Progress::Restored)
        m_shown = true;
}

void StatusLogic::beginOutage(qint64 now)
{
    m_inOutage = true;
    m_stateBeforeOutage = m_state;
    m_lostAt = now;
    m_fromConnected = m_state == ConnectionState::Connected;
    m_shown = false;
    m_urgent = false;
    m_restarting = false;
    m_failures = 0;
    m_cause = Cause::None;
    m_httpStatus = 0;
    m_closeCode = -1;
    m_manual = Manual::None;
    m_showRestored = false;
}

void StatusLogic::endOutage()
{
    m_inOutage = false;
    m_urgent = false;
    m_restarting = false;
    m_manual = Manual::None;
}

void StatusLogic::setState(ConnectionState state, int attempt)
{
    const qint64 now = m_clock();
    noteShown(now);
    const ConnectionState previous = m_state;

    if (state == ConnectionState::Connected) {
        if (previous != ConnectionState::Connected) {
            // "Connected" is only worth saying if the user saw that something was wrong.
            m_showRestored = m_inOutage && m_shown;
            m_connectedAt = now;
        }
        m_everConnected = true;
        endOutage();
    } else if (state == ConnectionState::Disconnected) {
        endOutage(); // closed on purpose: nothing to tell
        m_showRestored = false;
    } else {
        if (!m_inOutage)
            beginOutage(now);
        // Terminal states are said at once; whatever follows them in this outage is said at once too.
        if (state == ConnectionState::SignedOut || state == ConnectionState::Failed)
            m_shown = true;
    }

    if (state == ConnectionState::Connecting || state == ConnectionState::RefreshingToken) {
        if (state != previous || attempt != m_attempt)
            m_attemptStartedAt = now;
        m_attempt = attempt;
        if (m_manual == Manual::Failed)
            m_manual = Manual::None; // the next attempt makes its own news
        if (m_manual == Manual::Requested)
            m_manual = Manual::Trying;
    } else if (state == ConnectionState::Reconnecting) {
        if (m_manual == Manual::Trying)
            m_manual = Manual::Failed;
    } else if (state == ConnectionState::Failed) {
        m_attempt = attempt;
    }
    if (state != ConnectionState::Reconnecting) {
        m_nextAttemptAt = -1;
        m_waitTotalMs = 0;
    }
    m_state = state;
}

void StatusLogic::scheduleRetry(int attempt, qint64 delayMs)
{
    const qint64 now = m_clock();
    noteShown(now);
    if (!m_inOutage)
        beginOutage(now);
    m_scheduledAttempt = attempt;
    m_waitTotalMs = qMax<qint64>(0, delayMs);
    m_nextAttemptAt = now + m_waitTotalMs;
}

void StatusLogic::attemptFailed(Cause cause, int httpStatus)
{
    const qint64 now = m_clock();
    noteShown(now);
    if (!m_inOutage)
        beginOutage(now);
    ++m_failures;
    m_cause = cause;
    m_httpStatus = cause == Cause::HttpStatus ? httpStatus : 0;
    // A server that answers but refuses will not change its mind in a second: say it at once.
    if (cause == Cause::HttpStatus || cause == Cause::Certificate)
        m_urgent = true;
    m_restarting = false; // the announced wait is over and the server is still not back
    if (m_manual == Manual::Trying)
        m_manual = Manual::Failed;
}

void StatusLogic::linkDead()
{
    const qint64 now = m_clock();
    noteShown(now);
    if (!m_inOutage)
        beginOutage(now);
    // The heartbeat already waited its timeout: this is no blip, and the user has waited enough.
    m_urgent = true;
    m_cause = Cause::DeadLink;
}

void StatusLogic::closed(int code, qint64 retryAfterMs)
{
    Q_UNUSED(retryAfterMs) // the wait itself arrives with scheduleRetry()
    if (code == 1000)
        return; // closed on purpose; the state that follows says the rest
    const qint64 now = m_clock();
    noteShown(now);
    if (!m_inOutage)
        beginOutage(now);
    m_closeCode = code;
    if (code == 1012) {
        m_restarting = true;
        m_urgent = true; // announced by the server: not a blip to hide
        m_cause = Cause::ServerRestart;
    } else if (code == 4003) {
        m_urgent = true;
        m_cause = Cause::AccessRefused;
    } else if (code == 1013) {
        m_cause = Cause::ServerBusy;
    } else if (m_cause == Cause::None) {
        m_cause = Cause::Dropped;
    }
}

void StatusLogic::retryRequested()
{
    const qint64 now = m_clock();
    noteShown(now);
    if (m_state == ConnectionState::Reconnecting || m_state == ConnectionState::Failed
        || m_state == ConnectionState::WaitingForNetwork) {
        m_manual = Manual::Requested;
        m_shown = true; // the user is looking at it: keep talking
    }
}

StatusLogic::View StatusLogic::view() const
{
    return viewAt(m_clock());
}

StatusLogic::Headline StatusLogic::headlineBeforeOutage() const
{
    return m_stateBeforeOutage == ConnectionState::Connected ? Headline::Online : Headline::Offline;
}

bool StatusLogic::quietAt(qint64 now) const
{
    if (m_shown || m_urgent)
        return false;
    if (now - m_lostAt < m_timing.blipMs)
        return true;
    // Waiting for the network is no attempt: the launch grace is about "Connecting…" only.
    return m_state != ConnectionState::WaitingForNetwork && !m_everConnected
        && now - m_launchAt < m_timing.launchGraceMs;
}

StatusLogic::View StatusLogic::viewAt(qint64 now) const
{
    View v;
    switch (m_state) {
    case ConnectionState::Disconnected:
        return v;
    case ConnectionState::Connected:
        v.headline = Headline::Online;
        if (m_showRestored && now - m_connectedAt < m_timing.restoredMs) {
            v.banner = true;
            v.progress = Progress::Restored;
        }
        return v;
    case ConnectionState::SignedOut:
        v.banner = true;
        v.cause = m_cause;
        v.closeCode = m_closeCode;
        v.action = Action::SignIn;
        v.actionEnabled = true;
        v.headline = m_cause == Cause::AccessRefused ? Headline::AccessRefused : Headline::SessionExpired;
        v.diagnostics = v.headline == Headline::AccessRefused;
        return v;
    case ConnectionState::Failed:
        v.headline = Headline::Failed;
        v.banner = true;
        v.attempt = m_attempt;
        v.cause = m_cause;
        v.httpStatus = m_httpStatus;
        v.closeCode = m_closeCode;
        v.action = Action::Retry;
        v.actionEnabled = true;
        v.diagnostics = true;
        return v;
    case ConnectionState::WaitingForNetwork:
        if (quietAt(now)) {
            v.headline = headlineBeforeOutage();
            return v;
        }
        v.headline = Headline::NoNetwork;
        v.banner = true;
        v.cause = m_cause;
        v.closeCode = m_closeCode;
        return v;
    case ConnectionState::Connecting:
    case ConnectionState::RefreshingToken:
    case ConnectionState::Reconnecting:
        break;
    }

    if (quietAt(now)) {
        // Not worth saying yet: everything keeps showing what was true before.
        v.headline = headlineBeforeOutage();
        return v;
    }
    v.banner = true;
    v.cause = m_cause;
    v.httpStatus = m_httpStatus;
    v.closeCode = m_closeCode;
    if (m_cause == Cause::HttpStatus)
        v.headline = m_httpStatus == 404 ? Headline::NotTether : Headline::ServerRefused;
    else if (m_cause == Cause::Certificate)
        v.headline = Headline::Certificate;
    else if (m_restarting)
        v.headline = Headline::Restarting;
    else if (m_fromConnected)
        v.headline = Headline::Lost;
    else if (m_failures > 0)
        v.headline = Headline::Unreachable;
    else
        v.headline = m_state == ConnectionState::RefreshingToken ? Headline::SigningIn : Headline::Connecting;
    v.diagnostics = v.headline == Headline::NotTether || v.headline == Headline::ServerRefused
        || v.headline == Headline::Certificate;

    if (m_state == ConnectionState::RefreshingToken) {
        v.progress = Progress::SigningIn;
    } else if (m_state == ConnectionState::Connecting) {
        v.progress = Progress::Attempt;
        v.attempt = m_attempt;
        v.seconds = int((now - m_attemptStartedAt) / 1000);
    } else if (m_nextAttemptAt > now && m_waitTotalMs >= m_timing.countdownMinMs) {
        v.progress = Progress::Countdown;
        v.seconds = int((m_nextAttemptAt - now + 999) / 1000);
    } else {
        // A wait too short to count down, or over: the next attempt is what happens now.
        v.progress = Progress::Attempt;
        v.attempt = m_scheduledAttempt;
    }

    if (v.headline != Headline::Connecting && v.headline != Headline::SigningIn) {
        v.action = Action::RetryNow;
        v.actionEnabled = m_state == ConnectionState::Reconnecting;
    }
    if (m_manual == Manual::Trying && m_state != ConnectionState::Reconnecting)
        v.retry = RetryOutcome::Trying;
    else if (m_manual == Manual::Failed)
        v.retry = RetryOutcome::Failed;
    return v;
}

qint64 StatusLogic::msUntilChange() const
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
        if (!m_shown && !m_urgent)
            consider(m_lostAt + m_timing.blipMs);
        break;
    case ConnectionState::Connecting:
    case ConnectionState::RefreshingToken:
    case ConnectionState::Reconnecting:
        if (!m_shown && !m_urgent) {
            consider(m_lostAt + m_timing.blipMs);
            if (!m_everConnected)
                consider(m_launchAt + m_timing.launchGraceMs);
        }
        if (m_state == ConnectionState::Connecting) {
            const qint64 elapsed = now - m_attemptStartedAt;
            consider(m_attemptStartedAt + (elapsed / 1000 + 1) * 1000); // the next whole second
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
