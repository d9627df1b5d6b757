#include "chatserver.h"

#include "admissioncontrol.h"
#include "chatstore.h"
#include "clientconnection.h"
#include "closecode.h"
#include "endpoints.h"
#include "framehandlers.h"
#include "frontdoor.h"
#include "httpapi.h"
#include "keys.h"
#include "localbroker.h"
#include "logtext.h"
#include "passwordhasher.h"
#include "pgchatstore.h"
#include "redisbroker.h"
#include "pollhub.h"
#include "pollsession.h"
#include "restartspread.h"
#include "serverlog.h"
#include "servermetrics.h"
#include "tokenservice.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QLoggingCategory>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QSysInfo>
#include <QTimer>
#include <QUrlQuery>
#include <QJsonDocument>
#include <QJsonObject>
#include <QWebSocket>

namespace Tether {

Q_LOGGING_CATEGORY(lcServer, "tether.server")

using Protocol::CloseCode;

namespace {
bool validUserName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"));
    return pattern.match(name).hasMatch() && !Protocol::Limits::isGuestId(name)
            && name != QLatin1String(ChatServer::echoBotId);
}

QUrl makeUrl(const QString &scheme, QHostAddress address, quint16 port, const QString &path)
{
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4)
        address = QHostAddress::LocalHost;
    else if (address == QHostAddress::AnyIPv6)
        address = QHostAddress::LocalHostIPv6;
    QUrl url;
    url.setScheme(scheme);
    url.setHost(address.toString());
    url.setPort(port);
    url.setPath(path);
    return url;
}

// The token of a WebSocket upgrade: "Authorization: Bearer <token>", else ?access_token=<token>.
QString upgradeToken(const QNetworkRequest &request)
{
    const QByteArray authorization = request.rawHeader("Authorization").trimmed();
    const QLatin1String scheme = Protocol::Value::Bearer;
    if (authorization.size() > scheme.size() + 1 && authorization.at(scheme.size()) == ' '
        && QLatin1String(authorization.left(scheme.size())).compare(scheme, Qt::CaseInsensitive) == 0) {
        const QString token = QString::fromLatin1(authorization.mid(scheme.size() + 1).trimmed());
        if (!token.isEmpty())
            return token;
    }
    return QUrlQuery(request.url()).queryItemValue(QString(Protocol::Key::AccessToken), QUrl::FullyDecoded);
}
} // namespace

ChatServer::ChatServer(const ServerConfig &config, QObject *parent)
    : QObject(parent), m_config(config), m_metrics(std::make_unique<ServerMetrics>()),
      m_tokens(std::make_unique<TokenService>())
{
    m_clock.start();
    m_instanceId = m_config.instanceId.isEmpty()
            ? QStringLiteral("%1-%2").arg(QSysInfo::machineHostName(), QString::number(QCoreApplication::applicationPid()))
            : m_config.instanceId;
    if (m_config.postgres.isEmpty())
        m_store = std::make_unique<ChatStore>(config.durableAcks ? ChatStore::Sync::Durable : ChatStore::Sync::NotDurable);
    else
        m_store = std::make_unique<PgChatStore>();
    if (m_config.redis.isEmpty())
        m_broker = std::make_unique<LocalBroker>();
    else
        m_broker = std::make_unique<RedisBroker>(QUrl(m_config.redis), m_instanceId, *m_store);
    m_databasePath = !m_config.postgres.isEmpty() ? m_config.postgres
            : m_config.databasePath.isEmpty() ? defaultDatabasePath() : m_config.databasePath;
    m_broker->setDelivery([this](const QString &conversation, const QString &frameText, quint64 except) {
        deliver(conversation, frameText, except);
    });
    m_httpApi = std::make_unique<HttpApi>(*this, *m_store, *m_tokens, m_clock);
    m_handlers = std::make_unique<FrameHandlers>(m_config, *m_store, *m_tokens, *m_broker, m_clock);
    m_handlers->setMetrics(m_metrics.get());
    PollHub::Hooks hooks;
    hooks.admit = [this](PollSession *session, const QString &peer) { return admitPoll(session, peer); };
    hooks.ended = [this](ClientConnection *client) { onPollEnded(client); };
    m_pollHub = std::make_unique<PollHub>(m_config, *m_handlers, m_clock, std::move(hooks));
    m_frontDoor = std::make_unique<FrontDoor>(*m_httpApi, m_clock);
    connect(m_frontDoor.get(), &FrontDoor::webSocketConnected, this, &ChatServer::onWebSocket);
}

ChatServer::~ChatServer()
{
    // Whatever was received is stored first (its senders still exist to be told).
    m_handlers->flushPending();
    m_pollHub->endAll();
    // Tear down without callbacks into a half-destroyed object.
    const auto clients = m_clients;
    m_clients.clear();
    for (auto it = clients.cbegin(); it != clients.cend(); ++it) {
        it.key()->disconnect(this);
        it.key()->abort();
        delete it.key();
        delete it.value();
    }
    m_frontDoor->disconnect(this);
    m_frontDoor->close();
    m_store->close();
}

QString ChatServer::defaultDatabasePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
            + QStringLiteral("/tether/server.sqlite");
}

QString ChatServer::databasePath() const
{
    // A connection string may carry a password: never handed out whole.
    return m_config.postgres.isEmpty() ? m_databasePath : PgChatStore::redacted(m_databasePath);
}

bool ChatServer::openStorage(QString *errorMessage)
{
    if (m_store->isOpen())
        return true;
    return m_store->open(m_databasePath, errorMessage);
}

bool ChatServer::loadSecret(QString *errorMessage)
{
    // Without --secret-file, a shared storage keeps the secret: a login on one instance is then
    // valid on every other.
    if (m_config.secretFile.isEmpty()) {
        QString error;
        const QByteArray shared = m_store->sharedSecret(&error);
        if (!error.isEmpty()) {
            if (errorMessage)
                *errorMessage = error;
            return false;
        }
        if (!shared.isEmpty()) {
            m_tokens->setSecret(shared);
            return true;
        }
    }
    const QString path = m_config.secretFile.isEmpty() ? m_databasePath + QStringLiteral(".secret")
                                                       : m_config.secretFile;
    return m_tokens->loadOrCreateSecret(path, errorMessage);
}

bool ChatServer::start(QString *errorMessage)
{
    if (m_started) {
        if (errorMessage)
            *errorMessage = QStringLiteral("server already started");
        return false;
    }
    QString error;
    if (!openStorage(&error) || !loadSecret(&error)) {
        qCWarning(lcServer).noquote() << "start failed:" << error;
        if (errorMessage)
            *errorMessage = error;
        m_store->close();
        return false;
    }
    m_store->purgeExpiredRefreshTokens(QDateTime::currentMSecsSinceEpoch());
    if (m_config.demo) {
        if (!m_store->ensureConversation(QStringLiteral("lobby"), QStringLiteral("Lobby"), true, &error)
            || !m_store->ensureConversation(QStringLiteral("echo"), QStringLiteral("Echo"), true, &error)) {
            if (errorMessage)
                *errorMessage = QStringLiteral("cannot create demo conversations: %1").arg(error);
            m_store->close();
            return false;
        }
        const QString bot = QString::fromLatin1(echoBotId);
        if (!m_store->hasUser(bot))
            m_store->addUser(bot, PasswordHasher::Hash(), nullptr); // no password: cannot log in
    }

    m_frontDoor->setLimits(maxConnections(), m_config.maxPerAddress);
    if (!m_frontDoor->listen(m_config.address, m_config.port, &error)) {
        qCWarning(lcServer).noquote() << error;
        if (errorMessage)
            *errorMessage = error;
        m_store->close();
        return false;
    }

    m_authTimer = new QTimer(this);
    m_authTimer->setInterval(qBound(10, m_config.authTimeoutMs / 20, 100));
    connect(m_authTimer, &QTimer::timeout, this, &ChatServer::checkAuthenticated);

    m_idleTimer = new QTimer(this);
    m_idleTimer->setInterval(qBound(5, m_config.idleTimeoutMs / 4, 1000));
    connect(m_idleTimer, &QTimer::timeout, this, &ChatServer::checkIdle);
    if (m_config.idleTimeoutMs > 0)
        m_idleTimer->start();

    if (auto *redis = dynamic_cast<RedisBroker *>(m_broker.get()))
        redis->start();
    m_started = true;
    qCInfo(lcServer).noquote() << "listening on" << httpUrl().toString() << "instance" << m_instanceId
                               << "db" << databasePath()
                               << "broker" << (m_config.redis.isEmpty() ? QStringLiteral("local")
                                                                        : RedisBroker::redactedUrl(QUrl(m_config.redis)))
                               << "guests" << m_config.allowGuests << "demo" << m_config.demo;
    qCInfo(lcServer).noquote() << "limits: max connections" << maxConnections() << "(descriptor limit"
                               << AdmissionControl::descriptorLimit() << ") per address" << m_config.maxPerAddress
                               << "auth timeout" << m_config.authTimeoutMs << "ms, replay" << m_config.replayLimit
                               << "send buffer" << m_config.sendBufferBytes << "bytes, group commit"
                               << m_config.groupCommitMax << (m_config.durableAcks ? "durable" : "NOT durable");
    return true;
}

QString ChatServer::storageKind() const
{
    return m_config.postgres.isEmpty() ? QStringLiteral("sqlite") : QStringLiteral("postgresql");
}

QString ChatServer::brokerKind() const
{
    return m_broker->kind();
}

QString ChatServer::healthProblem()
{
    QStringList problems;
    const QString storage = m_store->healthProblem();
    if (!storage.isEmpty())
        problems.append(storage);
    const QString broker = m_broker->problem();
    if (!broker.isEmpty())
        problems.append(broker);
    return problems.join(QStringLiteral("; "));
}

int ChatServer::maxConnections() const
{
    if (m_config.maxConnections == ServerConfig::AutoMaxConnections)
        return AdmissionControl::defaultMaxConnections(AdmissionControl::descriptorLimit());
    return qMax(0, m_config.maxConnections);
}

bool ChatServer::isListening() const
{
    return m_frontDoor->isListening();
}

quint16 ChatServer::port() const
{
    return m_frontDoor->port();
}

QByteArray ChatServer::scrapeMetrics()
{
    int webSockets = 0;
    for (const ClientConnection *client : std::as_const(m_clients))
        webSockets += client->isClosing() ? 0 : 1;
    m_metrics->setConnectionsOpen(ServerMetrics::ConnectionKind::WebSocket, webSockets);
    m_metrics->setConnectionsOpen(ServerMetrics::ConnectionKind::LongPoll, connectionCount() - webSockets);
    // Read at scrape time: a cluster's PostgreSQL or Redis can go and come back at any moment.
    m_metrics->setStorageUp(m_store->isOpen() && m_store->healthProblem().isEmpty());
    m_metrics->setBrokerUp(m_broker->problem().isEmpty());
    return m_metrics->scrape();
}

int ChatServer::connectionCount() const
{
    int count = 0;
    const auto clients = allClients();
    for (const ClientConnection *client : clients) {
        if (!client->isClosing())
            ++count;
    }
    return count;
}

QUrl ChatServer::webSocketUrl() const
{
    return makeUrl(QStringLiteral("ws"), m_config.address, port(), QString(Protocol::Path::WebSocket));
}

QUrl ChatServer::httpUrl() const
{
    return makeUrl(QStringLiteral("http"), m_config.address, port(), QString());
}

bool ChatServer::checkNewUser(const QString &name, const QString &password, QString *errorMessage)
{
    if (!validUserName(name)) {
        if (errorMessage)
            *errorMessage = QStringLiteral("invalid user name \"%1\" (letters, digits, _ . -; max 64; not guest-*)").arg(name);
        return false;
    }
    if (password.isEmpty()) {
        if (errorMessage)
            *errorMessage = QStringLiteral("empty password");
        return false;
    }
    return true;
}

bool ChatServer::addUser(const QString &name, const QString &password, QString *errorMessage)
{
    if (!checkNewUser(name, password, errorMessage))
        return false;
    return addUserHash(name, PasswordHasher::hash(password, m_config.passwordIterations), errorMessage);
}

bool ChatServer::addUserHash(const QString &name, const PasswordHasher::Hash &hash, QString *errorMessage)
{
    if (!validUserName(name)) {
        if (errorMessage)
            *errorMessage = QStringLiteral("invalid user name");
        return false;
    }
    if (!openStorage(errorMessage))
        return false;
    if (!m_store->addUser(name, hash, errorMessage))
        return false;
    qCInfo(lcServer).noquote() << "added user" << LogText::escape(name);
    return true;
}

bool ChatServer::addConversation(const QString &id, const QString &title, bool isPublic, QString *errorMessage)
{
    if (!Protocol::Limits::isValidConversationId(id)) {
        if (errorMessage)
            *errorMessage = QStringLiteral("invalid conversation id \"%1\" (1-%2 of A-Z a-z 0-9 _ . : -)")
                                    .arg(LogText::escape(id), QString::number(Protocol::Limits::MaxConversationIdLength));
        return false;
    }
    const QString stored = title.trimmed().isEmpty() ? id : title.left(Protocol::Limits::MaxTitleLength);
    if (!openStorage(errorMessage) || !m_store->setConversation(id, stored, isPublic, errorMessage))
        return false;
    qCInfo(lcServer).noquote() << "conversation" << id << (isPublic ? "is public" : "is private");
    return true;
}

// ---------------------------------------------------------------------------------------------
// WebSocket connections: admission, fan-out, idle timeout, close and shutdown.

void ChatServer::onWebSocket(QWebSocket *socket)
{
    socket->setParent(this);
    socket->setMaxAllowedIncomingFrameSize(quint64(m_config.maxFrameBytes));
    socket->setMaxAllowedIncomingMessageSize(quint64(m_config.maxFrameBytes));
    auto *client = new ClientConnection(socket, m_nextConnectionId++, m_clock.elapsed(),
                                        RateLimiter(m_config.rateLimitPerSecond, m_config.rateLimitBurst));
    client->setSendLimit(m_config.sendBufferBytes, m_config.shutdownGraceMs);
    // A hello's replay at once (a full conversation), and history paging at four of those a second.
    client->setServeBudget(m_config.replayLimit > 0 ? 4.0 * m_config.replayLimit : 0.0, m_config.replayLimit);
    m_clients.insert(socket, client);
    client->setMetrics(m_metrics.get());
    m_metrics->connected(ServerMetrics::ConnectionKind::WebSocket);

    connect(socket, &QWebSocket::textMessageReceived, this,
            [this, client](const QString &text) { m_handlers->onText(client, text); });
    connect(socket, &QWebSocket::binaryMessageReceived, this,
            [this, client](const QByteArray &) { m_handlers->onBinary(client); });
    connect(socket, &QWebSocket::disconnected, this, [this, client] { onDisconnected(client); });
    if (socket->state() != QAbstractSocket::ConnectedState) {
        // Gone while it waited in the queue: disconnected() will not come again.
        onDisconnected(client);
        return;
    }

    if (m_shuttingDown) {
        closeClient(client, Protocol::toInt(CloseCode::ServiceRestart),
                    Protocol::retryAfterReason(qMax(0, m_config.restartSpreadMs / 2)));
        return;
    }
    // --max-connections is enforced by the front door, before the upgrade (HTTP 503).
    const QString token = upgradeToken(socket->request());
    ServerLog::info(lcServer(), "connect", { { "connection", qint64(client->id()) }, { "peer", client->peer() },
                                             { "token_in_upgrade", !token.isEmpty() } });
    if (!token.isEmpty())
        m_handlers->authenticate(client, token);
    if (m_config.authTimeoutMs > 0 && m_authTimer && !m_authTimer->isActive())
        m_authTimer->start();
}

// One sweep for all connections, a bounded number of closes each: a thousand sockets that came
// together and time out together are let go over several passes, not in one long one.
void ChatServer::checkAuthenticated()
{
    constexpr int kClosesPerSweep = 50;
    const qint64 now = m_clock.elapsed();
    int closed = 0;
    bool waiting = false;
    const auto clients = allClients();
    for (ClientConnection *client : clients) {
        if (client->isClosing() || (client->isAuthenticated() && (!client->isGuest() || client->helloDone())))
            continue;
        if (now - client->connectedAtMs() < m_config.authTimeoutMs || closed >= kClosesPerSweep) {
            waiting = true;
            continue;
        }
        ++closed;
        qCInfo(lcServer).noquote() << "closing" << client->peer() << ": not authenticated within"
                                   << m_config.authTimeoutMs << "ms";
        if (m_config.allowGuests)
            closeClient(client, Protocol::toInt(CloseCode::PolicyViolated), QStringLiteral("no hello in time"));
        else
            closeClient(client, Protocol::toInt(CloseCode::AuthRejected), QStringLiteral("authentication timeout"));
    }
    if (!waiting)
        m_authTimer->stop();
}

void ChatServer::deliver(const QString &conversation, const QString &frameText, quint64 exceptConnectionId)
{
    const auto info = m_store->conversation(conversation);
    if (!info)
        return;
    QSet<QString> members;
    if (!info->isPublic) {
        const QStringList list = m_store->members(conversation);
        members = QSet<QString>(list.cbegin(), list.cend());
    }
    // Once per broadcast, not per recipient: the type for frames_sent_total.
    const QString type = QJsonDocument::fromJson(frameText.toUtf8()).object().value(Protocol::Key::Type).toString();
    int recipients = 0;
    const auto clients = allClients();
    for (ClientConnection *client : clients) {
        if (client->id() == exceptConnectionId || client->isClosing() || !client->helloDone())
            continue;
        if (!info->isPublic && (client->isGuest() || !members.contains(client->userId())))
            continue;
        client->sendText(frameText);
        ++recipients;
    }
    m_metrics->frameSent(type, recipients);
}

void ChatServer::closeClient(ClientConnection *client, int code, const QString &reason)
{
    client->close(code, reason, m_config.shutdownGraceMs);
}

void ChatServer::onDisconnected(ClientConnection *client)
{
    QWebSocket *socket = client->socket();
    if (!m_clients.contains(socket))
        return;
    m_clients.remove(socket);
    const int code = client->closeCode() ? client->closeCode() : int(socket->closeCode());
    const double durationS = double(m_clock.elapsed() - client->connectedAtMs()) / 1000.0;
    m_metrics->disconnected(ServerMetrics::ConnectionKind::WebSocket, code, client->closeCode() != 0, durationS);
    ServerLog::info(lcServer(), "disconnect",
                    { { "connection", qint64(client->id()) }, { "peer", client->peer() },
                      { "user", client->userId().isEmpty() ? QStringLiteral("-") : client->userId() },
                      { "close_code", code }, { "closed_by", QLatin1String(client->closeCode() ? "server" : "peer") },
                      { "duration_s", durationS } });
    m_handlers->forget(client);
    delete client;
    socket->deleteLater();
    if (m_shuttingDown && m_clients.isEmpty() && m_pollHub->sessionCount() == 0)
        QTimer::singleShot(0, this, &ChatServer::finishShutdown);
}

QList<ClientConnection *> ChatServer::allClients() const
{
    return m_clients.values() + m_pollHub->clients();
}

void ChatServer::handlePoll(QTcpSocket *socket, const QByteArray &method, const QByteArray &path, const QUrlQuery &query,
                            const QByteArray &body, const QByteArray &authorization)
{
    m_pollHub->handle(socket, method, path, query, body, authorization);
}

ClientConnection *ChatServer::admitPoll(PollSession *session, const QString &peer)
{
    if (m_shuttingDown)
        return nullptr;
    auto *client = new ClientConnection(session, peer, m_nextConnectionId++, m_clock.elapsed(),
                                        RateLimiter(m_config.rateLimitPerSecond, m_config.rateLimitBurst));
    // As for a WebSocket (onWebSocket): the bound is on frames not yet polled.
    client->setSendLimit(m_config.sendBufferBytes, m_config.shutdownGraceMs);
    client->setServeBudget(m_config.replayLimit > 0 ? 4.0 * m_config.replayLimit : 0.0, m_config.replayLimit);
    client->setMetrics(m_metrics.get());
    m_metrics->connected(ServerMetrics::ConnectionKind::LongPoll);
    ServerLog::info(lcServer(), "connect", { { "connection", qint64(client->id()) }, { "peer", peer },
                                             { "transport", QStringLiteral("long-poll") } });
    if (m_config.authTimeoutMs > 0 && m_authTimer && !m_authTimer->isActive())
        m_authTimer->start();
    return client;
}

void ChatServer::onPollEnded(ClientConnection *client)
{
    // A session the client closed or let expire has no close code of its own: 1006, as a dropped socket.
    const int code = client->closeCode() ? client->closeCode() : Protocol::toInt(CloseCode::Abnormal);
    const double durationS = double(m_clock.elapsed() - client->connectedAtMs()) / 1000.0;
    m_metrics->disconnected(ServerMetrics::ConnectionKind::LongPoll, code, client->closeCode() != 0, durationS);
    ServerLog::info(lcServer(), "disconnect",
                    { { "connection", qint64(client->id()) }, { "peer", client->peer() },
                      { "user", client->userId().isEmpty() ? QStringLiteral("-") : client->userId() },
                      { "close_code", code }, { "closed_by", QLatin1String(client->closeCode() ? "server" : "peer") },
                      { "duration_s", durationS }, { "transport", QStringLiteral("long-poll") } });
    m_handlers->forget(client);
    delete client;
    if (m_shuttingDown && !m_finished && m_clients.isEmpty() && m_pollHub->sessionCount() == 0)
        QTimer::singleShot(0, this, &ChatServer::finishShutdown);
}

void ChatServer::checkIdle()
{
    if (m_config.idleTimeoutMs <= 0)
        return;
    const qint64 now = m_clock.elapsed();
    const auto clients = m_clients.values();
    for (ClientConnection *client : clients) {
        if (client->isClosing())
            continue;
        const qint64 last = qMax(client->lastFrameMs(), m_frontDoor->lastReceivedMs(client->peer()));
        if (now - last >= m_config.idleTimeoutMs) {
            qCInfo(lcServer).noquote() << "closing idle" << client->peer() << "after" << (now - last) << "ms";
            closeClient(client, Protocol::toInt(CloseCode::GoingAway), QStringLiteral("idle timeout"));
        }
    }
}

void ChatServer::shutdown()
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    qCInfo(lcServer) << "shutting down:" << m_clients.size() << "connections";
    m_frontDoor->close();
    m_handlers->flushPending(); // acks for what was received go out before the goodbyes
    if (m_idleTimer)
        m_idleTimer->stop();
    if (m_authTimer)
        m_authTimer->stop();
    QList<ClientConnection *> open;
    const auto clients = allClients();
    for (ClientConnection *client : clients) {
        if (!client->isClosing())
            open.append(client);
    }
    const QList<int> delays = spreadRetryDelays(int(open.size()), m_config.restartSpreadMs, QRandomGenerator::global());
    for (int i = 0; i < open.size(); ++i)
        closeClient(open[i], Protocol::toInt(CloseCode::ServiceRestart), Protocol::retryAfterReason(delays[i]));
    if (m_clients.isEmpty() && m_pollHub->sessionCount() == 0) {
        QTimer::singleShot(0, this, &ChatServer::finishShutdown);
        return;
    }
    // Whoever has not completed the close handshake by then is cut off (abort -> disconnected).
    QTimer::singleShot(qMax(200, m_config.shutdownGraceMs) + 500, this, &ChatServer::finishShutdown);
}

void ChatServer::finishShutdown()
{
    if (m_finished)
        return;
    m_finished = true;
    m_handlers->flushPending();
    m_pollHub->endAll();
    const auto clients = m_clients;
    m_clients.clear();
    for (auto it = clients.cbegin(); it != clients.cend(); ++it) {
        it.key()->disconnect(this);
        it.key()->abort();
        it.key()->deleteLater();
        delete it.value();
    }
    m_store->close();
    qCInfo(lcServer) << "shutdown complete";
    Q_EMIT finished();
}

} // namespace Tether
