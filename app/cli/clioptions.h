#pragma once
// tether-cli's command line: parsing and validation into a ConnectionConfig. Bad input yields a
// clear message (the caller exits 2). New modes (e.g. chat) add their options here.

#include "chatclioptions.h"
#include "connectionconfig.h"

#include <QStringList>

namespace Tether {

struct CliOptions
{
    ConnectionConfig connection;
    bool json = false;
    bool verbose = false;       // engine logging (tether.connection) on stderr
    int flushTimeoutMs = 10000; // on stdin EOF: how long to wait for the queue to drain
    ChatCliOptions chat;        // --chat mode (ChatMode)
    QStringList warnings;       // said on stderr before running (e.g. an unencrypted URL to another host)

    enum class Outcome { Run, Help, Version, Error };
    struct Parsed
    {
        Outcome outcome = Outcome::Error;
        QString text; // help/version text, or the error message
    };

    // arguments includes the program name (QCoreApplication::arguments()).
    Parsed parse(const QStringList &arguments);
};

} // namespace Tether
