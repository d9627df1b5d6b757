#include "errorframe.h"

#include "frametype.h"
#include "jsonread.h"

namespace Tether::Protocol {

QString ErrorFrame::wireCode() const
{
    return codeName.isEmpty() ? QString(wireName(code)) : codeName;
}

QJsonObject ErrorFrame::toJson() const
{
    QJsonObject o{ { Key::Type, FrameType::Error }, { Key::Code, wireCode() }, { Key::Message, message } };
    if (!requestId.isUndefined() && !requestId.isNull())
        o.insert(Key::Id, requestId);
    if (retryAfterMs)
        o.insert(Key::RetryAfterMs, double(qMax<qint64>(0, *retryAfterMs)));
    return o;
}

std::optional<ErrorFrame> ErrorFrame::fromJson(const QJsonObject &o, FrameError *error)
{
    if (!Detail::hasType(o, FrameType::Error, error))
        return std::nullopt;
    const auto code = Detail::requiredString(o, Key::Code, error, true);
    const auto message = code ? Detail::optionalString(o, Key::Message, error) : std::nullopt;
    if (!message)
        return std::nullopt;
    ErrorFrame frame(fromWireName(*code), *message, o.value(Key::Id));
    frame.codeName = *code;
    const QJsonValue retryAfter = o.value(Key::RetryAfterMs);
    if (retryAfter.isDouble())
        frame.retryAfterMs = Detail::toCount(retryAfter);
    return frame;
}

} // namespace Tether::Protocol
