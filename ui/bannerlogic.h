#pragma once
// BannerLogic decides what the connection banner shows right now: pure, I/O-free, with an
// injected monotonic clock so every flicker rule can be tested to the millisecond.

#include "connectionstate.h"

#include <QtGlobal>

#include <functional>

namespace Tether {

// Outside the class so its member initialisers can serve as a default argument (GCC).
struct BannerTiming
{
    int blipMs = 1000;         // an outage shorter than this shows nothing
    int launchGraceMs = 3000;  // no "Connecting…" this soon after launch
    int countdownMinMs = 4000; // shorter waits say "Connecting…" instead of counting down
    int restoredMs = 2000;     // how long "Connected" stays after a visible outage
};

class BannerLogic
{
public:
    using Clock = std::function<qint64()>; // monotonic milliseconds

    using Timing = BannerTiming;

    enum class Kind {
        Hidden,
        Connecting,        // "Connecting…"
        Countdown,         // "Connection lost. Reconnecting in N s… [Retry now]" (or "Could not reach the server…")
        WaitingForNetwork, // "Waiting for network…"
        SessionExpired,    // "Session expired — [Sign in]"
        Failed,            // "Could not connect after N attempts — [Retry]"
        Restored,          // "Connected", briefly
    };

    struct View
    {
        Kind kind = Kind::Hidden;
        int seconds = 0;  // Countdown: whole seconds left, rounded up
        int attempts = 0; // Failed: attempts made
        bool neverConnected = false; // Countdown: nothing was lost, the server was never reached
        bool operator==(const View &o) const
        {
            return kind == o.kind && seconds == o.seconds && attempts == o.attempts
                    && neverConnected == o.neverConnected;
        }
        bool operator!=(const View &o) const { return !(*this == o); }
    };

    explicit BannerLogic(Clock clock, const Timing &timing = Timing());

    // nextAttemptInMs: Reconnecting only, the wait before the next attempt. attempts: for Failed.
    void setState(ConnectionState state, qint64 nextAttemptInMs = -1, int attempts = 0);
    ConnectionState state() const { return m_state; }

    View view() const;
    // The state the rest of the status UI (indicator, tray) should show, under the same rules:
    // while an outage is still hidden (a blip, the launch grace) it is the state from before it.
    ConnectionState shownState() const;
    // Milliseconds until view() may change without a new setState(), or -1 if it will not.
    qint64 msUntilChange() const;

    const Timing &timing() const { return m_timing; }
    void setTiming(const Timing &timing) { m_timing = timing; }

private:
    View viewAt(qint64 now) const;
    ConnectionState shownStateAt(qint64 now) const;

    Clock m_clock;
    Timing m_timing;
    ConnectionState m_state = ConnectionState::Disconnected;
    ConnectionState m_stateBeforeOutage = ConnectionState::Disconnected;
    qint64 m_launchAt = 0;
    qint64 m_lostAt = 0;         // when the current outage (or the launch) began
    qint64 m_nextAttemptAt = -1; // absolute, Reconnecting only
    qint64 m_waitTotalMs = 0;    // the full wait of the current Reconnecting
    qint64 m_connectedAt = -1;
    int m_attempts = 0;
    bool m_everConnected = false;
    bool m_showRestored = false;
    bool m_outageVisible = false; // something was on screen during this outage
};

} // namespace Tether
