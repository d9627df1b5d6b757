#pragma once
// StatusLogic decides the one story of the connection that the banner, the status indicator, the
// tray and the tooltips all tell: pure, I/O-free, with an injected monotonic clock so every rule
// (blips, launch grace, countdowns, attempt progress, "Retry now") can be tested to the millisecond.

#include "connectionstate.h"

#include <QtGlobal>

#include <functional>

namespace Tether {

// Outside the class so its member initialisers can serve as a default argument (GCC).
struct StatusTiming
{
    int blipMs = 1000;         // an outage shorter than this shows nothing (unless it is news at once)
    int launchGraceMs = 3000;  // no "Connecting…" this soon after launch
    int countdownMinMs = 1000; // shorter waits are shown as the attempt that follows them
    int restoredMs = 2000;     // how long "Connected" stays after a visible outage
};

class StatusLogic
{
public:
    using Clock = std::function<qint64()>; // monotonic milliseconds
    using Timing = StatusTiming;

    // What the connection is, in one or two words: the status bar, the tray and the tooltip say it.
    enum class Headline {
        Offline,        // idle or closed on purpose
        Online,
        Connecting,     // the first connection, nothing failed yet
        SigningIn,      // the first connection waits for a token refresh
        Lost,           // there was a connection, and it is gone
        Unreachable,    // attempts fail and there never was a connection in this outage
        NotTether,      // an HTTP server answers, but not as a Tether server (404)
        ServerRefused,  // an HTTP server answers with another refusal (403, 5xx, …)
        Certificate,    // the TLS certificate is not trusted
        Restarting,     // the server announced a restart (1012 with retry_after_ms)
        NoNetwork,
        AccessRefused,  // the server refused this account or guest for good (4003)
        SessionExpired, // signed out: the sign-in is no longer accepted
        Failed,         // gave up after the configured number of attempts
    };

    // Why the link ended or the last attempt failed, as people understand it.
    enum class Cause {
        None,
        DeadLink,         // pings went unanswered: a half-open link
        Dropped,          // the connection ended without a reason (1006, …)
        NothingListening, // TCP connection refused
        HostNotFound,
        NoAnswer,         // timed out
        NetworkError,
        ProxyError,
        Certificate,
        HttpStatus,       // httpStatus says which
        AccessRefused,    // 4003
        ServerRestart,    // 1012
        ServerBusy,       // 1013 (try again later)
    };

    enum class Progress {
        None,
        Attempt,   // an attempt is under way: attempt, seconds elapsed
        SigningIn, // a token refresh is under way
        Countdown, // waiting for the next attempt: seconds left
        Restored,  // "Connected", briefly
    };

    enum class Action { None, RetryNow, Retry, SignIn };

    // What became of the user's "Retry now".
    enum class RetryOutcome { None, Trying, Failed };

    struct View
    {
        Headline headline = Headline::Offline;
        bool banner = false;    // the banner is on screen
        Progress progress = Progress::None;
        int attempt = 0;        // Attempt: its number; Failed: attempts made
        int seconds = 0;        // Countdown: seconds left (rounded up); Attempt: seconds elapsed
        Cause cause = Cause::None;
        int httpStatus = 0;     // Cause::HttpStatus
        int closeCode = -1;     // the last close code of this outage, -1 = none
        Action action = Action::None;
        bool actionEnabled = false; // false while an attempt is under way: there is nothing to skip
        bool diagnostics = false;   // offer the way into diagnostics: the server answers but refuses
        RetryOutcome retry = RetryOutcome::None;

        bool operator==(const View &o) const;
        bool operator!=(const View &o) const { return !(*this == o); }
    };

    explicit StatusLogic(Clock clock, const Timing &timing = Timing());

    // The inputs, in the order ConnectionManager reports them.
    // attempt: Connecting: its number; Failed: attempts made.
    void setState(ConnectionState state, int attempt = 0);
    // Before setState(Reconnecting): attempt `attempt` starts in delayMs.
    void scheduleRetry(int attempt, qint64 delayMs);
    // An attempt failed (or a refresh before one); httpStatus for Cause::HttpStatus.
    void attemptFailed(Cause cause, int httpStatus = 0);
    // The heartbeat went unanswered: the link is dead, say so at once.
    void linkDead();
    // An open connection closed with this code; retryAfterMs >= 0 when the server said when to return.
    void closed(int code, qint64 retryAfterMs = -1);
    // The user asked for an attempt now.
    void retryRequested();

    ConnectionState state() const { return m_state; }
    View view() const;
    // Milliseconds until view() may change without a new input, or -1 if it will not.
    qint64 msUntilChange() const;

    const Timing &timing() const { return m_timing; }
    void setTiming(const Timing &timing) { m_timing = timing; }

private:
    enum class Manual { None, Requested, Trying, Failed };

    View viewAt(qint64 now) const;
    bool quietAt(qint64 now) const; // an outage not worth saying yet
    void noteShown(qint64 now);
    void beginOutage(qint64 now);
    void endOutage();
    Headline headlineBeforeOutage() const;

    Clock m_clock;
    Timing m_timing;
    ConnectionState m_state = ConnectionState::Disconnected;
    qint64 m_launchAt = 0;
    bool m_everConnected = false;

    // The current outage: from leaving Connected (or opening from idle) until Connected or idle.
    bool m_inOutage = false;
    ConnectionState m_stateBeforeOutage = ConnectionState::Disconnected;
    qint64 m_lostAt = 0;
    bool m_fromConnected = false; // there was a link to lose
    bool m_shown = false;         // something was on screen during this outage
    bool m_urgent = false;        // news at once: no blip or launch grace
    bool m_restarting = false;
    int m_failures = 0;           // failed attempts in this outage
    Cause m_cause = Cause::None;
    int m_httpStatus = 0;
    int m_closeCode = -1;
    Manual m_manual = Manual::None;

    int m_attempt = 0;
    qint64 m_attemptStartedAt = 0;
    int m_scheduledAttempt = 0;
    qint64 m_nextAttemptAt = -1;
    qint64 m_waitTotalMs = 0;

    bool m_showRestored = false;
    qint64 m_connectedAt = -1;
};

} // namespace Tether
