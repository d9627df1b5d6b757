#pragma once
// Server -> client "joined": a user joined a conversation (to its members and to the joiner).

#include "conversationinfo.h"
#include "frameerror.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace Tether::Protocol {

class JoinedFrame
{
public:
    ConversationInfo conversation;
    QString user;         // who joined
    QJsonValue requestId{ QJsonValue::Undefined }; // the join's "id", only in the joiner's copy

    QJsonObject toJson() const;
    // Needs "conversation" (an object, see ConversationInfo) and a non-empty string "user".
    static std::optional<JoinedFrame> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
