#pragma once
// Server -> client "synced": the replay after welcome is complete; live messages follow. "more"
// names the conversations whose replay was cut at the server's replay limit: the client pages the
// rest with "history" (an empty list when nothing more is waiting).

#include "frameerror.h"

#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace Tether::Protocol {

class SyncedFrame
{
public:
    QStringList more; // conversation ids with messages beyond the replay

    QJsonObject toJson() const;
    // "more" may be absent (an older server: nothing more); present, it is an array of
    // conversation ids (anything else is missing_field, an invalid id invalid_field).
    static std::optional<SyncedFrame> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
