#pragma once
// Server -> client "goodbye": announces every close the server initiates, because Qt 6.4's
// QWebSocket reports close codes 1012-2999 as 1002 and drops their reason (docs/protocol.md).

#include "closecode.h"
#include "frameerror.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace Tether::Protocol {

class GoodbyeFrame
{
public:
    int code = 0;                       // the close code that follows (CloseCode)
    QString reason;                     // the close reason that follows
    std::optional<qint64> retryAfterMs; // from a {"retry_after_ms":N} reason (ServiceRestart)

    // The goodbye for a close with this code and reason: retryAfterMs read from the reason.
    static GoodbyeFrame forClose(int code, const QString &reason);
    static GoodbyeFrame forClose(CloseCode code, const QString &reason) { return forClose(toInt(code), reason); }

    QJsonObject toJson() const;
    // Needs a numeric "code" in [1000, 4999]; "reason" a string when present.
    static std::optional<GoodbyeFrame> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
