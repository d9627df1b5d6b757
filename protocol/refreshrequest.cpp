#include "refreshrequest.h"

#include "jsonread.h"

namespace Tether::Protocol {

QJsonObject RefreshRequest::toJson() const
{
    return QJsonObject{ { Key::RefreshToken, refreshToken } };
}

std::optional<RefreshRequest> RefreshRequest::fromJson(const QJsonObject &o, FrameError *error)
{
    const auto token = Detail::requiredHttpField(o, Key::RefreshToken, error);
    if (!token)
        return std::nullopt;
    RefreshRequest request;
    request.refreshToken = *token;
    return request;
}

} // namespace Tether::Protocol
