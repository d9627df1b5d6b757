#include "pongframe.h"

#include "frametype.h"
#include "jsonread.h"

namespace Tether::Protocol {

QJsonObject PongFrame::toJson() const
{
    QJsonObject o{ { Key::Type, FrameType::Pong }, { Key::ServerTime, double(serverTime) } };
    if (!ts.isUndefined())
        o.insert(Key::Ts, ts);
    Detail::insertRequestId(o, requestId);
    return o;
}

std::optional<PongFrame> PongFrame::fromJson(const QJsonObject &o, FrameError *error)
{
    if (!Detail::hasType(o, FrameType::Pong, error))
        return std::nullopt;
    const QJsonValue serverTime = o.value(Key::ServerTime);
    if (!serverTime.isUndefined() && !serverTime.isDouble()) {
        Detail::fail(error, ErrorCode::MissingField, QStringLiteral("\"server_time\" must be a number"));
        return std::nullopt;
    }
    PongFrame pong;
    pong.ts = o.value(Key::Ts);
    pong.serverTime = Detail::toCount(serverTime);
    pong.requestId = o.value(Key::Id);
    return pong;
}

} // namespace Tether::Protocol
