#pragma once
// ConnectionManager drives one logical connection through an explicit state machine: backoff with
// jitter, heartbeat, close-code policy, token refresh before reconnect, network awareness, an
// outbound queue, statistics and an event log. Each attempt is one Transport: WebSocket, or HTTP
// long polling when the upgrade is blocked (config.transportMode).
//
// CONTRACT NOTE (for everyone building on core): the public API below is what the chat layer,
// the UI, tether-cli and the benchmarks use. Additions are fine; renames are not.

#include "connectionconfig.h"
#include "connectionevent.h"
#include "connectionstate.h"
#include "connectionstats.h"
#include "transport.h"

#include <QDateTime>
#include <QObject>
#include <QUrl>

#include <memory>

namespace Tether {

class NetworkMonitor;

class ConnectionManager : public QObject
{
    Q_OBJECT
    Q_PROPERTY(Tether::ConnectionState state READ state NOTIFY stateChanged)

public:
    enum class SendResult {
        Sent,     // written to an open socket
        Queued,   // not connected: queued, flushed in order on (re)connect
        Rejected, // queue full; errorOccurred(QueueFull) explains
    };
    Q_ENUM(SendResult)

    /*!
        \enum ConnectionManager::Error
        Reported by errorOccurred() with a message (never holding a secret).
        \value QueueFull              send() refused the text: the outbound queue holds queueLimit messages.
        \value HandshakeTimeout       No connection, upgrade or answer to the auth frame within connectTimeoutMs.
        \value PongTimeout            A ping (or probe) got no answer in time: the link was dead and is dropped.
        \value SocketError            A network, TLS or HTTP error ended the attempt or the connection;
                                      the message has the detail.
        \value TokenRefreshFailed     The refresh could not be done now (unreachable, 5xx, bad answer):
                                      retried with backoff.
        \value AuthenticationRejected The server refused the credentials for good (refresh 400/401/403,
                                      a second refusal, 4003, 4500-4999): signed out.
        \value InvalidToken           The access token is a JWT whose payload cannot be read.
        \value ProtocolError          Not raised today; kept so the values stay stable.
        \value NotOpen                Not raised since send() queues in every state; kept so the values stay stable.
    */
    enum class Error {
        QueueFull,
        HandshakeTimeout,
        PongTimeout,
        SocketError,
        TokenRefreshFailed,
        AuthenticationRejected,
        InvalidToken,
        ProtocolError,
        NotOpen,
    };
    Q_ENUM(Error)

    explicit ConnectionManager(QObject *parent = nullptr);
    // networkMonitor: nullptr = the default QNetworkInformation-backed monitor. Not owned.
    explicit ConnectionManager(const ConnectionConfig &config, NetworkMonitor *networkMonitor = nullptr,
                               QObject *parent = nullptr);
    ~ConnectionManager() override;

    const ConnectionConfig &config() const;
    void setConfig(const ConnectionConfig &config); // takes effect from the next attempt

    // Credentials may change at any time (sign-in, token refresh by the app).
    void setCredentials(const Credentials &credentials);
    Credentials credentials() const;

    ConnectionState state() const;
    int attempt() const;               // attempts in the current failure series (0 when connected)
    QDateTime nextAttemptAt() const;   // valid while Reconnecting
    qint64 msUntilNextAttempt() const; // -1 unless Reconnecting
    ConnectionStats stats() const;
    // When the last frame of any kind arrived from the server (UTC); invalid if none ever did.
    // Kept while reconnecting, so the UI can say how long the server has been silent.
    QDateTime lastFrameAt() const;
    QList<ConnectionEvent> events() const; // bounded in-memory log, oldest first
    QUrl displayUrl() const;           // the server URL with secrets (query tokens, user info) redacted

public Q_SLOTS:
    void open();          // Disconnected/Failed/SignedOut -> Connecting (refreshing the token first if due)
    void close();         // close with 1000, stop reconnecting, drop nothing from the queue
    void reconnectNow();  // skip the backoff wait (Reconnecting, Failed, WaitingForNetwork)
    void probe();         // check liveness now: a short-timeout ping when connected, an attempt otherwise

public:
    SendResult send(const QString &text);
    int queuedCount() const;
    // True while a graceful close (after close()) waits for the server's close frame (bounded).
    bool isClosing() const;
    NetworkMonitor *networkMonitor() const;
    // What each attempt connects through; default: a WebSocketTransport. Takes effect from the
    // next attempt. An empty factory restores the default.
    void setTransportFactory(Transport::Factory factory);
    // The transport of the current (or last) link: "websocket" or "long-poll" (config.transportMode).
    QString transport() const;
    // Why auto mode fell back to long polling (e.g. "HTTP 426 instead of the WebSocket upgrade");
    // empty when it did not.
    QString fallbackReason() const;
    // The server's clock as estimated from welcome/pong server_time and the HTTP Date of refresh
    // answers; token expiry is judged by it. Callers that log in themselves pass their answer's
    // Date (AuthClient::Result::serverDate) before the first attempt.
    void observeServerTime(const QDateTime &serverTime, qint64 rttMs = 0);
    qint64 serverClockOffsetMs() const; // server - local, 0 while unknown
    // The local clock (default: the system's UTC time), for tests that put it an hour off.
    void setLocalClock(std::function<QDateTime()> clock);

Q_SIGNALS:
    void stateChanged(Tether::ConnectionState state, Tether::ConnectionState previous);
    void connected();
    // code is 1006 when no close frame arrived (the socket just died).
    void closed(int code, const QString &reason);
    void reconnectScheduled(int attempt, int delayMs); // emitted just before stateChanged(Reconnecting)
    void textMessageReceived(const QString &text);
    void errorOccurred(Tether::ConnectionManager::Error error, const QString &message);
    void tokenRefreshed();                 // credentials() now hold the new tokens
    void credentialsChanged();
    void pongReceived(int rttMs);
    void eventLogged(const Tether::ConnectionEvent &event);
    void statsChanged();
    void closingFinished(); // the socket closed by close() is gone (acknowledged or timed out)
    // While connected, the link moved to another transport ("websocket", "long-poll") without a
    // gap: the state stays Connected. linkReplaced() follows: a new link wants its hello.
    void transportChanged(const QString &transport);
    void linkReplaced();

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace Tether
