#pragma once
// tether-server's command line, parsed into a ServerConfig without side effects (testable).

#include "chatserver.h"
#include "serverlog.h"

#include <QString>
#include <QStringList>

namespace Tether {

struct ServerOptions
{
    ServerConfig config;
    QString addUser;     // --add-user NAME: store a user (password on stdin) and exit
    QString addConversation;   // --add-conversation ID [--title T] [--public]: store it and exit
    QString conversationTitle;
    bool publicConversation = false;
    ServerLog::Format logFormat = ServerLog::Format::Text; // --log-format
    bool help = false;
    bool version = false;

    // arguments include the program name first, like QCoreApplication::arguments().
    static bool parse(const QStringList &arguments, ServerOptions *options, QString *errorMessage);
    static QString helpText();
};

} // namespace Tether
