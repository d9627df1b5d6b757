#pragma once
// The user object of auth_ok, welcome and the HTTP token response: {"id","name","guest"}.

#include "frameerror.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace Tether::Protocol {

class UserInfo
{
public:
    QString id;
    QString name;       // the server sends the id; fromJson falls back to it when absent
    bool guest = false;

    QJsonObject toJson() const;
    // Needs a non-empty string "id"; "name" a string and "guest" a bool when present.
    static std::optional<UserInfo> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
