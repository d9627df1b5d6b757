#include "historyrequestframe.h"

#include "frametype.h"
#include "jsonread.h"
#include "protocollimits.h"

namespace Tether::Protocol {

int HistoryRequestFrame::effectiveLimit() const
{
    return limit == 0 ? Limits::HistoryPageDefault : qBound(1, limit, Limits::HistoryPageMax);
}

QJsonObject HistoryRequestFrame::toJson() const
{
    QJsonObject o{ { Key::Type, FrameType::History }, { Key::Conversation, conversation },
                   { Key::After, double(after) } };
    if (limit != 0)
        o.insert(Key::Limit, limit);
    Detail::insertRequestId(o, requestId);
    return o;
}

std::optional<HistoryRequestFrame> HistoryRequestFrame::fromJson(const QJsonObject &o, FrameError *error)
{
    if (!Detail::hasType(o, FrameType::History, error))
        return std::nullopt;
    HistoryRequestFrame request;
    request.requestId = o.value(Key::Id);
    const QJsonValue conversation = o.value(Key::Conversation);
    if (!conversation.isString()) {
        Detail::fail(error, ErrorCode::MissingField, QStringLiteral("history needs \"conversation\""));
        return std::nullopt;
    }
    request.conversation = conversation.toString();
    request.after = Detail::toCount(o.value(Key::After));
    // toInt() keeps only whole numbers that fit an int; the clamp makes 0 and negatives 1.
    request.limit = qBound(1, o.value(Key::Limit).toInt(Limits::HistoryPageDefault), Limits::HistoryPageMax);
    return request;
}

} // namespace Tether::Protocol
