#include "closepolicy.h"

#include "closecode.h"

#include <algorithm>

namespace Tether {

using Protocol::CloseCode;

int retryAfterFromReason(const QString &reason)
{
    const std::optional<qint64> ms = Protocol::retryAfterFromReason(reason);
    if (!ms)
        return -1;
    return static_cast<int>(std::min<qint64>(*ms, MaxRetryAfterMs));
}

static bool isAuthFailure(const CloseInfo &info)
{
    // Only 4001 and a 401 on the upgrade speak about the token. 1008 is our server's rate limit:
    // taking it as an auth failure once signed users out for typing too fast.
    return info.handshakeUnauthorized || info.code == Protocol::toInt(CloseCode::TokenExpired);
}

static bool isTerminal(int code)
{
    return code == Protocol::toInt(CloseCode::AuthRejected) || (code >= FirstTerminalCode && code <= LastTerminalCode);
}

CloseDecision decideAfterClose(const CloseInfo &info, bool authRetryUsed, bool anonymous)
{
    CloseDecision decision;
    if (info.code == Protocol::toInt(CloseCode::Normal) && !info.handshakeUnauthorized) {
        decision.action = CloseDecision::Action::Stay;
        return decision;
    }
    if (isTerminal(info.code) && !info.handshakeUnauthorized) {
        decision.action = CloseDecision::Action::SignOut;
        return decision;
    }
    if (isAuthFailure(info)) {
        if (!authRetryUsed)
            decision.action = CloseDecision::Action::RefreshAndReconnect;
        else
            // The one retry was refused too. A guest has nothing to refresh or sign out of
            // (1008 may also be rate limiting), so it keeps reconnecting with backoff.
            decision.action = anonymous ? CloseDecision::Action::Reconnect : CloseDecision::Action::SignOut;
    } else {
        decision.action = CloseDecision::Action::Reconnect;
    }

    if (info.code == Protocol::toInt(CloseCode::TryAgainLater))
        decision.delayFloorMs = TryAgainLaterFloorMs;
    if (info.code == Protocol::toInt(CloseCode::PolicyViolated) || info.code == Protocol::toInt(CloseCode::SlowConsumer))
        decision.delayFloorMs = PolicyCloseFloorMs;
    const int retryAfter = retryAfterFromReason(info.reason);
    if (retryAfter >= 0 && decision.action != CloseDecision::Action::SignOut) {
        decision.delayFloorMs = retryAfter; // the server knows its own load better than our default
        decision.serverSpread = true;
    }
    return decision;
}

} // namespace Tether
