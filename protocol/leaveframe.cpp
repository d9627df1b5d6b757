#include "leaveframe.h"

#include "frametype.h"
#include "jsonread.h"

namespace Tether::Protocol {

QJsonObject LeaveFrame::toJson() const
{
    QJsonObject o{ { Key::Type, FrameType::Leave }, { Key::Conversation, conversation } };
    Detail::insertRequestId(o, requestId);
    return o;
}

std::optional<LeaveFrame> LeaveFrame::fromJson(const QJsonObject &o, FrameError *error)
{
    if (!Detail::hasType(o, FrameType::Leave, error))
        return std::nullopt;
    const QJsonValue conversation = o.value(Key::Conversation);
    if (!conversation.isString()) {
        Detail::fail(error, ErrorCode::MissingField, QStringLiteral("leave needs \"conversation\""));
        return std::nullopt;
    }
    LeaveFrame leave;
    leave.conversation = conversation.toString();
    leave.requestId = o.value(Key::Id);
    return leave;
}

} // namespace Tether::Protocol
