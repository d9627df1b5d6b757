#pragma once
// The reference chat server: one port for the JSON HTTP API and the /ws WebSocket endpoint,
// SQLite storage, JWT auth, limits and graceful shutdown (protocol: docs/protocol.md). This class
// wires the parts together (FrontDoor, HttpApi, FrameHandlers, ServerStorage, MessageBroker) and
// owns the connections' lives: admission, idle timeout and shutdown.

#include "passwordhasher.h"
#include "protocollimits.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QString>
#include <QUrl>

#include <memory>

class QTcpSocket;
class QTimer;
class QUrlQuery;
class QWebSocket;

namespace Tether {

class ClientConnection;
class FrameHandlers;
class FrontDoor;
class HttpApi;
class MessageBroker;
class PollHub;
class PollSession;
class ServerMetrics;
class ServerStorage;
class TokenService;

struct ServerConfig
{
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 0;            // 0 = pick a free port
    QString databasePath;        // empty = default under the user's data dir
    QString secretFile;          // empty = generated and kept in the data dir (next to the db)
    bool allowGuests = false;
    bool demo = false;
    bool openRegistration = false;
    int accessTtlMs = 15 * 60 * 1000;
    int idleTimeoutMs = 60000;
    int restartSpreadMs = 5000;
    int maxConnections = AutoMaxConnections; // 0 = unlimited; see below
    qint64 maxFrameBytes = Protocol::Limits::MaxFrameBytes;

    // Additions beyond the cross-team contract.
    qint64 refreshTtlMs = 30LL * 24 * 60 * 60 * 1000;
    int passwordIterations = 100000;   // PBKDF2 rounds for new passwords (tests use fewer)
    double rateLimitPerSecond = 100;   // frames per second per connection; <= 0 disables
    double rateLimitBurst = 500;
    int rateLimitMaxViolations = 50;   // consecutive refused frames before close 1008
    int shutdownGraceMs = 2000;        // how long shutdown() waits for close handshakes

    // Quotas and refresh token rotation (docs/protocol.md); 0 turns a bound off.
    int maxTextBytes = Protocol::Limits::MaxTextBytes; // longer send texts (UTF-8) get invalid_field
    double userRatePerSecond = 20;     // sends per user across its connections, sustained
    double userRateBurst = 100;
    int conversationsPerHour = 20;     // conversations one user may create per hour (and at once)
    qint64 refreshGraceMs = 30000;     // a rotated refresh token retried this soon gets the same pair
    // Bounded work and admission (issue 10; every bound: 0 = off). maxConnections above is
    // AutoMaxConnections by default: the descriptor limit minus a reserve (AdmissionControl).
    static constexpr int AutoMaxConnections = -1;
    int replayLimit = 500;                    // messages per conversation in a hello's replay
    qint64 sendBufferBytes = 4 * 1024 * 1024; // unsent bytes to one connection before 4008
    int maxPerAddress = 64;                   // connections (WebSocket + raw HTTP) per peer address
    int authTimeoutMs = 10000;                // a WebSocket's time to authenticate (or a guest's hello)
    int groupCommitMax = 1000;                // sends per transaction; 0 = one commit per send (old mode)
    bool durableAcks = true;                  // synchronous=FULL; false = NORMAL (old mode)
    double loginRatePerMinute = 30;           // login/register attempts per address per minute
    double loginUserRatePerMinute = 10;       // login attempts per user name per minute
    int maxPendingLogins = 64;                // password hashes queued or running at once
    // Long polling (issue 13): how long GET /api/poll is held open when nothing is waiting, how
    // long a session lives with no poll open, and how many sessions there may be (0 = no bound).
    int pollHoldMs = 25000;
    int pollExpiryMs = 60000;
    int maxPollSessions = 1000;
    QString metricsToken;              // non-empty: /metrics wants "Authorization: Bearer <it>"; else loopback only
    // The cluster (issue 11; docs/deploy.md): PostgreSQL instead of SQLite, Redis for fan-out.
    QString postgres;                  // libpq CONNINFO (key=value); empty = SQLite at databasePath
    QString redis;                     // redis://host:port; empty = this instance alone (LocalBroker)
    QString instanceId;                // in /health and the broker; empty = host name and pid
};

class ChatServer : public QObject
{
    Q_OBJECT
public:
    explicit ChatServer(const ServerConfig &config, QObject *parent = nullptr);
    ~ChatServer() override;

    bool start(QString *errorMessage = nullptr); // false + message on bad db / port in use
    QUrl webSocketUrl() const;   // ws://127.0.0.1:PORT/ws
    QUrl httpUrl() const;        // http://127.0.0.1:PORT
    void shutdown();             // graceful: 1012 + {"retry_after_ms":N} spread, flush db; emits finished()
    bool addUser(const QString &name, const QString &password, QString *errorMessage = nullptr);
    // The operator's conversations: creates id, or changes its title and visibility (public: open
    // to every user and guest; private: members only). Works before start() too.
    bool addConversation(const QString &id, const QString &title, bool isPublic, QString *errorMessage = nullptr);
    // addUser() in two steps, so the hashing can run elsewhere: the name and password are
    // acceptable; then store the user with its hash.
    static bool checkNewUser(const QString &name, const QString &password, QString *errorMessage);
    bool addUserHash(const QString &name, const PasswordHasher::Hash &hash, QString *errorMessage);

    ServerConfig config() const { return m_config; }
    bool isListening() const;
    quint16 port() const;
    int connectionCount() const;   // open connections: WebSockets and long-polling sessions
    int maxConnections() const;    // in force: the configured cap, or the one the descriptor limit allows (0 = none)
    const FrontDoor &frontDoor() const { return *m_frontDoor; }
    const FrameHandlers &frameHandlers() const { return *m_handlers; }
    const HttpApi &httpApi() const { return *m_httpApi; }
    const PollHub &pollHub() const { return *m_pollHub; }
    // A request to a long-polling path (HttpApi routes them here); always answered.
    void handlePoll(QTcpSocket *socket, const QByteArray &method, const QByteArray &path, const QUrlQuery &query,
                    const QByteArray &body, const QByteArray &authorization);
    QString databasePath() const;  // the resolved path; PostgreSQL's connection string without its password
    QString instanceId() const { return m_instanceId; }
    // What /health reports: "sqlite" or "postgresql", "local" or "redis", and why the instance is
    // degraded (empty while storage and broker work).
    QString storageKind() const;
    QString brokerKind() const;
    QString healthProblem();

    ServerMetrics &metrics() { return *m_metrics; }
    // The Prometheus text of /metrics, with the sampled gauges (connections, storage) brought up to date.
    QByteArray scrapeMetrics();

    static QString defaultDatabasePath();
    static constexpr const char *echoBotId = "echo-bot";

Q_SIGNALS:
    void finished();

private:
    bool openStorage(QString *errorMessage);
    bool loadSecret(QString *errorMessage);
    void onWebSocket(QWebSocket *socket);
    void onDisconnected(ClientConnection *client);
    // Long polling: a new session's connection (nullptr while shutting down), and a session gone.
    ClientConnection *admitPoll(PollSession *session, const QString &peer);
    void onPollEnded(ClientConnection *client);
    // Every connection: WebSockets, then long-polling sessions.
    QList<ClientConnection *> allClients() const;
    // The broker's delivery: a frame to this instance's connections of the conversation's members.
    void deliver(const QString &conversation, const QString &frameText, quint64 exceptConnectionId);
    void closeClient(ClientConnection *client, int code, const QString &reason);
    void checkIdle();
    // The auth timeout: a connection without a user (or a guest without its hello) goes once it
    // is up (a periodic sweep while any connection has not authenticated).
    void checkAuthenticated();
    void finishShutdown();

    ServerConfig m_config;
    QString m_databasePath;
    QString m_instanceId;
    QElapsedTimer m_clock; // monotonic; declared before everything that keeps a reference to it
    std::unique_ptr<ServerMetrics> m_metrics; // before everything that reports to it
    std::unique_ptr<ServerStorage> m_store;
    std::unique_ptr<TokenService> m_tokens;
    std::unique_ptr<MessageBroker> m_broker;
    std::unique_ptr<HttpApi> m_httpApi;
    std::unique_ptr<FrameHandlers> m_handlers;
    std::unique_ptr<PollHub> m_pollHub;
    std::unique_ptr<FrontDoor> m_frontDoor;
    QTimer *m_idleTimer = nullptr;
    QTimer *m_authTimer = nullptr;
    QHash<QWebSocket *, ClientConnection *> m_clients;
    quint64 m_nextConnectionId = 1;
    bool m_started = false;
    bool m_shuttingDown = false;
    bool m_finished = false;
};

} // namespace Tether
