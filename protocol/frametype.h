#pragma once
// The "type" of every frame of the Tether wire protocol v1 (docs/protocol.md), spelled once for
// both ends. QLatin1String works with QJsonObject and QString comparisons under QT_NO_CAST_FROM_ASCII.

#include <QLatin1String>

namespace Tether::Protocol::FrameType {

// Client -> server
inline constexpr QLatin1String Auth{ "auth" };
inline constexpr QLatin1String Hello{ "hello" };
inline constexpr QLatin1String Send{ "send" };
inline constexpr QLatin1String History{ "history" }; // also the server's reply
inline constexpr QLatin1String Join{ "join" };
inline constexpr QLatin1String Leave{ "leave" };
inline constexpr QLatin1String Typing{ "typing" };   // both directions
inline constexpr QLatin1String Ping{ "ping" };
inline constexpr QLatin1String Invite{ "invite" };
inline constexpr QLatin1String Members{ "members" }; // also the server's reply

// Server -> client
inline constexpr QLatin1String AuthOk{ "auth_ok" };
inline constexpr QLatin1String Welcome{ "welcome" };
inline constexpr QLatin1String Message{ "message" };
inline constexpr QLatin1String Synced{ "synced" };
inline constexpr QLatin1String Ack{ "ack" };
inline constexpr QLatin1String Joined{ "joined" };
inline constexpr QLatin1String Left{ "left" };
inline constexpr QLatin1String Pong{ "pong" };
inline constexpr QLatin1String Error{ "error" };
inline constexpr QLatin1String Goodbye{ "goodbye" };

} // namespace Tether::Protocol::FrameType
