#pragma once
// The body of POST /api/auth/login and /api/auth/register: {"username","password"}.

#include "frameerror.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace Tether::Protocol {

class CredentialsRequest
{
public:
    QString username;
    QString password;

    QJsonObject toJson() const;
    // missing_field unless both are non-empty strings (username checked first).
    static std::optional<CredentialsRequest> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
