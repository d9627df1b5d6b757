#include "connectionevent.h"

namespace Tether {

QString connectionEventKindName(ConnectionEvent::Kind kind)
{
    switch (kind) {
    case ConnectionEvent::Kind::State: return QStringLiteral("state");
    case ConnectionEvent::Kind::Attempt: return QStringLiteral("attempt");
    case ConnectionEvent::Kind::Connected: return QStringLiteral("connected");
    case ConnectionEvent::Kind::Closed: return QStringLiteral("closed");
    case ConnectionEvent::Kind::Error: return QStringLiteral("error");
    case ConnectionEvent::Kind::TokenRefresh: return QStringLiteral("token_refresh");
    case ConnectionEvent::Kind::Network: return QStringLiteral("network");
    case ConnectionEvent::Kind::Heartbeat: return QStringLiteral("heartbeat");
    case ConnectionEvent::Kind::Info: return QStringLiteral("info");
    }
    return QStringLiteral("info");
}

} // namespace Tether
