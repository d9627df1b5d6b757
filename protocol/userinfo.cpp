#include "userinfo.h"

#include "jsonread.h"

namespace Tether::Protocol {

QJsonObject UserInfo::toJson() const
{
    return QJsonObject{ { Key::Id, id }, { Key::Name, name }, { Key::Guest, guest } };
}

std::optional<UserInfo> UserInfo::fromJson(const QJsonObject &o, FrameError *error)
{
    UserInfo user;
    const auto id = Detail::requiredString(o, Key::Id, error, true);
    const auto name = id ? Detail::optionalString(o, Key::Name, error) : std::nullopt;
    if (!id || !name)
        return std::nullopt;
    const QJsonValue guest = o.value(Key::Guest);
    if (!guest.isUndefined() && !guest.isBool()) {
        Detail::fail(error, ErrorCode::MissingField, QStringLiteral("\"guest\" must be a bool"));
        return std::nullopt;
    }
    user.id = *id;
    user.name = name->isEmpty() ? *id : *name;
    user.guest = guest.toBool();
    return user;
}

} // namespace Tether::Protocol
