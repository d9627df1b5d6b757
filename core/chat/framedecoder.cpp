#include "framedecoder.h"

#include "framecodec.h"
#include "frametype.h"
#include "keys.h"

#include <QLoggingCategory>

namespace Tether {

Q_DECLARE_LOGGING_CATEGORY(lcChat)

namespace {

template<typename T>
void parse(const QJsonObject &object, FrameDecoder::Result &result)
{
    Protocol::FrameError error;
    if (auto frame = T::fromJson(object, &error)) {
        result.frame = std::move(*frame);
    } else {
        result.error = QStringLiteral("the server sent a malformed \"%1\" frame: %2").arg(result.type, error.message);
        result.requestId = object.value(Protocol::Key::Id).toString();
    }
}

} // namespace

FrameDecoder::Result FrameDecoder::decode(const QString &text)
{
    namespace Type = Protocol::FrameType;
    Result result;
    Protocol::FrameError error;
    const std::optional<QJsonObject> object = Protocol::FrameCodec::decode(text, &error);
    if (!object) {
        result.error = QStringLiteral("the server sent a frame that is not a JSON object: %1").arg(error.message);
        return result;
    }
    // A hostile type may be long; it is only compared and logged.
    result.type = Protocol::FrameCodec::typeOf(*object).left(64);
    const QString &type = result.type;
    if (type == Type::Message)
        parse<Protocol::MessageFrame>(*object, result);
    else if (type == Type::Ack)
        parse<Protocol::AckFrame>(*object, result);
    else if (type == Type::Welcome)
        parse<Protocol::WelcomeFrame>(*object, result);
    else if (type == Type::Synced)
        parse<Protocol::SyncedFrame>(*object, result);
    else if (type == Type::History)
        parse<Protocol::HistoryFrame>(*object, result);
    else if (type == Type::Error)
        parse<Protocol::ErrorFrame>(*object, result);
    else if (type == Type::Typing)
        parse<Protocol::TypingFrame>(*object, result);
    else if (type == Type::Joined)
        parse<Protocol::JoinedFrame>(*object, result);
    else if (type == Type::Left)
        parse<Protocol::LeftFrame>(*object, result);
    else if (type != Type::AuthOk && type != Type::Pong)
        qCDebug(lcChat) << "ignored a frame of type" << type;
    return result;
}

} // namespace Tether
