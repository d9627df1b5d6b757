#include "joinframe.h"

#include "frametype.h"
#include "jsonread.h"
#include "protocollimits.h"

namespace Tether::Protocol {

QString JoinFrame::effectiveTitle() const
{
    return title ? title->left(Limits::MaxTitleLength) : conversation;
}

QJsonObject JoinFrame::toJson() const
{
    QJsonObject o{ { Key::Type, FrameType::Join }, { Key::Conversation, conversation } };
    if (title)
        o.insert(Key::Title, *title);
    Detail::insertRequestId(o, requestId);
    return o;
}

std::optional<JoinFrame> JoinFrame::fromJson(const QJsonObject &o, FrameError *error)
{
    if (!Detail::hasType(o, FrameType::Join, error))
        return std::nullopt;
    const QJsonValue conversation = o.value(Key::Conversation);
    if (!conversation.isString()) {
        Detail::fail(error, ErrorCode::MissingField, QStringLiteral("join needs \"conversation\""));
        return std::nullopt;
    }
    if (!Limits::isValidConversationId(conversation.toString())) {
        Detail::fail(error, ErrorCode::InvalidField,
                     QStringLiteral("conversation ids are 1-%1 of A-Z a-z 0-9 _ . : -").arg(Limits::MaxConversationIdLength));
        return std::nullopt;
    }
    JoinFrame join;
    join.conversation = conversation.toString();
    const QJsonValue title = o.value(Key::Title);
    if (title.isString())
        join.title = title.toString();
    join.requestId = o.value(Key::Id);
    return join;
}

} // namespace Tether::Protocol
