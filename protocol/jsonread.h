#pragma once
// Internal to protocol/: the small checks every typed frame's fromJson() shares. Not installed
// for other libraries' use: they go through the typed frames.

#include "errorcode.h"
#include "frameerror.h"
#include "keys.h"

#include <QJsonObject>
#include <QJsonValue>

#include <algorithm>
#include <cmath>
#include <optional>

namespace Tether::Protocol::Detail {

// The largest integer a JSON number (a double) carries exactly: seqs, timestamps and counts are
// clamped to it so a hostile 1e300 never overflows a conversion.
inline constexpr double kMaxExactInteger = 9007199254740992.0; // 2^53

inline bool fail(FrameError *error, ErrorCode code, const QString &message)
{
    if (error) {
        error->code = code;
        error->message = message;
    }
    return false;
}

// Clamps a JSON number to [0, 2^53] and truncates it; non-numbers give fallback.
inline qint64 toCount(const QJsonValue &value, qint64 fallback = 0)
{
    if (!value.isDouble())
        return fallback;
    const double d = value.toDouble();
    if (!(d > 0)) // also NaN
        return 0;
    return qint64(std::min(d, kMaxExactInteger));
}

// The frame's "type" is the expected one (absent counts as a mismatch).
inline bool hasType(const QJsonObject &o, QLatin1String type, FrameError *error)
{
    const QJsonValue value = o.value(Key::Type);
    if (value.toString() == type)
        return true;
    return fail(error, ErrorCode::UnknownType,
                QStringLiteral("expected a \"%1\" frame").arg(type));
}

// A required string field (may be empty unless nonEmpty).
inline std::optional<QString> requiredString(const QJsonObject &o, QLatin1String key, FrameError *error,
                                             bool nonEmpty = false)
{
    const QJsonValue value = o.value(key);
    if (!value.isString()) {
        fail(error, ErrorCode::MissingField, QStringLiteral("\"%1\" (a string) is required").arg(key));
        return std::nullopt;
    }
    if (nonEmpty && value.toString().isEmpty()) {
        fail(error, ErrorCode::InvalidField, QStringLiteral("\"%1\" must not be empty").arg(key));
        return std::nullopt;
    }
    return value.toString();
}

// An optional string field: absent gives an empty string, another JSON type is an error.
inline std::optional<QString> optionalString(const QJsonObject &o, QLatin1String key, FrameError *error)
{
    const QJsonValue value = o.value(key);
    if (value.isUndefined() || value.isNull())
        return QString();
    if (!value.isString()) {
        fail(error, ErrorCode::MissingField, QStringLiteral("\"%1\" must be a string").arg(key));
        return std::nullopt;
    }
    return value.toString();
}

// A required number clamped to [0, 2^53].
inline std::optional<qint64> requiredCount(const QJsonObject &o, QLatin1String key, FrameError *error)
{
    const QJsonValue value = o.value(key);
    if (!value.isDouble()) {
        fail(error, ErrorCode::MissingField, QStringLiteral("\"%1\" (a number) is required").arg(key));
        return std::nullopt;
    }
    return toCount(value);
}

// A required non-empty string of an HTTP API body, in the HTTP API's wording.
inline std::optional<QString> requiredHttpField(const QJsonObject &o, QLatin1String key, FrameError *error)
{
    const QJsonValue value = o.value(key);
    if (!value.isString() || value.toString().isEmpty()) {
        fail(error, ErrorCode::MissingField, QStringLiteral("field \"%1\" (non-empty string) is required").arg(key));
        return std::nullopt;
    }
    return value.toString();
}

// Adds "id" when the request carried one (any JSON value, echoed as is).
inline void insertRequestId(QJsonObject &o, const QJsonValue &requestId)
{
    if (!requestId.isUndefined())
        o.insert(Key::Id, requestId);
}

} // namespace Tether::Protocol::Detail
