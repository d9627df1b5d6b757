#include "ackframe.h"

#include "frametype.h"
#include "jsonread.h"

namespace Tether::Protocol {

QJsonObject AckFrame::toJson() const
{
    return QJsonObject{ { Key::Type, FrameType::Ack }, { Key::Id, id }, { Key::Conversation, conversation },
                        { Key::Seq, double(seq) }, { Key::Ts, double(ts) } };
}

std::optional<AckFrame> AckFrame::fromJson(const QJsonObject &o, FrameError *error)
{
    if (!Detail::hasType(o, FrameType::Ack, error))
        return std::nullopt;
    const auto id = Detail::requiredString(o, Key::Id, error, true);
    const auto seq = id ? Detail::requiredCount(o, Key::Seq, error) : std::nullopt;
    if (!seq)
        return std::nullopt;
    if (*seq < 1) {
        Detail::fail(error, ErrorCode::InvalidField, QStringLiteral("\"seq\" must be at least 1"));
        return std::nullopt;
    }
    const auto conversation = Detail::optionalString(o, Key::Conversation, error);
    if (!conversation)
        return std::nullopt;
    const QJsonValue ts = o.value(Key::Ts);
    if (!ts.isUndefined() && !ts.isDouble()) {
        Detail::fail(error, ErrorCode::MissingField, QStringLiteral("\"ts\" must be a number"));
        return std::nullopt;
    }
    AckFrame ack;
    ack.id = *id;
    ack.conversation = *conversation;
    ack.seq = *seq;
    ack.ts = Detail::toCount(ts);
    return ack;
}

} // namespace Tether::Protocol
