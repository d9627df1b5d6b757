#pragma once
// The desktop app's settings (QSettings-backed) and how they turn into a ConnectionConfig and
// the application proxy. Applied without a restart.

#include "connectionconfig.h"

#include <QNetworkProxy>

#include <QString>
#include <QStringList>
#include <QVariantMap>

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
    // Each service's own profile (keyed by its primary server URL): who was signed in there, so
    // switching the primary to another service and back restores that service's account.
    QVariantMap userByService;

    ProxyMode proxyMode = ProxyMode::System;
    ProxyType proxyType = ProxyType::Http;
    QString proxyHost;
    int proxyPort = 8080;
    QString caFile;              // PEM CA certificates trusted besides the system's (self-hosted servers)
    QString pinnedCertificate;   // SHA-256 of the server certificate trusted on first use

    int heartbeatIntervalMs = 20000;
    int pongTimeoutMs = 10000;
    int connectTimeoutMs = 10000;
    int backoffInitialMs = 1000;
    int backoffMaxMs = 30000;
    int failuresBeforeFallback = 3;
    // WebSocket, or HTTP long polling when the upgrade is blocked (auto), and how often the
    // fallback tries WebSocket again.
    ConnectionConfig::TransportMode transportMode = ConnectionConfig::TransportMode::Auto;
    int wsRetryIntervalMs = 180000;

    static AppSettings load(QSettings &settings);
    void save(QSettings &settings) const;

    // The configured servers in the order they are tried: primary first, then the fallbacks.
    QStringList servers() const;
    // Timings and the heartbeat from these settings on top of base (url and credentials untouched).
    ConnectionConfig applyTo(ConnectionConfig base) const;
    // The proxy as set on each socket and network access manager (Qt skips the application proxy
    // for loopback hosts, so the app's own sockets carry it themselves).
    QNetworkProxy proxy() const;
    // Installs the proxy choice for every socket of the process.
    void applyProxy() const;
    QString proxyDescription() const; // "system", "none", "manual http://host:port" (no credentials)

    bool operator==(const AppSettings &o) const;
    bool operator!=(const AppSettings &o) const { return !(*this == o); }
};

} // namespace Tether
