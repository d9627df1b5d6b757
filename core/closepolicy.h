#pragma once
// What to do after a connection ends: the close-code policy as one pure function (docs/connection.md).

#include "closecode.h"

#include <QString>

namespace Tether {

struct CloseInfo
{
    int code = Protocol::toInt(Protocol::CloseCode::Abnormal); // the socket died without a close frame
    QString reason;                     // may carry the server's retry-after (Protocol::retryAfterReason)
    bool handshakeUnauthorized = false; // HTTP 401 on the upgrade request
};

struct CloseDecision
{
    enum class Action {
        Stay,                // closed on purpose: no reconnect
        Reconnect,           // reconnect with backoff
        RefreshAndReconnect, // refresh the token (if possible), then reconnect once
        SignOut,             // terminal: refused, banned, or replaced
    };
    Action action = Action::Reconnect;
    int delayFloorMs = 0;      // > 0: wait at least this long before the next attempt
    bool serverSpread = false; // delayFloorMs is the server's retry_after_ms: use it as the delay
};

// A close with TryAgainLater (1013) waits at least this long.
inline constexpr int TryAgainLaterFloorMs = 5000;
// A policy close (1008: rate limit, 4008: slow consumer) waits at least this long: reconnecting at
// once would only repeat what the server just refused. It says nothing about the token.
inline constexpr int PolicyCloseFloorMs = 5000;
// retry_after_ms beyond this is treated as this: a misconfigured server must not park clients for days.
inline constexpr int MaxRetryAfterMs = 10 * 60 * 1000;
// Besides 4003 (AuthRejected), the client treats this private-use range as "ended for good": an
// application server may use it to ban, replace or retire a session.
inline constexpr int FirstTerminalCode = 4500;
inline constexpr int LastTerminalCode = 4999;

// authRetryUsed: an auth failure already led to one refresh-and-reconnect that was refused again.
// anonymous: the session has no tokens at all; guests always reconnect and never sign out on auth codes.
CloseDecision decideAfterClose(const CloseInfo &info, bool authRetryUsed, bool anonymous);

// The server's {"retry_after_ms": N} in a close reason (Protocol::retryAfterFromReason), capped at
// MaxRetryAfterMs; -1 when absent or malformed.
int retryAfterFromReason(const QString &reason);

} // namespace Tether
