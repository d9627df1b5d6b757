#pragma once
// What the diagnostics checks are allowed to do: how long each network step may take, how many
// pings to send, the token the WebSocket check presents the way the app does, and which
// certificates the app trusts.

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
    // The app's trust for self-hosted servers: the checks trust what the app trusts, no more.
    QString caFile;
    QString pinnedCertificateSha256;

    // The token and how it travels, and the app's certificate trust, taken from its connection.
    void useConnection(const ConnectionConfig &config)
    {
        accessToken = config.credentials.accessToken;
        tokenTransport = config.tokenTransport;
        tokenQueryParameter = config.tokenQueryParameter;
        caFile = config.caFile;
        pinnedCertificateSha256 = config.pinnedCertificateSha256;
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
        config.caFile = caFile;
        config.pinnedCertificateSha256 = pinnedCertificateSha256;
        return config;
    }
};

} // namespace Tether
