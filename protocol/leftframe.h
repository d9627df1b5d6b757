#pragma once
// Server -> client "left": a user left a conversation (to its members and to the leaver).

#include "frameerror.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace Tether::Protocol {

class LeftFrame
{
public:
    QString conversation;
    QString user;
    QJsonValue requestId{ QJsonValue::Undefined }; // the leave's "id", only in the leaver's copy

    QJsonObject toJson() const;
    // Needs non-empty strings "conversation" and "user".
    static std::optional<LeftFrame> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
