#pragma once
// Client -> server "hello": starts (or restarts) the sync. The server answers welcome, the missed
// messages, then synced.

#include "frameerror.h"

#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace Tether::Protocol {

class HelloFrame
{
public:
    int protocol = 0;               // 0 = not sent (the server assumes Version)
    QHash<QString, qint64> resume;  // conversation -> last seq the client has; missing = 0
    QString guestKey;               // a guest's secret key (Limits::isValidGuestKey), may be empty
    QJsonValue requestId{ QJsonValue::Undefined }; // "id", echoed by an error reply; undefined when absent

    QJsonObject toJson() const;
    // Refuses a "protocol" other than Version (invalid_field) and a "resume" that is not an object
    // (missing_field). Non-numeric resume entries count as 0; a non-string guest_key as none.
    static std::optional<HelloFrame> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
