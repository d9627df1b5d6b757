#include "sendframe.h"

#include "frametype.h"
#include "jsonread.h"
#include "protocollimits.h"

namespace Tether::Protocol {

QJsonObject SendFrame::toJson() const
{
    return QJsonObject{ { Key::Type, FrameType::Send }, { Key::Id, id }, { Key::Conversation, conversation },
                        { Key::Text, text } };
}

std::optional<SendFrame> SendFrame::fromJson(const QJsonObject &o, FrameError *error)
{
    if (!Detail::hasType(o, FrameType::Send, error))
        return std::nullopt;
    const QJsonValue id = o.value(Key::Id);
    const QJsonValue conversation = o.value(Key::Conversation);
    const QJsonValue text = o.value(Key::Text);
    if (!id.isString() || !conversation.isString() || !text.isString()) {
        Detail::fail(error, ErrorCode::MissingField,
                     QStringLiteral("send needs string fields \"id\", \"conversation\" and \"text\""));
        return std::nullopt;
    }
    if (!Limits::isValidClientId(id.toString()) || text.toString().isEmpty()) {
        Detail::fail(error, ErrorCode::InvalidField,
                     QStringLiteral("\"id\" must be 1-%1 characters and \"text\" non-empty").arg(Limits::MaxClientIdLength));
        return std::nullopt;
    }
    SendFrame send;
    send.id = id.toString();
    send.conversation = conversation.toString();
    send.text = text.toString();
    return send;
}

} // namespace Tether::Protocol
