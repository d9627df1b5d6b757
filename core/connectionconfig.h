#pragma once
// Everything tunable about one connection. Defaults are the desktop app's; tests use ms-scale values.

#include "backoff.h"
#include "framecodec.h"
#include "frametype.h"
#include "keys.h"
#include "pingframe.h"

#include <QByteArray>
#include <QNetworkProxy>
#include <QString>
#include <QUrl>

namespace Tether {

struct Credentials
{
    QString accessToken;   // empty = anonymous / guest
    QString refreshToken;  // optional
    QUrl refreshUrl;       // where AuthClient::refresh() exchanges the refresh token for new tokens
    bool isAnonymous() const { return accessToken.isEmpty() && refreshToken.isEmpty(); }
};

struct ConnectionConfig
{
    enum class TokenTransport { Header, Query, Message };
    enum class HeartbeatMode { Frame, Json, Off };
    // Which transport carries the frames (docs/connection.md, "Transports"). Auto: WebSocket, and
    // HTTP long polling when the upgrade looks blocked (TransportDecider). The CLI and the app
    // default to Auto; the library keeps WebSocket unless told.
    enum class TransportMode { Auto, WebSocket, LongPoll };

    QUrl url;
    Credentials credentials;
    TokenTransport tokenTransport = TokenTransport::Header;
    QString tokenQueryParameter = QString(Protocol::Key::AccessToken);

    TransportMode transportMode = TransportMode::WebSocket;
    int wsRetryIntervalMs = 180000; // on the long-polling fallback: a WebSocket trial this often

    HeartbeatMode heartbeatMode = HeartbeatMode::Frame;
    int heartbeatIntervalMs = 20000; // under the 60 s idle limit of common proxies
    int pongTimeoutMs = 10000;
    QByteArray jsonPing = Protocol::FrameCodec::encodeUtf8(Protocol::PingFrame().toJson());
    QString jsonPongType = QString(Protocol::FrameType::Pong); // a received frame of this type is a pong

    int connectTimeoutMs = 10000;  // TCP + TLS + upgrade (+ first-message auth)
    int probeTimeoutMs = 3000;     // pong timeout of a probe after a network change / resume
    int minUptimeMs = 10000;       // the attempt counter resets only after this long connected
    BackoffPolicy backoff;

    int queueLimit = 1000;
    qint64 maxIncomingMessageSize = 16 * 1024 * 1024;
    int tokenRefreshSkewMs = 30000; // refresh when the token expires within this
    int eventLogLimit = 500;
    // A text frame of this type (Protocol::GoodbyeFrame) announces the server's next close. Qt 6.4
    // turns close codes 1012-2999 into 1002 and drops the reason; the announcement restores them.
    // Empty = ignore announcements.
    QString goodbyeType = QString(Protocol::FrameType::Goodbye);

    // Self-hosted servers: PEM CA certificates trusted besides the system's, and a pinned server
    // certificate (SHA-256 fingerprint, trust on first use) that is accepted as is - and nothing else.
    QString caFile;
    QString pinnedCertificateSha256;
    // Set on the socket itself: Qt skips the application-wide proxy for loopback hosts.
    QNetworkProxy proxy = QNetworkProxy(QNetworkProxy::DefaultProxy);
};

} // namespace Tether
