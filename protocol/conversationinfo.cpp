#include "conversationinfo.h"

#include "jsonread.h"
#include "protocollimits.h"

namespace Tether::Protocol {

QJsonObject ConversationInfo::toJson() const
{
    return QJsonObject{ { Key::Id, id }, { Key::Title, title }, { Key::LastSeq, double(lastSeq) } };
}

std::optional<ConversationInfo> ConversationInfo::fromJson(const QJsonObject &o, FrameError *error)
{
    const auto id = Detail::requiredString(o, Key::Id, error);
    if (!id)
        return std::nullopt;
    if (!Limits::isValidConversationId(*id)) {
        Detail::fail(error, ErrorCode::InvalidField, QStringLiteral("not a valid conversation id"));
        return std::nullopt;
    }
    const auto title = Detail::optionalString(o, Key::Title, error);
    if (!title)
        return std::nullopt;
    const QJsonValue lastSeq = o.value(Key::LastSeq);
    if (!lastSeq.isUndefined() && !lastSeq.isDouble()) {
        Detail::fail(error, ErrorCode::MissingField, QStringLiteral("\"last_seq\" must be a number"));
        return std::nullopt;
    }
    ConversationInfo info;
    info.id = *id;
    info.title = o.contains(Key::Title) ? *title : *id;
    info.lastSeq = Detail::toCount(lastSeq);
    return info;
}

} // namespace Tether::Protocol
