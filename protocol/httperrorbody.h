#pragma once
// The body of every HTTP error answer: {"error":"<code>","message":"<human text>"}.

#include "errorcode.h"
#include "frameerror.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace Tether::Protocol {

class HttpErrorBody
{
public:
    HttpErrorBody() = default;
    HttpErrorBody(ErrorCode code, const QString &message) : code(code), message(message) { }

    ErrorCode code = ErrorCode::Unknown;
    QString codeName; // the wire name as received (also for codes this build does not know)
    QString message;

    QString wireCode() const; // codeName when set, else wireName(code)

    QJsonObject toJson() const;
    // Needs a non-empty string "error"; "message" a string when present.
    static std::optional<HttpErrorBody> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
