#pragma once
// "typing" in both directions: the client says it is typing in a conversation; the server passes
// it on to the other members' connections with "from" added.

#include "frameerror.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace Tether::Protocol {

class TypingFrame
{
public:
    QString conversation;
    QString from; // empty from a client; the typing user from the server

    QJsonObject toJson() const; // "from" only when set
    // missing_field without a string "conversation"; "from" a string when present.
    static std::optional<TypingFrame> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
