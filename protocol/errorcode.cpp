#include "errorcode.h"

#include <iterator>
#include <utility>

namespace Tether::Protocol {

namespace {
constexpr std::pair<ErrorCode, QLatin1String> kNames[] = {
    { ErrorCode::BadJson, QLatin1String("bad_json") },
    { ErrorCode::UnknownType, QLatin1String("unknown_type") },
    { ErrorCode::MissingField, QLatin1String("missing_field") },
    { ErrorCode::InvalidField, QLatin1String("invalid_field") },
    { ErrorCode::NotMember, QLatin1String("not_member") },
    { ErrorCode::Forbidden, QLatin1String("forbidden") },
    { ErrorCode::RateLimited, QLatin1String("rate_limited") },
    { ErrorCode::StorageError, QLatin1String("storage_error") },
    { ErrorCode::IdReused, QLatin1String("id_reused") },
    { ErrorCode::NotFound, QLatin1String("not_found") },
    { ErrorCode::MethodNotAllowed, QLatin1String("method_not_allowed") },
    { ErrorCode::BadRequest, QLatin1String("bad_request") },
    { ErrorCode::HeaderTooLarge, QLatin1String("header_too_large") },
    { ErrorCode::LengthRequired, QLatin1String("length_required") },
    { ErrorCode::TooLarge, QLatin1String("too_large") },
    { ErrorCode::UpgradeRequired, QLatin1String("upgrade_required") },
    { ErrorCode::InvalidCredentials, QLatin1String("invalid_credentials") },
    { ErrorCode::InvalidToken, QLatin1String("invalid_token") },
    { ErrorCode::RegistrationClosed, QLatin1String("registration_closed") },
    { ErrorCode::UserExists, QLatin1String("user_exists") },
    { ErrorCode::ServerBusy, QLatin1String("server_busy") },
};
} // namespace

QLatin1String wireName(ErrorCode code)
{
    for (const auto &entry : kNames) {
        if (entry.first == code)
            return entry.second;
    }
    return QLatin1String();
}

ErrorCode fromWireName(QStringView name)
{
    for (const auto &entry : kNames) {
        if (name == entry.second)
            return entry.first;
    }
    return ErrorCode::Unknown;
}

bool isTransient(ErrorCode code)
{
    return code == ErrorCode::RateLimited || code == ErrorCode::StorageError;
}

} // namespace Tether::Protocol
