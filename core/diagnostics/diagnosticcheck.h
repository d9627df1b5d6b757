#pragma once
// The outcome of one diagnostics check: pass/fail/skip, how long it took, what was seen and a
// plain-language hint for whoever reads it. Never holds secrets.

#include <QJsonObject>
#include <QMetaType>
#include <QString>

namespace Tether {

struct DiagnosticCheck
{
    enum class Status { Passed, Failed, Skipped };

    QString id;            // stable, for scripts: "dns", "tcp", "tls", "http_health", "websocket", "ping", "proxy", "network"
    QString title;         // translated
    Status status = Status::Skipped;
    qint64 elapsedMs = -1; // -1 when not timed
    QString detail;        // what was observed (redacted)
    QString hint;          // what it means, in plain language (translated)
    QJsonObject data;      // machine-readable extras (certificate fields, RTTs, ...)

    static QString statusName(Status status); // "pass", "fail", "skip"
    QJsonObject toJson() const;
};

} // namespace Tether

Q_DECLARE_METATYPE(Tether::DiagnosticCheck)
