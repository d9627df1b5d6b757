#include "goodbyeframe.h"

#include "frametype.h"
#include "jsonread.h"

namespace Tether::Protocol {

GoodbyeFrame GoodbyeFrame::forClose(int code, const QString &reason)
{
    GoodbyeFrame goodbye;
    goodbye.code = code;
    goodbye.reason = reason;
    goodbye.retryAfterMs = retryAfterFromReason(reason);
    return goodbye;
}

QJsonObject GoodbyeFrame::toJson() const
{
    QJsonObject o{ { Key::Type, FrameType::Goodbye }, { Key::Code, code }, { Key::Reason, reason } };
    if (retryAfterMs)
        o.insert(Key::RetryAfterMs, double(*retryAfterMs));
    return o;
}

std::optional<GoodbyeFrame> GoodbyeFrame::fromJson(const QJsonObject &o, FrameError *error)
{
    if (!Detail::hasType(o, FrameType::Goodbye, error))
        return std::nullopt;
    const QJsonValue code = o.value(Key::Code);
    if (!code.isDouble()) {
        Detail::fail(error, ErrorCode::MissingField, QStringLiteral("\"code\" (a number) is required"));
        return std::nullopt;
    }
    const int value = code.toInt(-1);
    if (value < 1000 || value > 4999) {
        Detail::fail(error, ErrorCode::InvalidField, QStringLiteral("\"code\" is not a close code"));
        return std::nullopt;
    }
    const auto reason = Detail::optionalString(o, Key::Reason, error);
    if (!reason)
        return std::nullopt;
    GoodbyeFrame goodbye;
    goodbye.code = value;
    goodbye.reason = *reason;
    const QJsonValue retry = o.value(Key::RetryAfterMs);
    if (retry.isDouble() && retry.toDouble() >= 0)
        goodbye.retryAfterMs = Detail::toCount(retry);
    else
        goodbye.retryAfterMs = retryAfterFromReason(*reason);
    return goodbye;
}

} // namespace Tether::Protocol
