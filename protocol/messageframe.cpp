#include "messageframe.h"

#include "frametype.h"
#include "jsonread.h"

namespace Tether::Protocol {

QJsonObject MessageFrame::toJson(Form form) const
{
    QJsonObject o{ { Key::Conversation, conversation }, { Key::Seq, double(seq) }, { Key::Id, id },
                   { Key::From, from }, { Key::Text, text }, { Key::Ts, double(ts) } };
    if (form == Form::Frame)
        o.insert(Key::Type, FrameType::Message);
    return o;
}

std::optional<MessageFrame> MessageFrame::fromJson(const QJsonObject &o, FrameError *error)
{
    if (o.contains(Key::Type) && !Detail::hasType(o, FrameType::Message, error))
        return std::nullopt;
    MessageFrame m;
    const auto conversation = Detail::requiredString(o, Key::Conversation, error, true);
    if (!conversation)
        return std::nullopt;
    const auto seq = Detail::requiredCount(o, Key::Seq, error);
    if (!seq)
        return std::nullopt;
    if (*seq < 1) {
        Detail::fail(error, ErrorCode::InvalidField, QStringLiteral("\"seq\" must be at least 1"));
        return std::nullopt;
    }
    const auto id = Detail::optionalString(o, Key::Id, error);
    const auto from = id ? Detail::optionalString(o, Key::From, error) : std::nullopt;
    const auto text = from ? Detail::optionalString(o, Key::Text, error) : std::nullopt;
    if (!text)
        return std::nullopt;
    const QJsonValue ts = o.value(Key::Ts);
    if (!ts.isUndefined() && !ts.isDouble()) {
        Detail::fail(error, ErrorCode::MissingField, QStringLiteral("\"ts\" must be a number"));
        return std::nullopt;
    }
    m.conversation = *conversation;
    m.seq = *seq;
    m.id = *id;
    m.from = *from;
    m.text = *text;
    m.ts = Detail::toCount(ts);
    return m;
}

} // namespace Tether::Protocol
