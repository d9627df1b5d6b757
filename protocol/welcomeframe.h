#pragma once
// Server -> client "welcome": the answer to hello, before the replay and synced.

#include "conversationinfo.h"
#include "frameerror.h"
#include "userinfo.h"

#include <QJsonObject>
#include <QList>

#include <optional>

namespace Tether::Protocol {

class WelcomeFrame
{
public:
    int protocol = 0; // 0: toJson writes Version
    UserInfo user;
    QList<ConversationInfo> conversations;
    int heartbeatMs = 0;  // idle_timeout / 3: how often the client should send something
    qint64 serverTime = 0; // ms since the epoch
    // Random, made with the server's database: a different one means the server's history was reset
    // or restored from a backup (seqs may repeat). Empty from servers that do not send it.
    QString epoch;

    QJsonObject toJson() const;
    // Needs "user" (an object) and "conversations" (an array of valid conversations);
    // "heartbeat_ms" and "server_time" numbers when present, "epoch" a string of at most 128 characters.
    static std::optional<WelcomeFrame> fromJson(const QJsonObject &o, FrameError *error = nullptr);
};

} // namespace Tether::Protocol
