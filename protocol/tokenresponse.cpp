#include "tokenresponse.h"

#include "jsonread.h"

namespace Tether::Protocol {

QJsonObject TokenResponse::toJson() const
{
    return QJsonObject{
        { Key::AccessToken, accessToken },
        { Key::RefreshToken, refreshToken },
        { Key::ExpiresIn, expiresIn },
        { Key::TokenType, tokenType.isEmpty() ? QString(Value::Bearer) : tokenType },
        { Key::User, user.toJson() },
    };
}

std::optional<TokenResponse> TokenResponse::fromJson(const QJsonObject &o, FrameError *error)
{
    const auto access = Detail::requiredString(o, Key::AccessToken, error, true);
    const auto refresh = access ? Detail::requiredString(o, Key::RefreshToken, error, true) : std::nullopt;
    const auto tokenType = refresh ? Detail::optionalString(o, Key::TokenType, error) : std::nullopt;
    if (!tokenType)
        return std::nullopt;
    const QJsonValue expiresIn = o.value(Key::ExpiresIn);
    if (!expiresIn.isDouble() || !(expiresIn.toDouble() >= 0)) {
        Detail::fail(error, ErrorCode::MissingField, QStringLiteral("\"expires_in\" (seconds, a number) is required"));
        return std::nullopt;
    }
    TokenResponse response;
    const QJsonValue user = o.value(Key::User);
    if (!user.isUndefined()) {
        const auto info = user.isObject() ? UserInfo::fromJson(user.toObject(), error) : std::nullopt;
        if (!info) {
            if (!user.isObject())
                Detail::fail(error, ErrorCode::MissingField, QStringLiteral("\"user\" must be an object"));
            return std::nullopt;
        }
        response.user = *info;
    }
    response.accessToken = *access;
    response.refreshToken = *refresh;
    response.expiresIn = expiresIn.toDouble();
    response.tokenType = tokenType->isEmpty() ? QString(Value::Bearer) : *tokenType;
    return response;
}

} // namespace Tether::Protocol
