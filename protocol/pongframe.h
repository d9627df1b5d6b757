#pragma once
// Server -> client "pong": the answer to ping, with the ping's "ts" and "id" and the server clock.

#include "frameerror.h"

#include <QJsonObject>
#include <QJsonValue>

#include <optional>

namespace Tether::Protocol {

class PongFrame
{
public:
    QJsonValue ts{ QJsonValue::Undefined }; // the ping's, undefined when it had none
    qint64 serverTime = 0; // ms since the epoch
    QJsonValue requestId{ QJsonValue::Undefined };

    QJsonObject toJson() const;
    // "server_time" a number when present.
    static std::optional<PongFrame> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
