#pragma once
// The connection's transition table: (state, event, conditions) -> next state + actions. Pure and
// I/O-free; ConnectionManager classifies what happened into an Event and performs the Actions.

#include "connectionstate.h"

#include <QString>

namespace Tether {

class ConnectionStateMachine
{
public:
    enum class Event {
        Open,               // user open()
        Close,              // user close()
        ReconnectNow,       // user reconnectNow(): skip the wait, even if the monitor says offline
        Probe,              // user probe(), network changed, resumed from sleep
        RetryDue,           // the backoff wait is over
        HandshakeSucceeded, // the WebSocket upgrade completed
        SocketLost,         // the socket ended and the close policy says reconnect (or the attempt failed)
        ClosedNormally,     // the server closed and the policy says stay closed (1000)
        AuthRejected,       // 4001/HTTP 401, first time: refresh (if possible) and reconnect once
        Terminal,           // 4003, 4500-4999, or auth refused again: signed out
        TokenDue,           // while connected: the proactive refresh time has come
        RefreshSucceeded,
        RefreshFailed,      // network error / 5xx: retry with backoff
        RefreshRejected,    // 400/401: the refresh token is dead
        NetworkDown,
        NetworkUp,
    };
    static constexpr int EventCount = int(Event::NetworkUp) + 1;
    static constexpr int StateCount = int(ConnectionState::Failed) + 1;

    enum Action : unsigned {
        NoAction = 0,
        OpenSocket = 1u << 0,      // start a fresh Transport attempt (counts an attempt)
        AbortSocket = 1u << 1,     // kill the current socket without a close handshake
        CloseSocket = 1u << 2,     // close the current socket gracefully with 1000
        StartRefresh = 1u << 3,    // refresh the access token (joins a refresh already running)
        ScheduleRetry = 1u << 4,   // arm the backoff timer (emits reconnectScheduled)
        StartSession = 1u << 5,    // connected: auth message, flush the queue, heartbeat, timers
        SendProbe = 1u << 6,       // a ping with the short probe timeout
        RetryRefreshLater = 1u << 7, // proactive refresh failed transiently: try again after a backoff delay
    };
    using Actions = unsigned;

    // Facts the manager knows when the event happens; they pick between otherwise equal rows.
    struct Conditions
    {
        bool online = true;       // the network monitor says so (Unknown counts as online)
        bool tokenDue = false;    // the access token is expired, nearly expired, missing or broken
        bool canRefresh = false;  // a refresh token and a refresh URL are set
        bool attemptsLeft = true; // the backoff policy allows the next attempt
    };

    struct Transition
    {
        ConnectionState next = ConnectionState::Disconnected;
        Actions actions = NoAction;
        bool handled = false; // false: the event is ignored in this state (nothing changes)
    };

    static Transition transition(ConnectionState from, Event event, const Conditions &conditions);

    static QString eventName(Event event);   // "retry_due"
    static QString actionNames(Actions actions); // "open_socket|schedule_retry", "none"
};

} // namespace Tether
