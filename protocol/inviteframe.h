#pragma once
// Client -> server "invite": a member adds a registered user to a private conversation; the
// server answers with "joined" (to the inviter with its "id", and to every member, the invited
// user's connections included).

#include "frameerror.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace Tether::Protocol {

class InviteFrame
{
public:
    QString conversation;
    QString user; // the registered user to add
    QJsonValue requestId{ QJsonValue::Undefined };

    QJsonObject toJson() const;
    // missing_field without string "conversation" and "user"; invalid_field for an invalid
    // conversation id or an empty user. Whether the user exists is the server's check.
    static std::optional<InviteFrame> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
