#pragma once
// The wire message: a "message" frame (broadcast and replay) and, without its "type", one entry
// of a history reply: {"conversation","seq","id","from","text","ts"}.

#include "frameerror.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace Tether::Protocol {

class MessageFrame
{
public:
    enum class Form { Frame, HistoryEntry }; // with or without "type":"message"

    QString conversation;
    qint64 seq = 0;
    QString id;   // the sender's client id (UUID); server-made for the echo bot
    QString from; // user id
    QString text;
    qint64 ts = 0; // ms since the epoch, UTC, server clock

    QJsonObject toJson(Form form = Form::Frame) const;
    // Needs a non-empty "conversation" and a "seq" >= 1; "id", "from", "text" strings and "ts" a
    // number when present. "type", when present, must be "message".
    static std::optional<MessageFrame> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
