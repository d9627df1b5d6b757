#pragma once
// The states of a connection, shared by the engine, its transition table, the CLI and the UI.

#include <QObject>
#include <QString>

namespace Tether {
Q_NAMESPACE

enum class ConnectionState {
    Disconnected,      // idle, or closed by the user
    Connecting,        // an attempt is under way (TCP, TLS, upgrade, first-message auth)
    Connected,
    Reconnecting,      // waiting for the next attempt; nextAttemptAt() says when
    WaitingForNetwork, // offline: no attempts are spent until the network returns
    RefreshingToken,   // the access token is being refreshed before a (re)connect
    SignedOut,         // authentication definitively refused, or a terminal close (banned, replaced)
    Failed,            // max attempts exhausted
};
Q_ENUM_NS(ConnectionState)

// lower_snake_case name used on the wire of tether-cli and in reports: "waiting_for_network".
QString connectionStateName(ConnectionState state);

} // namespace Tether
