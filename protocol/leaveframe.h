#pragma once
// Client -> server "leave": stop being a member of a (non-public) conversation.

#include "frameerror.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace Tether::Protocol {

class LeaveFrame
{
public:
    QString conversation;
    QJsonValue requestId{ QJsonValue::Undefined };

    QJsonObject toJson() const;
    // missing_field without a string "conversation"; membership is the server's check.
    static std::optional<LeaveFrame> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
