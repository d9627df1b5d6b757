#include "proxyspec.h"

#include <QUrl>

namespace Tether {

std::optional<QNetworkProxy> ProxySpec::parse(const QString &spec, QString *error)
{
    const QString s = spec.trimmed();
    if (s.compare(QLatin1String("system"), Qt::CaseInsensitive) == 0)
        return QNetworkProxy(QNetworkProxy::DefaultProxy);
    if (s.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0)
        return QNetworkProxy(QNetworkProxy::NoProxy);
    const QUrl url(s, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    QNetworkProxy::ProxyType type = QNetworkProxy::NoProxy;
    if (scheme == QLatin1String("http"))
        type = QNetworkProxy::HttpProxy;
    else if (scheme == QLatin1String("socks5"))
        type = QNetworkProxy::Socks5Proxy;
    if (!url.isValid() || url.host().isEmpty() || url.port() <= 0 || type == QNetworkProxy::NoProxy
        || (!url.path().isEmpty() && url.path() != QLatin1String("/"))) {
        if (error)
            *error = QStringLiteral("expected system, none, http://HOST:PORT or socks5://HOST:PORT, got '%1'").arg(spec);
        return std::nullopt;
    }
    QNetworkProxy proxy(type, url.host(), quint16(url.port()), url.userName(), url.password());
    return proxy;
}

QString ProxySpec::toString(const QNetworkProxy &proxy)
{
    switch (proxy.type()) {
    case QNetworkProxy::DefaultProxy: return QStringLiteral("system");
    case QNetworkProxy::NoProxy: return QStringLiteral("none");
    case QNetworkProxy::HttpProxy: return QStringLiteral("http://%1:%2").arg(proxy.hostName()).arg(proxy.port());
    case QNetworkProxy::Socks5Proxy: return QStringLiteral("socks5://%1:%2").arg(proxy.hostName()).arg(proxy.port());
    default: return QStringLiteral("other");
    }
}

} // namespace Tether
