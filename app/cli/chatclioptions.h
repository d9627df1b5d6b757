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
    QUrl httpUrl;               // empty = derived from the ws URL (same host and port)
    QString conversation = QStringLiteral("lobby");
    QString databasePath;       // empty = <AppDataLocation>/chat.sqlite
    bool stdinJson = false;     // stdin lines are {"text":..,"id"?:..,"conversation"?:..}
    int outboxLimit = 10000;

    // The server's HTTP base for a ws URL: ws://h:p/ws -> http://h:p, wss -> https.
    static QUrl httpUrlFor(const QUrl &webSocketUrl)
    {
        QUrl url;
        url.setScheme(webSocketUrl.scheme() == QLatin1String("wss") ? QStringLiteral("https") : QStringLiteral("http"));
        url.setHost(webSocketUrl.host());
        url.setPort(webSocketUrl.port());
        return url;
    }
};

} // namespace Tether
