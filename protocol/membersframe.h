#pragma once
// Server -> client "members": the reply to a "members" request, the user ids of a conversation's
// members (for a public conversation: the registered users who joined it; everyone may post there).

#include "frameerror.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <optional>

namespace Tether::Protocol {

class MembersFrame
{
public:
    QString conversation;
    QStringList members;
    QJsonValue requestId{ QJsonValue::Undefined };

    QJsonObject toJson() const;
    // Needs a non-empty string "conversation" and an array "members" of non-empty strings.
    static std::optional<MembersFrame> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
