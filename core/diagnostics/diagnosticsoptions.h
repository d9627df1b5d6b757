#pragma once
// What the diagnostics checks are allowed to do: how long each network step may take, how many
// pings to send, and the token the WebSocket check presents the way the app does.

#include "connectionconfig.h"

#include <QUrl>

namespace Tether {

struct DiagnosticsOptions
{
    int timeoutMs = 5000; // per network step
    int pings = 5;
    QString accessToken;  // optional; never shown
    ConnectionConfig::TokenTransport tokenTransport = ConnectionConfig::TokenTransport::Header;
    QString tokenQueryParameter = ConnectionConfig().tokenQueryParameter;

    // The token and how it travels, taken from the app's connection.
    void useConnection(const ConnectionConfig &config)
    {
        accessToken = config.credentials.accessToken;
        tokenTransport = config.tokenTransport;
        tokenQueryParameter = config.tokenQueryParameter;
    }

    // What the WebSocket check connects with: the app's transport, these limits.
    ConnectionConfig connectionTo(const QUrl &url) const
    {
        ConnectionConfig config;
        config.url = url;
        config.credentials.accessToken = accessToken;
        config.tokenTransport = tokenTransport;
        config.tokenQueryParameter = tokenQueryParameter;
        config.connectTimeoutMs = timeoutMs;
        return config;
    }
};

} // namespace Tether
