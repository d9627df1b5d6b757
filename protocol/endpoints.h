#pragma once
// The HTTP paths of the one server port: the WebSocket endpoint, the JSON auth API and long polling.

#include <QLatin1String>

namespace Tether::Protocol::Path {

inline constexpr QLatin1String WebSocket{ "/ws" };
inline constexpr QLatin1String Health{ "/health" };
inline constexpr QLatin1String Metrics{ "/metrics" }; // Prometheus text format (docs/operations.md)
inline constexpr QLatin1String Login{ "/api/auth/login" };
inline constexpr QLatin1String Refresh{ "/api/auth/refresh" };
inline constexpr QLatin1String Register{ "/api/auth/register" };
// HTTP long-polling, the fallback transport when WebSocket is blocked (docs/protocol.md).
inline constexpr QLatin1String PollOpen{ "/api/poll/open" };
inline constexpr QLatin1String Poll{ "/api/poll" };
inline constexpr QLatin1String PollSend{ "/api/poll/send" };
inline constexpr QLatin1String PollClose{ "/api/poll/close" };

} // namespace Tether::Protocol::Path
