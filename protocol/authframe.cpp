#include "authframe.h"

#include "frametype.h"
#include "jsonread.h"

namespace Tether::Protocol {

QJsonObject AuthFrame::toJson() const
{
    return QJsonObject{ { Key::Type, FrameType::Auth }, { Key::Token, token } };
}

std::optional<AuthFrame> AuthFrame::fromJson(const QJsonObject &o, FrameError *error)
{
    if (!Detail::hasType(o, FrameType::Auth, error))
        return std::nullopt;
    const auto token = Detail::requiredString(o, Key::Token, error, true);
    if (!token)
        return std::nullopt;
    AuthFrame auth;
    auth.token = *token;
    return auth;
}

} // namespace Tether::Protocol
