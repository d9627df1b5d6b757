#include "insecureurl.h"

#include <QHostAddress>

namespace Tether {

bool InsecureUrl::isInsecure(const QUrl &url)
{
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("ws") && scheme != QLatin1String("http"))
        return false;
    const QString host = url.host().toLower();
    if (host == QLatin1String("localhost") || host.endsWith(QLatin1String(".localhost")))
        return false;
    const QHostAddress address(host);
    return address.isNull() || !address.isLoopback();
}

QString InsecureUrl::warning(const QUrl &url)
{
    if (!isInsecure(url))
        return QString();
    return QStringLiteral("warning: %1 is not encrypted (%2://): the token and every message cross the network "
                          "in the clear; use wss:// (or https://) for %3")
            .arg(url.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment).toString(),
                 url.scheme().toLower(), url.host());
}

} // namespace Tether
