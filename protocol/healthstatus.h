#pragma once
// The body of GET /health: {"status":"ok","version","uptime_s","connections"}.

#include "frameerror.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace Tether::Protocol {

class HealthStatus
{
public:
    QString status;       // "ok" (empty: toJson writes Value::StatusOk)
    QString version;      // the server's version
    double uptimeS = 0;   // seconds
    int connections = 0;  // open WebSocket connections

    QJsonObject toJson() const;
    // Needs a string "status"; the rest of the right types when present.
    static std::optional<HealthStatus> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
