#include "historyframe.h"

#include "frametype.h"
#include "jsonread.h"

#include <QJsonArray>

namespace Tether::Protocol {

QJsonObject HistoryFrame::toJson() const
{
    QJsonArray list;
    for (const MessageFrame &m : messages)
        list.append(m.toJson(MessageFrame::Form::HistoryEntry));
    QJsonObject o{ { Key::Type, FrameType::History }, { Key::Conversation, conversation },
                   { Key::Messages, list }, { Key::HasMore, hasMore } };
    Detail::insertRequestId(o, requestId);
    return o;
}

std::optional<HistoryFrame> HistoryFrame::fromJson(const QJsonObject &o, FrameError *error)
{
    if (!Detail::hasType(o, FrameType::History, error))
        return std::nullopt;
    const auto conversation = Detail::requiredString(o, Key::Conversation, error, true);
    if (!conversation)
        return std::nullopt;
    const QJsonValue messages = o.value(Key::Messages);
    if (!messages.isArray()) {
        Detail::fail(error, ErrorCode::MissingField, QStringLiteral("\"messages\" (an array) is required"));
        return std::nullopt;
    }
    HistoryFrame reply;
    reply.conversation = *conversation;
    reply.hasMore = o.value(Key::HasMore).toBool();
    reply.requestId = o.value(Key::Id);
    const QJsonArray list = messages.toArray();
    for (const QJsonValue &value : list) {
        QJsonObject entry = value.toObject();
        if (!entry.contains(Key::Conversation))
            entry.insert(Key::Conversation, *conversation);
        const auto m = MessageFrame::fromJson(entry, error);
        if (!m)
            return std::nullopt;
        reply.messages.append(*m);
    }
    return reply;
}

} // namespace Tether::Protocol
