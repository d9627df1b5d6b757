#include "connectionstate.h"

namespace Tether {

QString connectionStateName(ConnectionState state)
{
    switch (state) {
    case ConnectionState::Disconnected: return QStringLiteral("disconnected");
    case ConnectionState::Connecting: return QStringLiteral("connecting");
    case ConnectionState::Connected: return QStringLiteral("connected");
    case ConnectionState::Reconnecting: return QStringLiteral("reconnecting");
    case ConnectionState::WaitingForNetwork: return QStringLiteral("waiting_for_network");
    case ConnectionState::RefreshingToken: return QStringLiteral("refreshing_token");
    case ConnectionState::SignedOut: return QStringLiteral("signed_out");
    case ConnectionState::Failed: return QStringLiteral("failed");
    }
    return QStringLiteral("unknown");
}

} // namespace Tether
