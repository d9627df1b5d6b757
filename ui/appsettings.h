#pragma once
// The desktop app's settings (QSettings-backed) and how they turn into a ConnectionConfig and
// the application proxy. Applied without a restart.

#include "connectionconfig.h"

#include <QString>
#include <QStringList>

class QSettings;

namespace Tether {

struct AppSettings
{
    enum class ProxyMode { System, None, Manual };
    enum class ProxyType { Http, Socks5 };

    QString language;            // "en", "ru"; empty = the system's
    QString serverUrl;           // empty = the embedded local server
    QStringList fallbackServers; // tried in turn when the current one keeps failing
    QString userName;            // last signed-in user on serverUrl; empty = guest

    ProxyMode proxyMode = ProxyMode::System;
    ProxyType proxyType = ProxyType::Http;
    QString proxyHost;
    int proxyPort = 8080;

    int heartbeatIntervalMs = 20000;
    int pongTimeoutMs = 10000;
    int connectTimeoutMs = 10000;
    int backoffInitialMs = 1000;
    int backoffMaxMs = 30000;
    int failuresBeforeFallback = 3;

    static AppSettings load(QSettings &settings);
    void save(QSettings &settings) const;

    // The configured servers in the order they are tried: primary first, then the fallbacks.
    QStringList servers() const;
    // Timings and the heartbeat from these settings on top of base (url and credentials untouched).
    ConnectionConfig applyTo(ConnectionConfig base) const;
    // Installs the proxy choice for every socket of the process.
    void applyProxy() const;
    QString proxyDescription() const; // "system", "none", "manual http://host:port" (no credentials)

    bool operator==(const AppSettings &o) const;
    bool operator!=(const AppSettings &o) const { return !(*this == o); }
};

} // namespace Tether
