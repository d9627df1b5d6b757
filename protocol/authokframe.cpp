#include "authokframe.h"

#include "frametype.h"
#include "jsonread.h"

namespace Tether::Protocol {

QJsonObject AuthOkFrame::toJson() const
{
    return QJsonObject{ { Key::Type, FrameType::AuthOk }, { Key::User, user.toJson() } };
}

std::optional<AuthOkFrame> AuthOkFrame::fromJson(const QJsonObject &o, FrameError *error)
{
    if (!Detail::hasType(o, FrameType::AuthOk, error))
        return std::nullopt;
    const QJsonValue user = o.value(Key::User);
    if (!user.isObject()) {
        Detail::fail(error, ErrorCode::MissingField, QStringLiteral("\"user\" (an object) is required"));
        return std::nullopt;
    }
    const auto info = UserInfo::fromJson(user.toObject(), error);
    if (!info)
        return std::nullopt;
    AuthOkFrame ok;
    ok.user = *info;
    return ok;
}

} // namespace Tether::Protocol
