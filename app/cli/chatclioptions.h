#pragma once
// The options of tether-cli's chat mode (--chat), parsed by CliOptions, run by ChatMode.

#include <QString>
#include <QUrl>

namespace Tether {

struct ChatCliOptions
{
    bool enabled = false;
    QString user;               // empty = guest
    QString password;           // from --password or $TETHER_PASSWORD; never printed
    QUrl httpUrl;               // empty = AuthClient::httpBaseFor(the ws URL): same host and port
    QString conversation = QStringLiteral("lobby");
    QString databasePath;       // empty = <AppDataLocation>/chat.sqlite
    bool stdinJson = false;     // stdin lines are {"text":..,"id"?:..,"conversation"?:..}
    int outboxLimit = 10000;
};

} // namespace Tether
