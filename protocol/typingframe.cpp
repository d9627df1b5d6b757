#include "typingframe.h"

#include "frametype.h"
#include "jsonread.h"

namespace Tether::Protocol {

QJsonObject TypingFrame::toJson() const
{
    QJsonObject o{ { Key::Type, FrameType::Typing }, { Key::Conversation, conversation } };
    if (!from.isEmpty())
        o.insert(Key::From, from);
    return o;
}

std::optional<TypingFrame> TypingFrame::fromJson(const QJsonObject &o, FrameError *error)
{
    if (!Detail::hasType(o, FrameType::Typing, error))
        return std::nullopt;
    const QJsonValue conversation = o.value(Key::Conversation);
    if (!conversation.isString()) {
        Detail::fail(error, ErrorCode::MissingField, QStringLiteral("typing needs \"conversation\""));
        return std::nullopt;
    }
    const auto from = Detail::optionalString(o, Key::From, error);
    if (!from)
        return std::nullopt;
    TypingFrame typing;
    typing.conversation = conversation.toString();
    typing.from = *from;
    return typing;
}

} // namespace Tether::Protocol
