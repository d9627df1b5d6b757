#pragma once
// Server -> client "auth_ok": the answer to an accepted auth frame.

#include "frameerror.h"
#include "userinfo.h"

#include <QJsonObject>

#include <optional>

namespace Tether::Protocol {

class AuthOkFrame
{
public:
    UserInfo user;

    QJsonObject toJson() const;
    // Needs "user" (an object, see UserInfo).
    static std::optional<AuthOkFrame> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
