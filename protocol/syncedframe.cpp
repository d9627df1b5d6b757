#include "syncedframe.h"

#include "frametype.h"
#include "jsonread.h"
#include "protocollimits.h"

#include <QJsonArray>

namespace Tether::Protocol {

QJsonObject SyncedFrame::toJson() const
{
    return QJsonObject{ { Key::Type, FrameType::Synced }, { Key::More, QJsonArray::fromStringList(more) } };
}

std::optional<SyncedFrame> SyncedFrame::fromJson(const QJsonObject &o, FrameError *error)
{
    if (!Detail::hasType(o, FrameType::Synced, error))
        return std::nullopt;
    SyncedFrame synced;
    const QJsonValue more = o.value(Key::More);
    if (more.isUndefined() || more.isNull())
        return synced;
    if (!more.isArray()) {
        Detail::fail(error, ErrorCode::MissingField, QStringLiteral("\"more\" must be an array of conversation ids"));
        return std::nullopt;
    }
    const QJsonArray list = more.toArray();
    for (const QJsonValue &value : list) {
        if (!value.isString() || !Limits::isValidConversationId(value.toString())) {
            Detail::fail(error, ErrorCode::InvalidField, QStringLiteral("\"more\" holds an invalid conversation id"));
            return std::nullopt;
        }
        synced.more.append(value.toString());
    }
    return synced;
}

} // namespace Tether::Protocol
