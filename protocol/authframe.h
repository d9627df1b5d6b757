#pragma once
// Client -> server "auth": the access token as the first frame (when neither the Authorization
// header nor ?access_token= carried it).

#include "frameerror.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace Tether::Protocol {

class AuthFrame
{
public:
    QString token;

    QJsonObject toJson() const;
    // Needs a non-empty string "token" (the server closes 4003 otherwise).
    static std::optional<AuthFrame> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
