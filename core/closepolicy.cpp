#include "closepolicy.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace Tether {

int retryAfterFromReason(const QString &reason)
{
    if (!reason.trimmed().startsWith(QLatin1Char('{')))
        return -1;
    const QJsonDocument doc = QJsonDocument::fromJson(reason.toUtf8());
    const QJsonValue value = doc.object().value(QLatin1String("retry_after_ms"));
    if (!value.isDouble() || value.toDouble() < 0)
        return -1;
    return static_cast<int>(std::min<double>(value.toDouble(), MaxRetryAfterMs));
}

static bool isAuthFailure(const CloseInfo &info)
{
    return info.handshakeUnauthorized || info.code == 1008 || info.code == 4001;
}

static bool isTerminal(int code)
{
    return code == 4003 || (code >= 4500 && code <= 4999);
}

CloseDecision decideAfterClose(const CloseInfo &info, bool authRetryUsed, bool anonymous)
{
    CloseDecision decision;
    if (info.code == 1000 && !info.handshakeUnauthorized) {
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

    if (info.code == 1013)
        decision.delayFloorMs = TryAgainLaterFloorMs;
    const int retryAfter = retryAfterFromReason(info.reason);
    if (retryAfter >= 0 && decision.action != CloseDecision::Action::SignOut) {
        decision.delayFloorMs = retryAfter; // the server knows its own load better than our default
        decision.serverSpread = true;
    }
    return decision;
}

} // namespace Tether
