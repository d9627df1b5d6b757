#pragma once
// The reference chat server: one port for the JSON HTTP API and the /ws WebSocket endpoint,
// SQLite storage, JWT auth, limits and graceful shutdown (protocol: docs/protocol.md).

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QString>
#include <QUrl>

#include <memory>

class QJsonObject;
class QTcpServer;
class QTcpSocket;
class QTimer;
class QWebSocket;
class QWebSocketServer;

namespace Tether {

class ChatStore;
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
    int maxConnections = 0;      // 0 = unlimited
    qint64 maxFrameBytes = 512 * 1024;

    // Additions beyond the cross-team contract.
    qint64 refreshTtlMs = 30LL * 24 * 60 * 60 * 1000;
    int passwordIterations = 100000;   // PBKDF2 rounds for new passwords (tests use fewer)
    double rateLimitPerSecond = 100;   // frames per second per connection; <= 0 disables
    double rateLimitBurst = 500;
    int rateLimitMaxViolations = 50;   // consecutive refused frames before close 1008
    int shutdownGraceMs = 2000;        // how long shutdown() waits for close handshakes
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

    ServerConfig config() const { return m_config; }
    bool isListening() const;
    quint16 port() const;
    int connectionCount() const;   // open WebSocket connections
    QString databasePath() const;  // the resolved path

    static QString defaultDatabasePath();
    static constexpr const char *echoBotId = "echo-bot";

Q_SIGNALS:
    void finished();

private:
    struct Client;

    bool openStorage(QString *errorMessage);
    bool loadSecret(QString *errorMessage);
    void onTcpConnection();
    void onTcpReadyRead(QTcpSocket *socket);
    void handleHttp(QTcpSocket *socket, const QByteArray &method, const QByteArray &path, const QByteArray &body);
    void writeHttp(QTcpSocket *socket, int status, const QJsonObject &body, const QByteArray &extraHeaders = QByteArray());
    QJsonObject tokenResponse(const QString &userId);

    void onWebSocket();
    void onTextMessage(Client *client, const QString &text);
    void onDisconnected(Client *client);
    bool authenticate(Client *client, const QString &token);
    void dispatch(Client *client, const QJsonObject &frame);
    void handleHello(Client *client, const QJsonObject &frame);
    void handleSend(Client *client, const QJsonObject &frame);
    void handleHistory(Client *client, const QJsonObject &frame);
    void handleJoin(Client *client, const QJsonObject &frame);
    void handleLeave(Client *client, const QJsonObject &frame);
    void handleTyping(Client *client, const QJsonObject &frame);
    void storeAndBroadcast(const QString &conversation, const QString &clientId, const QString &from,
                           const QString &text, Client *sender, const QJsonValue &frameId);
    void broadcast(const QString &conversation, const QJsonObject &frame, Client *except = nullptr);
    void sendFrame(Client *client, const QJsonObject &frame);
    void sendError(Client *client, const QString &code, const QString &message, const QJsonValue &id);
    void closeClient(Client *client, int code, const QString &reason);
    void checkIdle();
    void finishShutdown();

    ServerConfig m_config;
    QString m_databasePath;
    std::unique_ptr<ChatStore> m_store;
    std::unique_ptr<TokenService> m_tokens;
    QTcpServer *m_tcpServer = nullptr;
    QWebSocketServer *m_wsServer = nullptr;
    QTimer *m_idleTimer = nullptr;
    QHash<QWebSocket *, Client *> m_clients;
    QHash<QString, qint64> m_lastReceived; // "addr:port" of a raw socket -> monotonic ms of last bytes
    QElapsedTimer m_clock;
    bool m_started = false;
    bool m_shuttingDown = false;
    bool m_finished = false;
};

} // namespace Tether
