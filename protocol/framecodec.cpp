#include "framecodec.h"

#include "jsonread.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace Tether::Protocol {

QByteArray FrameCodec::encodeUtf8(const QJsonObject &frame)
{
    return QJsonDocument(frame).toJson(QJsonDocument::Compact);
}

QString FrameCodec::encode(const QJsonObject &frame)
{
    return QString::fromUtf8(encodeUtf8(frame));
}

std::optional<QJsonObject> FrameCodec::decodeUtf8(const QByteArray &utf8, FrameError *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(utf8, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        Detail::fail(error, ErrorCode::BadJson, parseError.errorString());
        return std::nullopt;
    }
    if (!document.isObject()) {
        Detail::fail(error, ErrorCode::BadJson, QStringLiteral("a frame must be a JSON object"));
        return std::nullopt;
    }
    return document.object();
}

std::optional<QJsonObject> FrameCodec::decode(const QString &text, FrameError *error)
{
    return decodeUtf8(text.toUtf8(), error);
}

QString FrameCodec::typeOf(const QJsonObject &frame)
{
    return frame.value(Key::Type).toString();
}

} // namespace Tether::Protocol
