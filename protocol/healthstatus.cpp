#include "healthstatus.h"

#include "jsonread.h"

namespace Tether::Protocol {

QJsonObject HealthStatus::toJson() const
{
    QJsonObject o{ { Key::Status, status.isEmpty() ? QString(Value::StatusOk) : status },
                   { Key::Version, version },
                   { Key::UptimeS, uptimeS },
                   { Key::Connections, connections } };
    const std::pair<QLatin1String, const QString *> optional[] = {
        { Key::Instance, &instance }, { Key::Storage, &storage }, { Key::Broker, &broker }, { Key::Reason, &reason }
    };
    for (const auto &[key, value] : optional) {
        if (!value->isEmpty())
            o.insert(key, *value);
    }
    return o;
}

std::optional<HealthStatus> HealthStatus::fromJson(const QJsonObject &o, FrameError *error)
{
    const auto status = Detail::requiredString(o, Key::Status, error, true);
    const auto version = status ? Detail::optionalString(o, Key::Version, error) : std::nullopt;
    if (!version)
        return std::nullopt;
    for (const QLatin1String key : { Key::UptimeS, Key::Connections }) {
        const QJsonValue value = o.value(key);
        if (!value.isUndefined() && !value.isDouble()) {
            Detail::fail(error, ErrorCode::MissingField, QStringLiteral("\"%1\" must be a number").arg(key));
            return std::nullopt;
        }
    }
    HealthStatus health;
    health.status = *status;
    health.version = *version;
    health.uptimeS = qMax(0.0, o.value(Key::UptimeS).toDouble());
    health.connections = qMax(0, o.value(Key::Connections).toInt());
    health.instance = o.value(Key::Instance).toString();
    health.storage = o.value(Key::Storage).toString();
    health.broker = o.value(Key::Broker).toString();
    health.reason = o.value(Key::Reason).toString();
    return health;
}

} // namespace Tether::Protocol
