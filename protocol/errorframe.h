#pragma once
// Server -> client "error": a frame was refused; the connection stays open. Carries the refused
// frame's "id" so the client knows which request failed.

#include "errorcode.h"
#include "frameerror.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace Tether::Protocol {

class ErrorFrame
{
public:
    ErrorFrame() = default;
    ErrorFrame(ErrorCode code, const QString &message, const QJsonValue &requestId = QJsonValue(QJsonValue::Undefined))
        : code(code), message(message), requestId(requestId) { }

    ErrorCode code = ErrorCode::Unknown;
    QString codeName;     // the wire name as received (also for codes this build does not know)
    QString message;
    QJsonValue requestId{ QJsonValue::Undefined }; // written only when neither undefined nor null
    // rate_limited: when a retry can pass, in ms (the limiter's next token). Absent: the client's own pause.
    std::optional<qint64> retryAfterMs;

    // codeName when set, else wireName(code).
    QString wireCode() const;

    QJsonObject toJson() const;
    // Needs a non-empty string "code"; "message" a string when present. A "retry_after_ms" that is
    // not a number counts as absent; numbers are clamped to [0, 2^53].
    static std::optional<ErrorFrame> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
