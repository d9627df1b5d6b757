#pragma once
// Server -> client "synced": the replay after welcome is complete; live messages follow.

#include "frameerror.h"

#include <QJsonObject>

#include <optional>

namespace Tether::Protocol {

class SyncedFrame
{
public:
    QJsonObject toJson() const;
    static std::optional<SyncedFrame> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
