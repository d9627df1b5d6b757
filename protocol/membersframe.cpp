#include "membersframe.h"

#include "frametype.h"
#include "jsonread.h"

#include <QJsonArray>

namespace Tether::Protocol {

QJsonObject MembersFrame::toJson() const
{
    QJsonObject o{ { Key::Type, FrameType::Members }, { Key::Conversation, conversation },
                   { Key::Members, QJsonArray::fromStringList(members) } };
    Detail::insertRequestId(o, requestId);
    return o;
}

std::optional<MembersFrame> MembersFrame::fromJson(const QJsonObject &o, FrameError *error)
{
    if (!Detail::hasType(o, FrameType::Members, error))
        return std::nullopt;
    const auto conversation = Detail::requiredString(o, Key::Conversation, error, true);
    if (!conversation)
        return std::nullopt;
    const QJsonValue members = o.value(Key::Members);
    if (!members.isArray()) {
        Detail::fail(error, ErrorCode::MissingField, QStringLiteral("\"members\" (an array) is required"));
        return std::nullopt;
    }
    MembersFrame reply;
    reply.conversation = *conversation;
    const QJsonArray list = members.toArray();
    for (const QJsonValue &member : list) {
        if (!member.isString() || member.toString().isEmpty()) {
            Detail::fail(error, ErrorCode::InvalidField, QStringLiteral("\"members\" holds non-empty strings only"));
            return std::nullopt;
        }
        reply.members.append(member.toString());
    }
    reply.requestId = o.value(Key::Id);
    return reply;
}

} // namespace Tether::Protocol
