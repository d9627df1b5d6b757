#pragma once
// Client -> server "ping": application-level keepalive; any JSON "ts" comes back in the pong.

#include "frameerror.h"

#include <QJsonObject>
#include <QJsonValue>

#include <optional>

namespace Tether::Protocol {

class PingFrame
{
public:
    QJsonValue ts{ QJsonValue::Undefined }; // any JSON value, undefined when absent
    QJsonValue requestId{ QJsonValue::Undefined }; // "id", echoed by the pong

    QJsonObject toJson() const;
    // Only checks the type: every field is optional and of any JSON type.
    static std::optional<PingFrame> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
