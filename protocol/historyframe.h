#pragma once
// Server -> client "history": the reply to a history request, messages ascending by seq.

#include "frameerror.h"
#include "messageframe.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <optional>

namespace Tether::Protocol {

class HistoryFrame
{
public:
    QString conversation;
    QList<MessageFrame> messages; // written without "type" (MessageFrame::Form::HistoryEntry)
    bool hasMore = false;
    QJsonValue requestId{ QJsonValue::Undefined }; // the request's "id"

    QJsonObject toJson() const;
    // Needs a non-empty string "conversation" and an array "messages" of valid messages; an entry
    // without "conversation" belongs to the reply's.
    static std::optional<HistoryFrame> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
