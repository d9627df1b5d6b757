#pragma once
// Client -> server "history": one page of a conversation's messages with seq > after.

#include "frameerror.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace Tether::Protocol {

class HistoryRequestFrame
{
public:
    QString conversation;
    qint64 after = 0;                     // seq; the reply holds messages with seq > after
    int limit = 0;                        // 0: not sent (the server uses HistoryPageDefault)
    QJsonValue requestId{ QJsonValue::Undefined }; // "id", echoed by the reply

    // The page size the server applies: limit clamped to [1, HistoryPageMax], default when 0.
    int effectiveLimit() const;

    QJsonObject toJson() const;
    // Needs a string "conversation" (missing_field). As v1 servers always did, an "after" or
    // "limit" that is not a number counts as absent (0 and HistoryPageDefault).
    static std::optional<HistoryRequestFrame> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
