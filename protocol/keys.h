#pragma once
// Every JSON key of the wire protocol: frames, the HTTP auth API, /health and the JWT payload,
// plus the few fixed JSON values (token type, health status, JWT header). Spelled only here.

#include <QLatin1String>

namespace Tether::Protocol {

namespace Key {
// Frames
inline constexpr QLatin1String Type{ "type" };
inline constexpr QLatin1String Id{ "id" };
inline constexpr QLatin1String Token{ "token" };
inline constexpr QLatin1String User{ "user" };
inline constexpr QLatin1String Protocol{ "protocol" };
inline constexpr QLatin1String Resume{ "resume" };
inline constexpr QLatin1String GuestKey{ "guest_key" };
inline constexpr QLatin1String Conversations{ "conversations" };
inline constexpr QLatin1String Conversation{ "conversation" };
inline constexpr QLatin1String HeartbeatMs{ "heartbeat_ms" };
inline constexpr QLatin1String ServerTime{ "server_time" };
inline constexpr QLatin1String Epoch{ "epoch" };
inline constexpr QLatin1String Title{ "title" };
inline constexpr QLatin1String LastSeq{ "last_seq" };
inline constexpr QLatin1String Seq{ "seq" };
inline constexpr QLatin1String From{ "from" };
inline constexpr QLatin1String Text{ "text" };
inline constexpr QLatin1String Ts{ "ts" };
inline constexpr QLatin1String After{ "after" };
inline constexpr QLatin1String Limit{ "limit" };
inline constexpr QLatin1String Messages{ "messages" };
inline constexpr QLatin1String HasMore{ "has_more" };
inline constexpr QLatin1String More{ "more" };             // synced: conversations with more to page
inline constexpr QLatin1String Code{ "code" };
inline constexpr QLatin1String Message{ "message" };
inline constexpr QLatin1String Reason{ "reason" };
// Long polling (docs/protocol.md): the session, the cursor of the frames taken, and the close.
inline constexpr QLatin1String Session{ "session" };
inline constexpr QLatin1String Cursor{ "cursor" };
inline constexpr QLatin1String Frames{ "frames" };
inline constexpr QLatin1String Close{ "close" };
inline constexpr QLatin1String CloseCode{ "close_code" };
inline constexpr QLatin1String HoldMs{ "hold_ms" };
inline constexpr QLatin1String Accepted{ "accepted" };
inline constexpr QLatin1String Duplicate{ "duplicate" };
inline constexpr QLatin1String RetryAfterMs{ "retry_after_ms" }; // goodbye; error rate_limited
inline constexpr QLatin1String Members{ "members" };              // the "members" reply's list
// The user object ({"id","name","guest"}) also uses Id
inline constexpr QLatin1String Name{ "name" };
inline constexpr QLatin1String Guest{ "guest" };

// HTTP auth API
inline constexpr QLatin1String Username{ "username" };
inline constexpr QLatin1String Password{ "password" };
inline constexpr QLatin1String AccessToken{ "access_token" }; // also the ?access_token= query item
inline constexpr QLatin1String RefreshToken{ "refresh_token" };
inline constexpr QLatin1String ExpiresIn{ "expires_in" };
inline constexpr QLatin1String TokenType{ "token_type" };
inline constexpr QLatin1String Error{ "error" };              // HTTP error body: {"error","message"}

// GET /health
inline constexpr QLatin1String Status{ "status" };
inline constexpr QLatin1String Version{ "version" };
inline constexpr QLatin1String UptimeS{ "uptime_s" };
inline constexpr QLatin1String Connections{ "connections" };
inline constexpr QLatin1String Instance{ "instance" };
inline constexpr QLatin1String Storage{ "storage" };
inline constexpr QLatin1String Broker{ "broker" };

// tether-server's "listening" line on stdout: {"event":"listening","ws":"ws://...","http":"http://..."}
inline constexpr QLatin1String Event{ "event" };
inline constexpr QLatin1String Ws{ "ws" };
inline constexpr QLatin1String Http{ "http" };

// JWT header and payload (the payload's "name" is Name)
inline constexpr QLatin1String Alg{ "alg" };
inline constexpr QLatin1String Typ{ "typ" };
inline constexpr QLatin1String Sub{ "sub" };
inline constexpr QLatin1String Iat{ "iat" };
inline constexpr QLatin1String Exp{ "exp" };
} // namespace Key

// Fixed JSON values.
namespace Value {
inline constexpr QLatin1String Bearer{ "Bearer" };   // token_type, and the Authorization scheme
inline constexpr QLatin1String StatusOk{ "ok" };     // /health "status"
inline constexpr QLatin1String StatusDegraded{ "degraded" }; // /health "status": storage or broker down
inline constexpr QLatin1String JwtAlgorithm{ "HS256" };
inline constexpr QLatin1String JwtType{ "JWT" };
inline constexpr QLatin1String Listening{ "listening" }; // tether-server's stdout "event"
} // namespace Value

} // namespace Tether::Protocol
