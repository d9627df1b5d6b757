#pragma once
// The HTTP paths of the one server port: the WebSocket endpoint and the JSON auth API.

#include <QLatin1String>

namespace Tether::Protocol::Path {

inline constexpr QLatin1String WebSocket{ "/ws" };
inline constexpr QLatin1String Health{ "/health" };
inline constexpr QLatin1String Metrics{ "/metrics" }; // Prometheus text format (docs/operations.md)
inline constexpr QLatin1String Login{ "/api/auth/login" };
inline constexpr QLatin1String Refresh{ "/api/auth/refresh" };
inline constexpr QLatin1String Register{ "/api/auth/register" };

} // namespace Tether::Protocol::Path
