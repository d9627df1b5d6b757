#include "appsettings.h"

#include <QNetworkProxy>
#include <QNetworkProxyFactory>
#include <QSettings>

namespace Tether {

AppSettings AppSettings::load(QSettings &s)
{
    AppSettings a;
    a.language = s.value(QStringLiteral("ui/language")).toString();
    a.serverUrl = s.value(QStringLiteral("connection/server")).toString();
    a.fallbackServers = s.value(QStringLiteral("connection/fallbacks")).toStringList();
    a.userName = s.value(QStringLiteral("connection/user")).toString();
    a.userByService = s.value(QStringLiteral("profiles/users")).toMap();
    const QString mode = s.value(QStringLiteral("proxy/mode"), QStringLiteral("system")).toString();
    a.proxyMode = mode == QLatin1String("none") ? ProxyMode::None
        : mode == QLatin1String("manual")       ? ProxyMode::Manual
                                                : ProxyMode::System;
    a.proxyType = s.value(QStringLiteral("proxy/type")).toString() == QLatin1String("socks5") ? ProxyType::Socks5
                                                                                             : ProxyType::Http;
    a.proxyHost = s.value(QStringLiteral("proxy/host")).toString();
    a.proxyPort = s.value(QStringLiteral("proxy/port"), a.proxyPort).toInt();
    a.caFile = s.value(QStringLiteral("tls/caFile")).toString();
    a.pinnedCertificate = s.value(QStringLiteral("tls/pinnedSha256")).toString();
    a.heartbeatIntervalMs = s.value(QStringLiteral("advanced/heartbeatMs"), a.heartbeatIntervalMs).toInt();
    a.pongTimeoutMs = s.value(QStringLiteral("advanced/pongTimeoutMs"), a.pongTimeoutMs).toInt();
    a.connectTimeoutMs = s.value(QStringLiteral("advanced/connectTimeoutMs"), a.connectTimeoutMs).toInt();
    a.backoffInitialMs = s.value(QStringLiteral("advanced/backoffInitialMs"), a.backoffInitialMs).toInt();
    a.backoffMaxMs = s.value(QStringLiteral("advanced/backoffMaxMs"), a.backoffMaxMs).toInt();
    a.failuresBeforeFallback = s.value(QStringLiteral("advanced/failuresBeforeFallback"), a.failuresBeforeFallback).toInt();
    const QString transport = s.value(QStringLiteral("advanced/transport"), QStringLiteral("auto")).toString();
    a.transportMode = transport == QLatin1String("websocket") ? ConnectionConfig::TransportMode::WebSocket
        : transport == QLatin1String("long-poll")             ? ConnectionConfig::TransportMode::LongPoll
                                                              : ConnectionConfig::TransportMode::Auto;
    a.wsRetryIntervalMs = qMax(1000, s.value(QStringLiteral("advanced/wsRetryIntervalMs"), a.wsRetryIntervalMs).toInt());
    return a;
}

void AppSettings::save(QSettings &s) const
{
    s.setValue(QStringLiteral("ui/language"), language);
    s.setValue(QStringLiteral("connection/server"), serverUrl);
    s.setValue(QStringLiteral("connection/fallbacks"), fallbackServers);
    s.setValue(QStringLiteral("connection/user"), userName);
    s.setValue(QStringLiteral("profiles/users"), userByService);
    s.setValue(QStringLiteral("proxy/mode"), proxyMode == ProxyMode::None ? QStringLiteral("none")
                                              : proxyMode == ProxyMode::Manual ? QStringLiteral("manual")
                                                                               : QStringLiteral("system"));
    s.setValue(QStringLiteral("proxy/type"), proxyType == ProxyType::Socks5 ? QStringLiteral("socks5") : QStringLiteral("http"));
    s.setValue(QStringLiteral("proxy/host"), proxyHost);
    s.setValue(QStringLiteral("proxy/port"), proxyPort);
    s.setValue(QStringLiteral("tls/caFile"), caFile);
    s.setValue(QStringLiteral("tls/pinnedSha256"), pinnedCertificate);
    s.setValue(QStringLiteral("advanced/heartbeatMs"), heartbeatIntervalMs);
    s.setValue(QStringLiteral("advanced/pongTimeoutMs"), pongTimeoutMs);
    s.setValue(QStringLiteral("advanced/connectTimeoutMs"), connectTimeoutMs);
    s.setValue(QStringLiteral("advanced/backoffInitialMs"), backoffInitialMs);
    s.setValue(QStringLiteral("advanced/backoffMaxMs"), backoffMaxMs);
    s.setValue(QStringLiteral("advanced/failuresBeforeFallback"), failuresBeforeFallback);
    s.setValue(QStringLiteral("advanced/transport"),
               transportMode == ConnectionConfig::TransportMode::WebSocket ? QStringLiteral("websocket")
               : transportMode == ConnectionConfig::TransportMode::LongPoll ? QStringLiteral("long-poll")
                                                                            : QStringLiteral("auto"));
    s.setValue(QStringLiteral("advanced/wsRetryIntervalMs"), wsRetryIntervalMs);
    s.sync();
}

QStringList AppSettings::servers() const
{
    QStringList list;
    if (!serverUrl.trimmed().isEmpty())
        list << serverUrl.trimmed();
    for (const QString &f : fallbackServers) {
        const QString t = f.trimmed();
        if (!t.isEmpty() && !list.contains(t))
            list << t;
    }
    return list;
}

QNetworkProxy AppSettings::proxy() const
{
    switch (proxyMode) {
    case ProxyMode::System:
        return QNetworkProxy(QNetworkProxy::DefaultProxy);
    case ProxyMode::None:
        return QNetworkProxy(QNetworkProxy::NoProxy);
    case ProxyMode::Manual:
        break;
    }
    return QNetworkProxy(proxyType == ProxyType::Socks5 ? QNetworkProxy::Socks5Proxy : QNetworkProxy::HttpProxy,
                         proxyHost, quint16(proxyPort));
}

ConnectionConfig AppSettings::applyTo(ConnectionConfig c) const
{
    c.proxy = proxy();
    c.caFile = caFile;
    c.pinnedCertificateSha256 = pinnedCertificate;
    c.heartbeatIntervalMs = heartbeatIntervalMs;
    c.pongTimeoutMs = pongTimeoutMs;
    c.connectTimeoutMs = connectTimeoutMs;
    c.backoff.initialMs = backoffInitialMs;
    c.backoff.maxMs = qMax(backoffInitialMs, backoffMaxMs);
    c.transportMode = transportMode;
    c.wsRetryIntervalMs = wsRetryIntervalMs;
    return c;
}

void AppSettings::applyProxy() const
{
    switch (proxyMode) {
    case ProxyMode::System:
        QNetworkProxy::setApplicationProxy(QNetworkProxy(QNetworkProxy::DefaultProxy));
        QNetworkProxyFactory::setUseSystemConfiguration(true);
        break;
    case ProxyMode::None:
        QNetworkProxyFactory::setUseSystemConfiguration(false);
        QNetworkProxy::setApplicationProxy(QNetworkProxy(QNetworkProxy::NoProxy));
        break;
    case ProxyMode::Manual:
        QNetworkProxyFactory::setUseSystemConfiguration(false);
        QNetworkProxy::setApplicationProxy(QNetworkProxy(
            proxyType == ProxyType::Socks5 ? QNetworkProxy::Socks5Proxy : QNetworkProxy::HttpProxy, proxyHost,
            quint16(proxyPort)));
        break;
    }
}

QString AppSettings::proxyDescription() const
{
    switch (proxyMode) {
    case ProxyMode::System:
        return QStringLiteral("system");
    case ProxyMode::None:
        return QStringLiteral("none");
    case ProxyMode::Manual:
        break;
    }
    return QStringLiteral("manual %1://%2:%3")
        .arg(proxyType == ProxyType::Socks5 ? QStringLiteral("socks5") : QStringLiteral("http"), proxyHost)
        .arg(proxyPort);
}

bool AppSettings::operator==(const AppSettings &o) const
{
    return language == o.language && serverUrl == o.serverUrl && fallbackServers == o.fallbackServers
        && userName == o.userName && proxyMode == o.proxyMode && proxyType == o.proxyType
        && proxyHost == o.proxyHost && proxyPort == o.proxyPort && heartbeatIntervalMs == o.heartbeatIntervalMs
        && pongTimeoutMs == o.pongTimeoutMs && connectTimeoutMs == o.connectTimeoutMs
        && transportMode == o.transportMode && wsRetryIntervalMs == o.wsRetryIntervalMs
        && backoffInitialMs == o.backoffInitialMs && backoffMaxMs == o.backoffMaxMs
        && failuresBeforeFallback == o.failuresBeforeFallback && caFile == o.caFile
        && pinnedCertificate == o.pinnedCertificate && userByService == o.userByService;
}

} // namespace Tether
