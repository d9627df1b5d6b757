#pragma once
// FrameDecoder turns the server's text frames into the protocol library's typed frames, the ones
// the chat layer acts on. Text that is not a JSON object, or a known type with missing or mistyped
// fields, is a protocol error whose message says what was wrong; frames the chat layer does not
// handle (auth_ok, pong, goodbye: the connection's; unknown types: a newer server's) are ignored.

#include "ackframe.h"
#include "errorframe.h"
#include "historyframe.h"
#include "joinedframe.h"
#include "leftframe.h"
#include "messageframe.h"
#include "syncedframe.h"
#include "typingframe.h"
#include "welcomeframe.h"

#include <QString>

#include <variant>

namespace Tether {

class FrameDecoder
{
public:
    using Frame = std::variant<std::monostate, // nothing for the chat layer: ignored, or an error
                               Protocol::WelcomeFrame, Protocol::SyncedFrame, Protocol::MessageFrame,
                               Protocol::AckFrame, Protocol::HistoryFrame, Protocol::ErrorFrame,
                               Protocol::TypingFrame, Protocol::JoinedFrame, Protocol::LeftFrame>;

    struct Result
    {
        Frame frame;
        QString error; // set: a protocol error, and frame is std::monostate
        QString type;  // the "type" as received (cut to 64 characters)
        QString requestId; // a malformed frame's "id" when it is a string: which request it answered

        bool isError() const { return !error.isEmpty(); }
        bool isIgnored() const { return error.isEmpty() && std::holds_alternative<std::monostate>(frame); }
    };

    static Result decode(const QString &text);
};

} // namespace Tether
