#pragma once
// The body of a successful POST /api/auth/login, /refresh or /register.

#include "frameerror.h"
#include "userinfo.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace Tether::Protocol {

class TokenResponse
{
public:
    QString accessToken;  // JWT
    QString refreshToken; // opaque, rotating: each refresh invalidates it
    double expiresIn = 0; // seconds, fractional with a sub-second TTL
    QString tokenType;    // "Bearer" (empty: toJson writes Value::Bearer)
    UserInfo user;

    QJsonObject toJson() const;
    // Needs non-empty strings "access_token" and "refresh_token" and a number "expires_in" >= 0;
    // "user", when present, an object (see UserInfo).
    static std::optional<TokenResponse> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
