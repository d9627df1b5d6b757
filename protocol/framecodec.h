#pragma once
// Text frame <-> JSON object, and a frame's type: the first step on both ends before a typed
// frame's fromJson().

#include "frameerror.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace Tether::Protocol {

class FrameCodec
{
public:
    // Compact JSON, as every frame is written.
    static QString encode(const QJsonObject &frame);
    static QByteArray encodeUtf8(const QJsonObject &frame);
    // bad_json unless the text is a JSON object (the message says why).
    static std::optional<QJsonObject> decode(const QString &text, FrameError *error = nullptr);
    static std::optional<QJsonObject> decodeUtf8(const QByteArray &utf8, FrameError *error = nullptr);
    // The "type" (empty when absent or not a string).
    static QString typeOf(const QJsonObject &frame);
};

} // namespace Tether::Protocol
