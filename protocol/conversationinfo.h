#pragma once
// One conversation as welcome and joined describe it: {"id","title","last_seq"}.

#include "frameerror.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace Tether::Protocol {

class ConversationInfo
{
public:
    QString id;
    QString title;
    qint64 lastSeq = 0;

    QJsonObject toJson() const;
    // Needs a valid conversation id; "title" a string (absent: the id), "last_seq" a number (absent: 0).
    static std::optional<ConversationInfo> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
