#include "pingframe.h"

#include "frametype.h"
#include "jsonread.h"

namespace Tether::Protocol {

QJsonObject PingFrame::toJson() const
{
    QJsonObject o{ { Key::Type, FrameType::Ping } };
    if (!ts.isUndefined())
        o.insert(Key::Ts, ts);
    Detail::insertRequestId(o, requestId);
    return o;
}

std::optional<PingFrame> PingFrame::fromJson(const QJsonObject &o, FrameError *error)
{
    if (!Detail::hasType(o, FrameType::Ping, error))
        return std::nullopt;
    PingFrame ping;
    ping.ts = o.value(Key::Ts);
    ping.requestId = o.value(Key::Id);
    return ping;
}

} // namespace Tether::Protocol
