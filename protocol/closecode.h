#pragma once
// WebSocket close codes of the protocol with their meaning, and the {"retry_after_ms":N} close
// reason. Model: QWebSocketProtocol::CloseCode, which stops at the RFC 6455 codes.

#include <QString>

#include <optional>

namespace Tether::Protocol {

enum class CloseCode : int {
    Normal = 1000,          // normal close
    GoingAway = 1001,       // idle timeout (no bytes for idle_timeout), or a client leaving
    ProtocolError = 1002,   // also what Qt 6.4 reports for 1012-2999: see GoodbyeFrame
    Abnormal = 1006,        // never sent: the connection dropped without a close frame
    PolicyViolated = 1008,  // rate limit violated persistently
    TooBig = 1009,          // a frame or message over Limits::MaxFrameBytes
    InternalError = 1011,   // the server hit an unexpected condition
    ServiceRestart = 1012,  // restart/shutdown, reason {"retry_after_ms":N}
    TryAgainLater = 1013,   // over the server's connection limit
    TokenExpired = 4001,    // access token expired: refresh, reconnect
    AuthRejected = 4003,    // token invalid/forged/unknown user, or guests not allowed: sign out
    SlowConsumer = 4008,    // reserved: the client does not read its frames fast enough
};

constexpr int toInt(CloseCode code) { return int(code); }

// A short English meaning ("normal close", "token expired"...), empty for codes not listed above.
QString closeCodeMeaning(int code);
inline QString closeCodeMeaning(CloseCode code) { return closeCodeMeaning(toInt(code)); }
// True for the codes of CloseCode.
bool isKnownCloseCode(int code);

// The close reason of ServiceRestart: {"retry_after_ms":N} (compact JSON).
QString retryAfterReason(qint64 retryAfterMs);
// N from such a reason; nullopt when the reason is not a JSON object with a numeric retry_after_ms
// that is >= 0.
std::optional<qint64> retryAfterFromReason(const QString &reason);

} // namespace Tether::Protocol
