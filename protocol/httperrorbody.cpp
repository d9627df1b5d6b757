#include "httperrorbody.h"

#include "jsonread.h"

namespace Tether::Protocol {

QString HttpErrorBody::wireCode() const
{
    return codeName.isEmpty() ? QString(wireName(code)) : codeName;
}

QJsonObject HttpErrorBody::toJson() const
{
    return QJsonObject{ { Key::Error, wireCode() }, { Key::Message, message } };
}

std::optional<HttpErrorBody> HttpErrorBody::fromJson(const QJsonObject &o, FrameError *error)
{
    const auto code = Detail::requiredString(o, Key::Error, error, true);
    const auto message = code ? Detail::optionalString(o, Key::Message, error) : std::nullopt;
    if (!message)
        return std::nullopt;
    HttpErrorBody body(fromWireName(*code), *message);
    body.codeName = *code;
    return body;
}

} // namespace Tether::Protocol
