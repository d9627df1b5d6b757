#pragma once
// The body of POST /api/auth/refresh: {"refresh_token"}.

#include "frameerror.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace Tether::Protocol {

class RefreshRequest
{
public:
    QString refreshToken;

    QJsonObject toJson() const;
    // missing_field unless "refresh_token" is a non-empty string.
    static std::optional<RefreshRequest> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
