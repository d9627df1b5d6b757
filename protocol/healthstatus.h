#pragma once
// The body of GET /health: {"status":"ok","version","uptime_s","connections"}, and for a
// cluster's instance "instance", "storage", "broker" and, when "status" is "degraded", "reason".

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
    // A cluster's instance (issue 11); each written only when not empty.
    QString instance;     // the instance's id
    QString storage;      // "sqlite" or "postgresql"
    QString broker;       // "local" or "redis"
    QString reason;       // why status is "degraded"

    QJsonObject toJson() const;
    // Needs a string "status"; the rest of the right types when present.
    static std::optional<HealthStatus> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
