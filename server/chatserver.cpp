#include "chatserver.h"

#include "chatstore.h"
#include "httprequest.h"
#include "passwordhasher.h"
#include "ratelimiter.h"
#include "restartspread.h"
#include "tokenservice.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUuid>
#include <QWebSocket>
#include <QWebSocketServer>

Q_LOGGING_CATEGORY(lcServer, "tether.server")

namespace Tether {

namespace {
constexpr int kProtocolVersion = 1;
constexpr qsizetype kMaxHeadBytes = 16 * 1024;
constexpr qint64 kMaxBodyBytes = 64 * 1024;
constexpr qint64 kMaxDiscardBytes = 1024 * 1024;
constexpr int kHeadTimeoutMs = 10000;
constexpr int kHistoryDefault = 100;
constexpr int kHistoryMax = 500;
constexpr int kMaxIdLength = 128;
constexpr int kMaxConversationIdLength = 64;

enum CloseCode {
    CloseNormal = 1000,
    CloseGoingAway = 1001,
    ClosePolicy = 1008,
    CloseTooBig = 1009,
    CloseRestart = 1012,
    CloseTryAgainLater = 1013,
    CloseTokenExpired = 4001,
    CloseForbidden = 4003,
};

QString key(const char *s)
{
    return QString::fromLatin1(s);
}

QJsonObject messageObject(const ChatStore::Message &m, bool withType)
{
    QJsonObject o{ { key("conversation"), m.conversation }, { key("seq"), double(m.seq) }, { key("id"), m.id },
                   { key("from"), m.from }, { key("text"), m.text }, { key("ts"), double(m.ts) } };
    if (withType)
        o.insert(key("type"), key("message"));
    return o;
}

QJsonObject conversationObject(const ChatStore::Conversation &c)
{
    return QJsonObject{ { key("id"), c.id }, { key("title"), c.title }, { key("last_seq"), double(c.lastSeq) } };
}

QString peerKeyOf(const QHostAddress &address, quint16 port)
{
    return address.toString() + QLatin1Char('|') + QString::number(port);
}

const char *reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 426: return "Upgrade Required";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Error";
    }
}

QJsonObject httpError(const QString &code, const QString &message)
{
    return QJsonObject{ { key("error"), code }, { key("message"), message } };
}

bool validUserName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"));
    return pattern.match(name).hasMatch() && !name.startsWith(QLatin1String("guest-"))
            && name != QLatin1String(ChatServer::echoBotId);
}

bool validConversationId(const QString &id)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.:-]*$"));
    return id.size() <= kMaxConversationIdLength && pattern.match(id).hasMatch();
}
} // namespace

struct ChatServer::Client
{
    QWebSocket *socket = nullptr;
    QString peer;        // "addr|port", also the key of m_lastReceived
    QString userId;
    bool authenticated = false;
    bool guest = false;
    bool helloDone = false;
    bool closing = false;
    int closeCode = 0;   // set when the server closes
    qint64 connectedAtMs = 0;
    qint64 lastFrameMs = 0;
    RateLimiter limiter;
};

// A guest that presents the same secret guest_key in its hello is the same guest on every
// connection, so its retried sends dedupe and its own messages stay its own. Only a hash of the
// key is ever stored or shown.
static QString guestIdFor(const QString &guestKey)
{
    if (guestKey.size() < 16 || guestKey.size() > 128)
        return QStringLiteral("guest-%1").arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    const QByteArray digest = QCryptographicHash::hash("tether-guest:" + guestKey.toUtf8(), QCryptographicHash::Sha256);
    return QStringLiteral("guest-") + QString::fromLatin1(digest.toHex().left(12));
}

ChatServer::ChatServer(const ServerConfig &config, QObject *parent)
    : QObject(parent), m_config(config), m_store(std::make_unique<ChatStore>()),
      m_tokens(std::make_unique<TokenService>())
{
    m_clock.start();
    m_databasePath = m_config.databasePath.isEmpty() ? defaultDatabasePath() : m_config.databasePath;
}

ChatServer::~ChatServer()
{
    // Tear down without callbacks into a half-destroyed object.
    const auto clients = m_clients;
    m_clients.clear();
    for (auto it = clients.cbegin(); it != clients.cend(); ++it) {
        it.key()->disconnect(this);
        it.key()->abort();
        delete it.key();
        delete it.value();
    }
    if (m_tcpServer)
        m_tcpServer->close();
    m_store->close();
}

QString ChatServer::defaultDatabasePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
            + QStringLiteral("/tether/server.sqlite");
}

QString ChatServer::databasePath() const
{
    return m_databasePath;
}

bool ChatServer::openStorage(QString *errorMessage)
{
    if (m_store->isOpen())
        return true;
    return m_store->open(m_databasePath, errorMessage);
}

bool ChatServer::loadSecret(QString *errorMessage)
{
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
        if (!m_store->hasUser(key(echoBotId)))
            m_store->addUser(key(echoBotId), PasswordHasher::Hash(), nullptr); // no password: cannot log in
    }

    m_tcpServer = new QTcpServer(this);
    if (!m_tcpServer->listen(m_config.address, m_config.port)) {
        const QString message = QStringLiteral("cannot listen on %1:%2: %3")
                                        .arg(m_config.address.toString())
                                        .arg(m_config.port)
                                        .arg(m_tcpServer->errorString());
        qCWarning(lcServer).noquote() << message;
        if (errorMessage)
            *errorMessage = message;
        delete m_tcpServer;
        m_tcpServer = nullptr;
        m_store->close();
        return false;
    }
    connect(m_tcpServer, &QTcpServer::newConnection, this, &ChatServer::onTcpConnection);
    // QTcpServer stops accepting for good after any accept() error that is not "temporary":
    // ECONNABORTED from a client that reset while in the backlog, or EMFILE under a reconnect storm.
    // Resume after a breath (at once would spin on EMFILE until a descriptor is free).
    connect(m_tcpServer, &QTcpServer::acceptError, this, [this](QAbstractSocket::SocketError error) {
        qCWarning(lcServer).noquote() << "accept failed:" << error << m_tcpServer->errorString() << "- accepting again shortly";
        QTimer::singleShot(100, this, [this] {
            if (m_tcpServer && m_tcpServer->isListening())
                m_tcpServer->resumeAccepting();
        });
    });

    m_wsServer = new QWebSocketServer(QStringLiteral("tether-server/" TETHER_VERSION),
                                      QWebSocketServer::NonSecureMode, this);
    m_wsServer->setHandshakeTimeout(kHeadTimeoutMs);
    connect(m_wsServer, &QWebSocketServer::newConnection, this, &ChatServer::onWebSocket);

    m_idleTimer = new QTimer(this);
    m_idleTimer->setInterval(qBound(5, m_config.idleTimeoutMs / 4, 1000));
    connect(m_idleTimer, &QTimer::timeout, this, &ChatServer::checkIdle);
    if (m_config.idleTimeoutMs > 0)
        m_idleTimer->start();

    m_started = true;
    qCInfo(lcServer).noquote() << "listening on" << httpUrl().toString() << "db" << m_databasePath
                               << "guests" << m_config.allowGuests << "demo" << m_config.demo;
    return true;
}

bool ChatServer::isListening() const
{
    return m_tcpServer && m_tcpServer->isListening();
}

quint16 ChatServer::port() const
{
    return m_tcpServer ? m_tcpServer->serverPort() : 0;
}

int ChatServer::connectionCount() const
{
    int count = 0;
    for (const Client *client : m_clients) {
        if (!client->closing)
            ++count;
    }
    return count;
}

static QUrl makeUrl(const QString &scheme, QHostAddress address, quint16 port, const QString &path)
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

QUrl ChatServer::webSocketUrl() const
{
    return makeUrl(QStringLiteral("ws"), m_config.address, port(), QStringLiteral("/ws"));
}

QUrl ChatServer::httpUrl() const
{
    return makeUrl(QStringLiteral("http"), m_config.address, port(), QString());
}

bool ChatServer::addUser(const QString &name, const QString &password, QString *errorMessage)
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
    if (!openStorage(errorMessage))
        return false;
    if (!m_store->addUser(name, PasswordHasher::hash(password, m_config.passwordIterations), errorMessage))
        return false;
    qCInfo(lcServer).noquote() << "added user" << name;
    return true;
}

// ---------------------------------------------------------------------------------------------
// Raw connections: route the first request to the WebSocket server or answer it as HTTP.

void ChatServer::onTcpConnection()
{
    while (QTcpSocket *socket = m_tcpServer->nextPendingConnection()) {
        if (m_shuttingDown) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onTcpReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        auto *headTimer = new QTimer(socket);
        headTimer->setObjectName(QStringLiteral("tether-head-timer"));
        headTimer->setSingleShot(true);
        connect(headTimer, &QTimer::timeout, socket, [socket] { socket->abort(); });
        headTimer->start(kHeadTimeoutMs);
    }
}

void ChatServer::onTcpReadyRead(QTcpSocket *socket)
{
    const QByteArray data = socket->peek(kMaxHeadBytes + 1);
    const HttpRequest head = HttpRequest::parseHead(data);
    if (head.state() == HttpRequest::State::Incomplete) {
        if (data.size() > kMaxHeadBytes)
            writeHttp(socket, 431, httpError(QStringLiteral("header_too_large"), QStringLiteral("request head over 16 KiB")));
        return;
    }
    if (head.state() == HttpRequest::State::Malformed) {
        writeHttp(socket, 400, httpError(QStringLiteral("bad_request"), QStringLiteral("malformed HTTP request")));
        return;
    }
    if (head.isWebSocketUpgrade()) {
        if (head.path() != "/ws") {
            writeHttp(socket, 404, httpError(QStringLiteral("not_found"), QStringLiteral("the WebSocket endpoint is /ws")));
            return;
        }
        // QWebSocketServer drops a bad handshake without a word; answer it properly instead.
        if (head.method() != "GET" || head.header("sec-websocket-key").isEmpty()) {
            writeHttp(socket, 400, httpError(QStringLiteral("bad_request"), QStringLiteral("invalid WebSocket upgrade request")));
            return;
        }
        if (head.header("sec-websocket-version").trimmed() != "13") {
            writeHttp(socket, 426, httpError(QStringLiteral("upgrade_required"), QStringLiteral("WebSocket version 13 only")),
                      "Sec-WebSocket-Version: 13\r\n");
            return;
        }
        // Hand over: from now on the socket belongs to the WebSocket machinery.
        disconnect(socket, nullptr, this, nullptr);
        disconnect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        delete socket->findChild<QTimer *>(QStringLiteral("tether-head-timer"));
        socket->setParent(nullptr);
        const QString peer = peerKeyOf(socket->peerAddress(), socket->peerPort());
        m_lastReceived.insert(peer, m_clock.elapsed());
        // Every received byte (also ping frames, which Qt answers silently) counts for the idle timer.
        connect(socket, &QTcpSocket::readyRead, this, [this, peer] { m_lastReceived.insert(peer, m_clock.elapsed()); });
        connect(socket, &QObject::destroyed, this, [this, peer] { m_lastReceived.remove(peer); });
        m_wsServer->handleConnection(socket);
        return;
    }
    if (!head.header("transfer-encoding").isEmpty()) {
        writeHttp(socket, 411, httpError(QStringLiteral("length_required"), QStringLiteral("send a Content-Length body")));
        return;
    }
    const qint64 length = qMax<qint64>(0, head.contentLength());
    // A moderately oversized body is received (and dropped) before the 413, so the client is not
    // reset mid-upload and actually sees the answer; a huge one is refused at once.
    if (length > kMaxDiscardBytes) {
        writeHttp(socket, 413, httpError(QStringLiteral("too_large"), QStringLiteral("request body over 64 KiB")));
        return;
    }
    if (socket->bytesAvailable() < head.headLength() + length)
        return; // wait for the rest of the body
    if (length > kMaxBodyBytes) {
        socket->readAll();
        writeHttp(socket, 413, httpError(QStringLiteral("too_large"), QStringLiteral("request body over 64 KiB")));
        return;
    }
    socket->read(head.headLength());
    const QByteArray body = socket->read(length);
    handleHttp(socket, head.method(), head.path(), body);
}

void ChatServer::writeHttp(QTcpSocket *socket, int status, const QJsonObject &body, const QByteArray &extraHeaders)
{
    disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
    delete socket->findChild<QTimer *>(QStringLiteral("tether-head-timer"));
    const QByteArray payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
    QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    response += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(payload.size())
            + "\r\nConnection: close\r\nCache-Control: no-store\r\n" + extraHeaders + "\r\n" + payload;
    socket->write(response);
    socket->disconnectFromHost();
    // A peer that never reads its response must not keep the socket forever.
    QTimer::singleShot(kHeadTimeoutMs, socket, [socket] { socket->abort(); });
}

QJsonObject ChatServer::tokenResponse(const QString &userId)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QString refresh = TokenService::newRefreshToken();
    if (!m_store->storeRefreshToken(TokenService::refreshTokenHash(refresh), userId, now + m_config.refreshTtlMs))
        return QJsonObject();
    const double expiresIn = m_config.accessTtlMs % 1000 == 0 ? double(m_config.accessTtlMs / 1000)
                                                              : double(m_config.accessTtlMs) / 1000.0;
    return QJsonObject{
        { key("access_token"), m_tokens->issue(userId, userId, now, m_config.accessTtlMs) },
        { key("refresh_token"), refresh },
        { key("expires_in"), expiresIn },
        { key("token_type"), key("Bearer") },
        { key("user"), QJsonObject{ { key("id"), userId }, { key("name"), userId }, { key("guest"), false } } },
    };
}

void ChatServer::handleHttp(QTcpSocket *socket, const QByteArray &method, const QByteArray &path, const QByteArray &body)
{
    if (path == "/health") {
        if (method != "GET") {
            writeHttp(socket, 405, httpError(QStringLiteral("method_not_allowed"), QStringLiteral("use GET")), "Allow: GET\r\n");
            return;
        }
        writeHttp(socket, 200, QJsonObject{ { key("status"), key("ok") },
                                            { key("version"), key(TETHER_VERSION) },
                                            { key("uptime_s"), double(m_clock.elapsed()) / 1000.0 },
                                            { key("connections"), connectionCount() } });
        return;
    }
    const bool login = path == "/api/auth/login";
    const bool refresh = path == "/api/auth/refresh";
    const bool registration = path == "/api/auth/register";
    if (!login && !refresh && !registration) {
        writeHttp(socket, 404, httpError(QStringLiteral("not_found"), QStringLiteral("no such endpoint")));
        return;
    }
    if (method != "POST") {
        writeHttp(socket, 405, httpError(QStringLiteral("method_not_allowed"), QStringLiteral("use POST")), "Allow: POST\r\n");
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        writeHttp(socket, 400, httpError(QStringLiteral("bad_json"), QStringLiteral("the body must be a JSON object")));
        return;
    }
    const QJsonObject request = document.object();
    auto requireString = [&](const char *field, QString *out) {
        const QJsonValue value = request.value(key(field));
        if (!value.isString() || value.toString().isEmpty()) {
            writeHttp(socket, 400, httpError(QStringLiteral("missing_field"),
                                             QStringLiteral("field \"%1\" (non-empty string) is required").arg(key(field))));
            return false;
        }
        *out = value.toString();
        return true;
    };

    if (refresh) {
        QString token;
        if (!requireString("refresh_token", &token))
            return;
        const auto userId = m_store->consumeRefreshToken(TokenService::refreshTokenHash(token),
                                                         QDateTime::currentMSecsSinceEpoch());
        if (!userId || !m_store->hasUser(*userId)) {
            qCInfo(lcServer) << "refresh refused";
            writeHttp(socket, 401, httpError(QStringLiteral("invalid_token"), QStringLiteral("unknown, used or expired refresh token")));
            return;
        }
        const QJsonObject response = tokenResponse(*userId);
        if (response.isEmpty()) {
            writeHttp(socket, 500, httpError(QStringLiteral("storage_error"), QStringLiteral("cannot store the refresh token")));
            return;
        }
        qCInfo(lcServer).noquote() << "refreshed tokens for" << *userId;
        writeHttp(socket, 200, response);
        return;
    }

    QString username, password;
    if (!requireString("username", &username) || !requireString("password", &password))
        return;
    if (registration) {
        if (!m_config.openRegistration) {
            writeHttp(socket, 403, httpError(QStringLiteral("registration_closed"), QStringLiteral("registration is not open")));
            return;
        }
        QString error;
        if (m_store->hasUser(username)) {
            writeHttp(socket, 409, httpError(QStringLiteral("user_exists"), QStringLiteral("that user name is taken")));
            return;
        }
        if (!addUser(username, password, &error)) {
            writeHttp(socket, 400, httpError(QStringLiteral("invalid_field"), error));
            return;
        }
        const QJsonObject response = tokenResponse(username);
        writeHttp(socket, response.isEmpty() ? 500 : 201,
                  response.isEmpty() ? httpError(QStringLiteral("storage_error"), QStringLiteral("cannot store the refresh token"))
                                     : response);
        return;
    }

    const auto stored = m_store->passwordHash(username);
    // Unknown users cost a derivation too, so timing does not reveal which names exist.
    const bool ok = stored ? PasswordHasher::verify(password, *stored)
                           : (PasswordHasher::derive(password, QByteArray(16, 'x'), m_config.passwordIterations), false);
    if (!ok) {
        qCInfo(lcServer).noquote() << "login refused for" << username;
        writeHttp(socket, 401, httpError(QStringLiteral("invalid_credentials"), QStringLiteral("wrong user name or password")));
        return;
    }
    const QJsonObject response = tokenResponse(username);
    if (response.isEmpty()) {
        writeHttp(socket, 500, httpError(QStringLiteral("storage_error"), QStringLiteral("cannot store the refresh token")));
        return;
    }
    qCInfo(lcServer).noquote() << "login" << username;
    writeHttp(socket, 200, response);
}

// ---------------------------------------------------------------------------------------------
// WebSocket clients

void ChatServer::onWebSocket()
{
    while (QWebSocket *socket = m_wsServer->nextPendingConnection()) {
        socket->setParent(this);
        socket->setMaxAllowedIncomingFrameSize(quint64(m_config.maxFrameBytes));
        socket->setMaxAllowedIncomingMessageSize(quint64(m_config.maxFrameBytes));
        auto *client = new Client;
        client->socket = socket;
        client->peer = peerKeyOf(socket->peerAddress(), socket->peerPort());
        client->connectedAtMs = m_clock.elapsed();
        client->lastFrameMs = client->connectedAtMs;
        client->limiter = RateLimiter(m_config.rateLimitPerSecond, m_config.rateLimitBurst);
        const int active = connectionCount();
        m_clients.insert(socket, client);

        connect(socket, &QWebSocket::textMessageReceived, this,
                [this, client](const QString &text) { onTextMessage(client, text); });
        connect(socket, &QWebSocket::binaryMessageReceived, this, [this, client](const QByteArray &) {
            if (client->closing)
                return;
            client->lastFrameMs = m_clock.elapsed();
            sendError(client, QStringLiteral("bad_json"), QStringLiteral("binary frames are not part of the protocol"), QJsonValue());
        });
        connect(socket, &QWebSocket::disconnected, this, [this, client] { onDisconnected(client); });
        if (socket->state() != QAbstractSocket::ConnectedState) {
            // Gone while it waited in the queue: disconnected() will not come again.
            onDisconnected(client);
            continue;
        }

        if (m_shuttingDown) {
            closeClient(client, CloseRestart, QStringLiteral("{\"retry_after_ms\":%1}").arg(qMax(0, m_config.restartSpreadMs / 2)));
            continue;
        }
        if (m_config.maxConnections > 0 && active >= m_config.maxConnections) {
            qCInfo(lcServer).noquote() << "refusing" << client->peer << ": over max connections" << m_config.maxConnections;
            closeClient(client, CloseTryAgainLater, QStringLiteral("too many connections"));
            continue;
        }
        const QNetworkRequest request = socket->request();
        QString token;
        const QByteArray authorization = request.rawHeader("Authorization").trimmed();
        if (authorization.size() > 7 && authorization.left(7).toLower() == "bearer ")
            token = QString::fromLatin1(authorization.mid(7).trimmed());
        if (token.isEmpty()) {
            const QUrlQuery query(request.url());
            token = query.queryItemValue(QStringLiteral("access_token"), QUrl::FullyDecoded);
        }
        qCInfo(lcServer).noquote() << "connect" << client->peer
                                   << (token.isEmpty() ? "(no token yet)" : "(token in upgrade)");
        if (!token.isEmpty())
            authenticate(client, token);
    }
}

bool ChatServer::authenticate(Client *client, const QString &token)
{
    TokenService::Claims claims;
    const auto verdict = m_tokens->verify(token, QDateTime::currentMSecsSinceEpoch(), &claims);
    if (verdict == TokenService::Verdict::Expired) {
        closeClient(client, CloseTokenExpired, QStringLiteral("token expired"));
        return false;
    }
    if (verdict != TokenService::Verdict::Valid || !m_store->hasUser(claims.subject)
        || claims.subject == QLatin1String(echoBotId)) {
        closeClient(client, CloseForbidden, QStringLiteral("invalid token"));
        return false;
    }
    client->authenticated = true;
    client->userId = claims.subject;
    qCInfo(lcServer).noquote() << "authenticated" << client->peer << "as" << client->userId;
    return true;
}

void ChatServer::onTextMessage(Client *client, const QString &text)
{
    if (client->closing)
        return;
    const qint64 now = m_clock.elapsed();
    client->lastFrameMs = now;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    const QJsonObject frame = document.object();
    const QJsonValue frameId = frame.value(key("id"));
    if (!client->limiter.allow(now)) {
        if (client->limiter.consecutiveRejections() > m_config.rateLimitMaxViolations) {
            qCInfo(lcServer).noquote() << "closing" << client->peer << ": rate limit exceeded persistently";
            closeClient(client, ClosePolicy, QStringLiteral("rate limit exceeded"));
        } else {
            sendError(client, QStringLiteral("rate_limited"), QStringLiteral("too many frames; slow down and retry"), frameId);
        }
        return;
    }
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        if (!client->authenticated && !m_config.allowGuests) {
            closeClient(client, CloseForbidden, QStringLiteral("authentication required"));
            return;
        }
        sendError(client, QStringLiteral("bad_json"),
                  parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                               : QStringLiteral("a frame must be a JSON object"),
                  QJsonValue());
        return;
    }
    const QString type = frame.value(key("type")).toString();
    if (!client->authenticated) {
        if (type == QLatin1String("auth")) {
            const QString token = frame.value(key("token")).toString();
            if (token.isEmpty()) {
                closeClient(client, CloseForbidden, QStringLiteral("empty token"));
                return;
            }
            if (authenticate(client, token))
                sendFrame(client, QJsonObject{ { key("type"), key("auth_ok") },
                                               { key("user"), QJsonObject{ { key("id"), client->userId },
                                                                           { key("name"), client->userId },
                                                                           { key("guest"), false } } } });
            return;
        }
        if (!m_config.allowGuests) {
            closeClient(client, CloseForbidden, QStringLiteral("authentication required"));
            return;
        }
        client->authenticated = true;
        client->guest = true;
        client->userId = guestIdFor(type == QLatin1String("hello") ? frame.value(key("guest_key")).toString() : QString());
        qCInfo(lcServer).noquote() << "guest" << client->peer << "is" << client->userId;
    }
    dispatch(client, frame);
}

void ChatServer::dispatch(Client *client, const QJsonObject &frame)
{
    const QString type = frame.value(key("type")).toString();
    if (type == QLatin1String("hello"))
        handleHello(client, frame);
    else if (type == QLatin1String("send"))
        handleSend(client, frame);
    else if (type == QLatin1String("ping")) {
        QJsonObject pong{ { key("type"), key("pong") }, { key("server_time"), double(QDateTime::currentMSecsSinceEpoch()) } };
        if (frame.contains(key("ts")))
            pong.insert(key("ts"), frame.value(key("ts")));
        if (frame.contains(key("id")))
            pong.insert(key("id"), frame.value(key("id")));
        sendFrame(client, pong);
    } else if (type == QLatin1String("history"))
        handleHistory(client, frame);
    else if (type == QLatin1String("join"))
        handleJoin(client, frame);
    else if (type == QLatin1String("leave"))
        handleLeave(client, frame);
    else if (type == QLatin1String("typing"))
        handleTyping(client, frame);
    else if (type == QLatin1String("auth"))
        sendError(client, QStringLiteral("forbidden"), QStringLiteral("already authenticated"), frame.value(key("id")));
    else if (type.isEmpty())
        sendError(client, QStringLiteral("unknown_type"), QStringLiteral("the frame has no \"type\""), frame.value(key("id")));
    else
        sendError(client, QStringLiteral("unknown_type"), QStringLiteral("unknown frame type \"%1\"").arg(type.left(64)),
                  frame.value(key("id")));
}

void ChatServer::handleHello(Client *client, const QJsonObject &frame)
{
    const QJsonValue protocol = frame.value(key("protocol"));
    if (!protocol.isUndefined() && protocol.toInt(-1) != kProtocolVersion) {
        sendError(client, QStringLiteral("invalid_field"),
                  QStringLiteral("unsupported protocol; this server speaks %1").arg(kProtocolVersion), frame.value(key("id")));
        return;
    }
    const QJsonValue resumeValue = frame.value(key("resume"));
    if (!resumeValue.isUndefined() && !resumeValue.isNull() && !resumeValue.isObject()) {
        sendError(client, QStringLiteral("missing_field"), QStringLiteral("\"resume\" must be an object"), frame.value(key("id")));
        return;
    }
    const QJsonObject resume = resumeValue.toObject();
    const QList<ChatStore::Conversation> conversations = m_store->conversationsFor(client->userId);
    QJsonArray list;
    for (const auto &c : conversations)
        list.append(conversationObject(c));
    sendFrame(client, QJsonObject{
                              { key("type"), key("welcome") },
                              { key("protocol"), kProtocolVersion },
                              { key("user"), QJsonObject{ { key("id"), client->userId },
                                                          { key("name"), client->userId },
                                                          { key("guest"), client->guest } } },
                              { key("conversations"), list },
                              { key("heartbeat_ms"), qMax(1, m_config.idleTimeoutMs / 3) },
                              { key("server_time"), double(QDateTime::currentMSecsSinceEpoch()) },
                      });
    // All of this runs in one go: no broadcast and no other frame of this client can interleave.
    int replayed = 0;
    for (const auto &c : conversations) {
        const qint64 after = qint64(resume.value(c.id).toDouble(0));
        if (after >= c.lastSeq)
            continue;
        const QList<ChatStore::Message> missed = m_store->messagesAfter(c.id, qMax<qint64>(0, after));
        for (const auto &m : missed)
            sendFrame(client, messageObject(m, true));
        replayed += missed.size();
    }
    sendFrame(client, QJsonObject{ { key("type"), key("synced") } });
    client->helloDone = true;
    qCInfo(lcServer).noquote() << "hello from" << client->userId << "replayed" << replayed << "messages";
}

void ChatServer::handleSend(Client *client, const QJsonObject &frame)
{
    const QJsonValue id = frame.value(key("id"));
    const QJsonValue conversation = frame.value(key("conversation"));
    const QJsonValue text = frame.value(key("text"));
    if (!id.isString() || !conversation.isString() || !text.isString()) {
        sendError(client, QStringLiteral("missing_field"),
                  QStringLiteral("send needs string fields \"id\", \"conversation\" and \"text\""), id);
        return;
    }
    if (id.toString().isEmpty() || id.toString().size() > kMaxIdLength || text.toString().isEmpty()) {
        sendError(client, QStringLiteral("invalid_field"),
                  QStringLiteral("\"id\" must be 1-%1 characters and \"text\" non-empty").arg(kMaxIdLength), id);
        return;
    }
    if (!m_store->isMember(conversation.toString(), client->userId)) {
        sendError(client, QStringLiteral("not_member"),
                  QStringLiteral("not a member of \"%1\"").arg(conversation.toString().left(kMaxConversationIdLength)), id);
        return;
    }
    storeAndBroadcast(conversation.toString(), id.toString(), client->userId, text.toString(), client, id);
}

void ChatServer::storeAndBroadcast(const QString &conversation, const QString &clientId, const QString &from,
                                   const QString &text, Client *sender, const QJsonValue &frameId)
{
    ChatStore::Message stored;
    QString error;
    const auto result = m_store->appendMessage(conversation, clientId, from, text,
                                               QDateTime::currentMSecsSinceEpoch(), &stored, &error);
    if (result == ChatStore::AppendResult::Failed) {
        qCWarning(lcServer).noquote() << "storing a message failed:" << error;
        if (sender)
            sendError(sender, QStringLiteral("storage_error"), QStringLiteral("the message was not stored; retry later"), frameId);
        return;
    }
    if (sender)
        sendFrame(sender, QJsonObject{ { key("type"), key("ack") }, { key("id"), clientId },
                                       { key("conversation"), stored.conversation },
                                       { key("seq"), double(stored.seq) }, { key("ts"), double(stored.ts) } });
    if (result == ChatStore::AppendResult::Duplicate)
        return;
    broadcast(conversation, messageObject(stored, true));

    if (m_config.demo && conversation == QLatin1String("echo") && from != QLatin1String(echoBotId))
        storeAndBroadcast(conversation, QUuid::createUuid().toString(QUuid::WithoutBraces), key(echoBotId), text,
                          nullptr, QJsonValue());
}

void ChatServer::broadcast(const QString &conversation, const QJsonObject &frame, Client *except)
{
    const auto info = m_store->conversation(conversation);
    if (!info)
        return;
    QSet<QString> members;
    if (!info->isPublic) {
        const QStringList list = m_store->members(conversation);
        members = QSet<QString>(list.cbegin(), list.cend());
    }
    const QByteArray payload = QJsonDocument(frame).toJson(QJsonDocument::Compact);
    const QString text = QString::fromUtf8(payload);
    for (Client *client : std::as_const(m_clients)) {
        if (client == except || client->closing || !client->helloDone)
            continue;
        if (!info->isPublic && !members.contains(client->userId))
            continue;
        client->socket->sendTextMessage(text);
    }
}

void ChatServer::handleHistory(Client *client, const QJsonObject &frame)
{
    const QJsonValue id = frame.value(key("id"));
    const QJsonValue conversation = frame.value(key("conversation"));
    if (!conversation.isString()) {
        sendError(client, QStringLiteral("missing_field"), QStringLiteral("history needs \"conversation\""), id);
        return;
    }
    if (!m_store->isMember(conversation.toString(), client->userId)) {
        sendError(client, QStringLiteral("not_member"), QStringLiteral("not a member of that conversation"), id);
        return;
    }
    const qint64 after = qMax<qint64>(0, qint64(frame.value(key("after")).toDouble(0)));
    const int limit = qBound(1, frame.value(key("limit")).toInt(kHistoryDefault), kHistoryMax);
    QList<ChatStore::Message> messages = m_store->messagesAfter(conversation.toString(), after, limit + 1);
    const bool hasMore = messages.size() > limit;
    if (hasMore)
        messages.removeLast();
    QJsonArray list;
    for (const auto &m : std::as_const(messages))
        list.append(messageObject(m, false));
    QJsonObject reply{ { key("type"), key("history") }, { key("conversation"), conversation },
                       { key("messages"), list }, { key("has_more"), hasMore } };
    if (!id.isUndefined())
        reply.insert(key("id"), id);
    sendFrame(client, reply);
}

void ChatServer::handleJoin(Client *client, const QJsonObject &frame)
{
    const QJsonValue id = frame.value(key("id"));
    const QJsonValue conversation = frame.value(key("conversation"));
    if (!conversation.isString()) {
        sendError(client, QStringLiteral("missing_field"), QStringLiteral("join needs \"conversation\""), id);
        return;
    }
    const QString conversationId = conversation.toString();
    if (!validConversationId(conversationId)) {
        sendError(client, QStringLiteral("invalid_field"),
                  QStringLiteral("conversation ids are 1-%1 of A-Z a-z 0-9 _ . : -").arg(kMaxConversationIdLength), id);
        return;
    }
    QString error;
    const QString title = frame.value(key("title")).toString(conversationId).left(200);
    if (!m_store->ensureConversation(conversationId, title, false, &error)
        || !m_store->addMember(conversationId, client->userId, &error)) {
        qCWarning(lcServer).noquote() << "join failed:" << error;
        sendError(client, QStringLiteral("storage_error"), QStringLiteral("could not join; retry later"), id);
        return;
    }
    const auto info = m_store->conversation(conversationId);
    broadcast(conversationId, QJsonObject{ { key("type"), key("joined") },
                                           { key("conversation"), conversationObject(*info) },
                                           { key("user"), client->userId } },
              client);
    // The joiner hears about it even before its hello.
    QJsonObject reply{ { key("type"), key("joined") }, { key("conversation"), conversationObject(*info) },
                       { key("user"), client->userId } };
    if (!id.isUndefined())
        reply.insert(key("id"), id);
    sendFrame(client, reply);
}

void ChatServer::handleLeave(Client *client, const QJsonObject &frame)
{
    const QJsonValue id = frame.value(key("id"));
    const QJsonValue conversation = frame.value(key("conversation"));
    if (!conversation.isString()) {
        sendError(client, QStringLiteral("missing_field"), QStringLiteral("leave needs \"conversation\""), id);
        return;
    }
    const auto info = m_store->conversation(conversation.toString());
    if (!info || !m_store->isMember(info->id, client->userId)) {
        sendError(client, QStringLiteral("not_member"), QStringLiteral("not a member of that conversation"), id);
        return;
    }
    if (info->isPublic) {
        sendError(client, QStringLiteral("forbidden"), QStringLiteral("public conversations cannot be left"), id);
        return;
    }
    const QJsonObject left{ { key("type"), key("left") }, { key("conversation"), info->id }, { key("user"), client->userId } };
    broadcast(info->id, left, client);
    QString error;
    if (!m_store->removeMember(info->id, client->userId, &error)) {
        sendError(client, QStringLiteral("storage_error"), QStringLiteral("could not leave; retry later"), id);
        return;
    }
    QJsonObject reply = left;
    if (!id.isUndefined())
        reply.insert(key("id"), id);
    sendFrame(client, reply);
}

void ChatServer::handleTyping(Client *client, const QJsonObject &frame)
{
    const QJsonValue conversation = frame.value(key("conversation"));
    if (!conversation.isString()) {
        sendError(client, QStringLiteral("missing_field"), QStringLiteral("typing needs \"conversation\""), frame.value(key("id")));
        return;
    }
    if (!m_store->isMember(conversation.toString(), client->userId)) {
        sendError(client, QStringLiteral("not_member"), QStringLiteral("not a member of that conversation"), frame.value(key("id")));
        return;
    }
    broadcast(conversation.toString(), QJsonObject{ { key("type"), key("typing") },
                                                    { key("conversation"), conversation },
                                                    { key("from"), client->userId } },
              client);
}

void ChatServer::sendFrame(Client *client, const QJsonObject &frame)
{
    if (client->closing)
        return;
    client->socket->sendTextMessage(QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
}

void ChatServer::sendError(Client *client, const QString &code, const QString &message, const QJsonValue &id)
{
    QJsonObject frame{ { key("type"), key("error") }, { key("code"), code }, { key("message"), message } };
    if (!id.isUndefined() && !id.isNull())
        frame.insert(key("id"), id);
    sendFrame(client, frame);
}

void ChatServer::closeClient(Client *client, int code, const QString &reason)
{
    if (client->closing)
        return;
    // Qt's QWebSocket (6.4 at least) rejects close codes 1012-2999 as invalid and reports 1002
    // instead, losing the code and reason. So every server-initiated close is announced first in a
    // text frame that any client can read; the close frame itself still carries the real code.
    QJsonObject goodbye{ { key("type"), key("goodbye") }, { key("code"), code }, { key("reason"), reason } };
    const QJsonObject reasonObject = QJsonDocument::fromJson(reason.toUtf8()).object();
    if (reasonObject.contains(key("retry_after_ms")))
        goodbye.insert(key("retry_after_ms"), reasonObject.value(key("retry_after_ms")));
    sendFrame(client, goodbye);
    client->closing = true;
    client->closeCode = code;
    QWebSocket *socket = client->socket;
    socket->close(QWebSocketProtocol::CloseCode(code), reason);
    // The peer has a moment to answer the close frame; then the TCP connection goes regardless.
    QTimer::singleShot(qMax(200, m_config.shutdownGraceMs), socket, [socket] { socket->abort(); });
}

void ChatServer::onDisconnected(Client *client)
{
    QWebSocket *socket = client->socket;
    if (!m_clients.contains(socket))
        return;
    m_clients.remove(socket);
    const int code = client->closeCode ? client->closeCode : int(socket->closeCode());
    qCInfo(lcServer).noquote() << "disconnect" << client->peer << "user" << (client->userId.isEmpty() ? QStringLiteral("-") : client->userId)
                               << "code" << code << (client->closeCode ? "(server)" : "(peer)") << "duration"
                               << QString::number(double(m_clock.elapsed() - client->connectedAtMs) / 1000.0, 'f', 3) + QStringLiteral("s");
    delete client;
    socket->deleteLater();
    if (m_shuttingDown && m_clients.isEmpty())
        QTimer::singleShot(0, this, &ChatServer::finishShutdown);
}

void ChatServer::checkIdle()
{
    if (m_config.idleTimeoutMs <= 0)
        return;
    const qint64 now = m_clock.elapsed();
    const auto clients = m_clients.values();
    for (Client *client : clients) {
        if (client->closing)
            continue;
        const qint64 last = qMax(client->lastFrameMs, m_lastReceived.value(client->peer, 0));
        if (now - last >= m_config.idleTimeoutMs) {
            qCInfo(lcServer).noquote() << "closing idle" << client->peer << "after" << (now - last) << "ms";
            closeClient(client, CloseGoingAway, QStringLiteral("idle timeout"));
        }
    }
}

void ChatServer::shutdown()
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    qCInfo(lcServer) << "shutting down:" << m_clients.size() << "connections";
    if (m_tcpServer)
        m_tcpServer->close();
    if (m_idleTimer)
        m_idleTimer->stop();
    QList<Client *> open;
    for (Client *client : std::as_const(m_clients)) {
        if (!client->closing)
            open.append(client);
    }
    const QList<int> delays = spreadRetryDelays(int(open.size()), m_config.restartSpreadMs, QRandomGenerator::global());
    for (int i = 0; i < open.size(); ++i)
        closeClient(open[i], CloseRestart, QStringLiteral("{\"retry_after_ms\":%1}").arg(delays[i]));
    if (m_clients.isEmpty()) {
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
