#include "diagnosticcheck.h"

namespace Tether {

QString DiagnosticCheck::statusName(Status status)
{
    switch (status) {
    case Status::Passed:
        return QStringLiteral("pass");
    case Status::Failed:
        return QStringLiteral("fail");
    case Status::Skipped:
        break;
    }
    return QStringLiteral("skip");
}

QJsonObject DiagnosticCheck::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("id"), id);
    o.insert(QStringLiteral("title"), title);
    o.insert(QStringLiteral("status"), statusName(status));
    if (elapsedMs >= 0)
        o.insert(QStringLiteral("elapsed_ms"), elapsedMs);
    o.insert(QStringLiteral("detail"), detail);
    o.insert(QStringLiteral("hint"), hint);
    if (!data.isEmpty())
        o.insert(QStringLiteral("data"), data);
    return o;
}

} // namespace Tether
