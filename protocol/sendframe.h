#pragma once
// Client -> server "send": one message, answered by ack (and the message broadcast). Retrying with
// the same id is safe: the server dedupes by (user, id).

#include "frameerror.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace Tether::Protocol {

class SendFrame
{
public:
    QString id; // client UUID, Limits::isValidClientId
    QString conversation;
    QString text;

    QJsonObject toJson() const;
    // missing_field unless "id", "conversation" and "text" are strings; invalid_field for an id
    // that is empty or over Limits::MaxClientIdLength, or an empty text. Membership (and so the
    // conversation id) is the server's check.
    static std::optional<SendFrame> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
