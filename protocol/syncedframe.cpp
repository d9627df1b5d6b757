#include "syncedframe.h"

#include "frametype.h"
#include "jsonread.h"

namespace Tether::Protocol {

QJsonObject SyncedFrame::toJson() const
{
    return QJsonObject{ { Key::Type, FrameType::Synced } };
}

std::optional<SyncedFrame> SyncedFrame::fromJson(const QJsonObject &o, FrameError *error)
{
    if (!Detail::hasType(o, FrameType::Synced, error))
        return std::nullopt;
    return SyncedFrame();
}

} // namespace Tether::Protocol
