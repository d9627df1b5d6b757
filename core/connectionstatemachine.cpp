#include "connectionstatemachine.h"

#include <QStringList>

namespace Tether {

using S = ConnectionState;
using E = ConnectionStateMachine::Event;
using T = ConnectionStateMachine::Transition;
using M = ConnectionStateMachine;

namespace {

T to(S next, M::Actions actions = M::NoAction)
{
    return T { next, actions, true };
}

T ignore(S from)
{
    return T { from, M::NoAction, false };
}

// Start an attempt now: wait for the network, refresh a due token first, or open the socket.
T begin(const M::Conditions &c, bool ignoreOffline = false)
{
    if (!c.online && !ignoreOffline)
        return to(S::WaitingForNetwork);
    if (c.tokenDue && c.canRefresh)
        return to(S::RefreshingToken, M::StartRefresh);
    return to(S::Connecting, M::OpenSocket);
}

// An attempt failed or the link dropped: wait for the network, give up, or back off.
T retry(const M::Conditions &c)
{
    if (!c.online)
        return to(S::WaitingForNetwork);
    if (!c.attemptsLeft)
        return to(S::Failed);
    return to(S::Reconnecting, M::ScheduleRetry);
}

// Refused once: refresh if we can, otherwise reconnect once with the credentials we have.
T reauth(const M::Conditions &c)
{
    if (c.canRefresh)
        return to(S::RefreshingToken, M::StartRefresh);
    if (!c.online)
        return to(S::WaitingForNetwork);
    return to(S::Connecting, M::OpenSocket);
}

} // namespace

M::Transition ConnectionStateMachine::transition(ConnectionState from, Event event, const Conditions &c)
{
    // close() always wins: stop everything, keep the queue.
    if (event == E::Close) {
        switch (from) {
        case S::Disconnected: return ignore(from);
        case S::Connecting: return to(S::Disconnected, AbortSocket);
        case S::Connected: return to(S::Disconnected, CloseSocket);
        default: return to(S::Disconnected);
        }
    }

    switch (from) {
    case S::Disconnected:
    case S::SignedOut:
        if (event == E::Open)
            return begin(c);
        return ignore(from);

    case S::Failed:
        if (event == E::Open)
            return begin(c);
        if (event == E::ReconnectNow)
            return begin(c, true);
        return ignore(from);

    case S::Connecting:
        switch (event) {
        case E::HandshakeSucceeded: return to(S::Connected, StartSession);
        case E::SocketLost: return retry(c);
        case E::ClosedNormally: return to(S::Disconnected);
        case E::AuthRejected: return reauth(c);
        case E::Terminal: return to(S::SignedOut);
        case E::RefreshRejected: return to(S::SignedOut, AbortSocket);
        case E::NetworkDown: return to(S::WaitingForNetwork, AbortSocket);
        default: return ignore(from);
        }

    case S::Connected:
        switch (event) {
        case E::Probe:
        case E::NetworkDown: // the OS may be wrong (or the link is loopback): ask the server
        case E::NetworkUp: return to(S::Connected, SendProbe);
        case E::SocketLost: return retry(c);
        case E::ClosedNormally: return to(S::Disconnected);
        case E::AuthRejected: return reauth(c);
        case E::Terminal: return to(S::SignedOut);
        case E::TokenDue: return c.canRefresh ? to(S::Connected, StartRefresh) : ignore(from);
        case E::RefreshSucceeded: return to(S::Connected);
        case E::RefreshFailed: return to(S::Connected, RetryRefreshLater);
        case E::RefreshRejected: return to(S::SignedOut, CloseSocket);
        default: return ignore(from);
        }

    case S::Reconnecting:
        switch (event) {
        case E::ReconnectNow: return begin(c, true);
        case E::Probe:
        case E::RetryDue:
        case E::NetworkUp: return begin(c);
        case E::RefreshRejected: return to(S::SignedOut);
        case E::NetworkDown: return to(S::WaitingForNetwork);
        default: return ignore(from);
        }

    case S::WaitingForNetwork:
        switch (event) {
        case E::ReconnectNow: return begin(c, true);
        case E::Probe: return begin(c);
        case E::NetworkUp: return begin(c);
        case E::RefreshRejected: return to(S::SignedOut);
        default: return ignore(from);
        }

    case S::RefreshingToken:
        switch (event) {
        case E::RefreshSucceeded: return c.online ? to(S::Connecting, OpenSocket) : to(S::WaitingForNetwork);
        case E::RefreshFailed: return retry(c);
        case E::RefreshRejected: return to(S::SignedOut);
        case E::NetworkDown: return to(S::WaitingForNetwork);
        default: return ignore(from);
        }
    }
    return ignore(from);
}

QString ConnectionStateMachine::eventName(Event event)
{
    switch (event) {
    case E::Open: return QStringLiteral("open");
    case E::Close: return QStringLiteral("close");
    case E::ReconnectNow: return QStringLiteral("reconnect_now");
    case E::Probe: return QStringLiteral("probe");
    case E::RetryDue: return QStringLiteral("retry_due");
    case E::HandshakeSucceeded: return QStringLiteral("handshake_succeeded");
    case E::SocketLost: return QStringLiteral("socket_lost");
    case E::ClosedNormally: return QStringLiteral("closed_normally");
    case E::AuthRejected: return QStringLiteral("auth_rejected");
    case E::Terminal: return QStringLiteral("terminal");
    case E::TokenDue: return QStringLiteral("token_due");
    case E::RefreshSucceeded: return QStringLiteral("refresh_succeeded");
    case E::RefreshFailed: return QStringLiteral("refresh_failed");
    case E::RefreshRejected: return QStringLiteral("refresh_rejected");
    case E::NetworkDown: return QStringLiteral("network_down");
    case E::NetworkUp: return QStringLiteral("network_up");
    }
    return QStringLiteral("unknown");
}

QString ConnectionStateMachine::actionNames(Actions actions)
{
    static const struct { Action action; const char *name; } names[] = {
        { OpenSocket, "open_socket" },     { AbortSocket, "abort_socket" },
        { CloseSocket, "close_socket" },   { StartRefresh, "start_refresh" },
        { ScheduleRetry, "schedule_retry" }, { StartSession, "start_session" },
        { SendProbe, "send_probe" },       { RetryRefreshLater, "retry_refresh_later" },
    };
    QStringList parts;
    for (const auto &n : names) {
        if (actions & n.action)
            parts << QLatin1String(n.name);
    }
    return parts.isEmpty() ? QStringLiteral("none") : parts.join(QLatin1Char('|'));
}

} // namespace Tether
