#include "membersrequestframe.h"

#include "frametype.h"
#include "jsonread.h"

namespace Tether::Protocol {

QJsonObject MembersRequestFrame::toJson() const
{
    QJsonObject o{ { Key::Type, FrameType::Members }, { Key::Conversation, conversation } };
    Detail::insertRequestId(o, requestId);
    return o;
}

std::optional<MembersRequestFrame> MembersRequestFrame::fromJson(const QJsonObject &o, FrameError *error)
{
    if (!Detail::hasType(o, FrameType::Members, error))
        return std::nullopt;
    const auto conversation = Detail::requiredString(o, Key::Conversation, error);
    if (!conversation)
        return std::nullopt;
    MembersRequestFrame request;
    request.conversation = *conversation;
    request.requestId = o.value(Key::Id);
    return request;
}

} // namespace Tether::Protocol
