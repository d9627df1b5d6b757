#include "inviteframe.h"

#include "frametype.h"
#include "jsonread.h"
#include "protocollimits.h"

namespace Tether::Protocol {

QJsonObject InviteFrame::toJson() const
{
    QJsonObject o{ { Key::Type, FrameType::Invite }, { Key::Conversation, conversation }, { Key::User, user } };
    Detail::insertRequestId(o, requestId);
    return o;
}

std::optional<InviteFrame> InviteFrame::fromJson(const QJsonObject &o, FrameError *error)
{
    if (!Detail::hasType(o, FrameType::Invite, error))
        return std::nullopt;
    const auto conversation = Detail::requiredString(o, Key::Conversation, error);
    const auto user = conversation ? Detail::requiredString(o, Key::User, error, true) : std::nullopt;
    if (!user)
        return std::nullopt;
    if (!Limits::isValidConversationId(*conversation)) {
        Detail::fail(error, ErrorCode::InvalidField,
                     QStringLiteral("conversation ids are 1-%1 of A-Z a-z 0-9 _ . : -").arg(Limits::MaxConversationIdLength));
        return std::nullopt;
    }
    InviteFrame invite;
    invite.conversation = *conversation;
    invite.user = *user;
    invite.requestId = o.value(Key::Id);
    return invite;
}

} // namespace Tether::Protocol
