#include "closecode.h"

#include "keys.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace Tether::Protocol {

QString closeCodeMeaning(int code)
{
    switch (CloseCode(code)) {
    case CloseCode::Normal: return QStringLiteral("normal close");
    case CloseCode::GoingAway: return QStringLiteral("going away");
    case CloseCode::ProtocolError: return QStringLiteral("protocol error");
    case CloseCode::Abnormal: return QStringLiteral("abnormal close (no close frame)");
    case CloseCode::PolicyViolated: return QStringLiteral("policy violation");
    case CloseCode::TooBig: return QStringLiteral("message too big");
    case CloseCode::InternalError: return QStringLiteral("server error");
    case CloseCode::ServiceRestart: return QStringLiteral("server restarting");
    case CloseCode::TryAgainLater: return QStringLiteral("try again later");
    case CloseCode::TokenExpired: return QStringLiteral("token expired");
    case CloseCode::AuthRejected: return QStringLiteral("authentication rejected");
    case CloseCode::SlowConsumer: return QStringLiteral("slow consumer");
    }
    return QString();
}

bool isKnownCloseCode(int code)
{
    return !closeCodeMeaning(code).isEmpty();
}

QString retryAfterReason(qint64 retryAfterMs)
{
    const QJsonObject reason{ { Key::RetryAfterMs, double(retryAfterMs) } };
    return QString::fromUtf8(QJsonDocument(reason).toJson(QJsonDocument::Compact));
}

std::optional<qint64> retryAfterFromReason(const QString &reason)
{
    if (reason.isEmpty())
        return std::nullopt;
    const QJsonValue value = QJsonDocument::fromJson(reason.toUtf8()).object().value(Key::RetryAfterMs);
    if (!value.isDouble())
        return std::nullopt;
    const double ms = value.toDouble();
    // Bounded: a hostile reason must not overflow the conversion.
    if (!std::isfinite(ms) || ms < 0 || ms > 1e12)
        return std::nullopt;
    return qint64(ms);
}

} // namespace Tether::Protocol
