#pragma once
// Client -> server "members": who the members of a conversation are. Answered with a "members"
// reply (MembersFrame) to members only; anyone else gets not_member.

#include "frameerror.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace Tether::Protocol {

class MembersRequestFrame
{
public:
    QString conversation;
    QJsonValue requestId{ QJsonValue::Undefined }; // "id", echoed by the reply

    QJsonObject toJson() const;
    // missing_field without a string "conversation"; membership is the server's check.
    static std::optional<MembersRequestFrame> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
