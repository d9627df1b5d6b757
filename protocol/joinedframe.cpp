#include "joinedframe.h"

#include "frametype.h"
#include "jsonread.h"

namespace Tether::Protocol {

QJsonObject JoinedFrame::toJson() const
{
    QJsonObject o{ { Key::Type, FrameType::Joined }, { Key::Conversation, conversation.toJson() },
                   { Key::User, user } };
    Detail::insertRequestId(o, requestId);
    return o;
}

std::optional<JoinedFrame> JoinedFrame::fromJson(const QJsonObject &o, FrameError *error)
{
    if (!Detail::hasType(o, FrameType::Joined, error))
        return std::nullopt;
    const QJsonValue conversation = o.value(Key::Conversation);
    if (!conversation.isObject()) {
        Detail::fail(error, ErrorCode::MissingField, QStringLiteral("\"conversation\" (an object) is required"));
        return std::nullopt;
    }
    const auto info = ConversationInfo::fromJson(conversation.toObject(), error);
    const auto user = info ? Detail::requiredString(o, Key::User, error, true) : std::nullopt;
    if (!user)
        return std::nullopt;
    JoinedFrame joined;
    joined.conversation = *info;
    joined.user = *user;
    joined.requestId = o.value(Key::Id);
    return joined;
}

} // namespace Tether::Protocol
