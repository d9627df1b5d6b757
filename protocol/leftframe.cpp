#include "leftframe.h"

#include "frametype.h"
#include "jsonread.h"

namespace Tether::Protocol {

QJsonObject LeftFrame::toJson() const
{
    QJsonObject o{ { Key::Type, FrameType::Left }, { Key::Conversation, conversation }, { Key::User, user } };
    Detail::insertRequestId(o, requestId);
    return o;
}

std::optional<LeftFrame> LeftFrame::fromJson(const QJsonObject &o, FrameError *error)
{
    if (!Detail::hasType(o, FrameType::Left, error))
        return std::nullopt;
    const auto conversation = Detail::requiredString(o, Key::Conversation, error, true);
    const auto user = conversation ? Detail::requiredString(o, Key::User, error, true) : std::nullopt;
    if (!user)
        return std::nullopt;
    LeftFrame left;
    left.conversation = *conversation;
    left.user = *user;
    left.requestId = o.value(Key::Id);
    return left;
}

} // namespace Tether::Protocol
