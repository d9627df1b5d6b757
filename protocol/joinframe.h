#pragma once
// Client -> server "join": become a member of a conversation, creating it when it does not exist.

#include "frameerror.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace Tether::Protocol {

class JoinFrame
{
public:
    QString conversation;
    std::optional<QString> title; // used when the join creates the conversation
    QJsonValue requestId{ QJsonValue::Undefined };

    // The title the server stores: the given one cut to Limits::MaxTitleLength, else the id.
    QString effectiveTitle() const;

    QJsonObject toJson() const;
    // missing_field without a string "conversation", invalid_field for an invalid conversation id.
    // A "title" that is not a string counts as absent.
    static std::optional<JoinFrame> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
