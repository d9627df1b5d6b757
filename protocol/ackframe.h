#pragma once
// Server -> client "ack": a send is committed (or was already: the original seq and ts).

#include "frameerror.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace Tether::Protocol {

class AckFrame
{
public:
    QString id; // the send's client id
    QString conversation;
    qint64 seq = 0;
    qint64 ts = 0;

    QJsonObject toJson() const;
    // Needs a non-empty string "id" and a "seq" >= 1; "conversation" a string and "ts" a number
    // when present.
    static std::optional<AckFrame> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
