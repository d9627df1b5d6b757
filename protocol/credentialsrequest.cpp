#include "credentialsrequest.h"

#include "jsonread.h"

namespace Tether::Protocol {

QJsonObject CredentialsRequest::toJson() const
{
    return QJsonObject{ { Key::Username, username }, { Key::Password, password } };
}

std::optional<CredentialsRequest> CredentialsRequest::fromJson(const QJsonObject &o, FrameError *error)
{
    const auto username = Detail::requiredHttpField(o, Key::Username, error);
    const auto password = username ? Detail::requiredHttpField(o, Key::Password, error) : std::nullopt;
    if (!password)
        return std::nullopt;
    CredentialsRequest request;
    request.username = *username;
    request.password = *password;
    return request;
}

} // namespace Tether::Protocol
