#include "httpapi.h"

#include "credentialsrequest.h"
#include "endpoints.h"
#include "framecodec.h"
#include "healthstatus.h"
#include "httperrorbody.h"
#include "httpresponder.h"
#include "keys.h"
#include "logtext.h"
#include "passwordworker.h"
#include "pollhub.h"
#include "refreshrequest.h"
#include "servermetrics.h"
#include "serverstorage.h"
#include "tokenresponse.h"
#include "tokenservice.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QTcpSocket>

namespace Tether {

Q_DECLARE_LOGGING_CATEGORY(lcServer)

using Protocol::ErrorCode;

namespace {
QJsonObject httpError(ErrorCode code, const QString &message)
{
    return Protocol::HttpErrorBody(code, message).toJson();
}

// The typed body, or nullopt after answering 400 with why not (missing_field).
template<typename Body>
std::optional<Body> decodeOrAnswer(QTcpSocket *socket, const QJsonObject &request)
{
    Protocol::FrameError error;
    std::optional<Body> decoded = Body::fromJson(request, &error);
    if (!decoded)
        HttpResponder::write(socket, 400, httpError(error.code, error.message));
    return decoded;
}

void writeStorageError(QTcpSocket *socket)
{
    HttpResponder::write(socket, 500, httpError(ErrorCode::StorageError, QStringLiteral("cannot store the refresh token")));
}
} // namespace

HttpApi::HttpApi(ChatServer &server, ServerStorage &storage, TokenService &tokens, const QElapsedTimer &clock)
    : m_server(server), m_storage(storage), m_tokens(tokens), m_clock(clock), m_families(storage, tokens),
      m_throttle(server.config().loginRatePerMinute, server.config().loginUserRatePerMinute),
      m_worker(std::make_unique<PasswordWorker>(server.config().maxPendingLogins))
{
    // An unknown user name costs the same derivation as a real one (same iterations, random salt
    // and key that no password matches), and gets the same answer.
    m_dummyHash.iterations = qMax(1, server.config().passwordIterations);
    m_dummyHash.salt = TokenService::newRefreshToken().toLatin1().left(16);
    m_dummyHash.key = TokenService::refreshTokenHash(TokenService::newRefreshToken());
}

HttpApi::~HttpApi() = default;

bool HttpApi::admitLogin(QTcpSocket *socket, const QString &userName)
{
    const qint64 waitMs = m_throttle.admit(socket->peerAddress(), userName, m_clock.elapsed());
    if (waitMs <= 0)
        return true;
    const qint64 seconds = qMax<qint64>(1, (waitMs + 999) / 1000);
    HttpResponder::write(socket, 429,
                         httpError(ErrorCode::RateLimited, QStringLiteral("too many attempts; retry in %1 s").arg(seconds)),
                         "Retry-After: " + QByteArray::number(seconds) + "\r\n");
    return false;
}

void HttpApi::writeBusy(QTcpSocket *socket)
{
    HttpResponder::write(socket, 503, httpError(ErrorCode::ServerBusy, QStringLiteral("too many logins at once; retry shortly")),
                         "Retry-After: 1\r\n");
}

void HttpApi::handle(QTcpSocket *socket, const QByteArray &method, const QByteArray &path, const QByteArray &body,
                     const QByteArray &authorization, const QUrlQuery &query)
{
    const QLatin1String route(path);
    if (PollHub::isPollPath(path)) {
        m_server.handlePoll(socket, method, path, query, body, authorization);
        return;
    }
    if (route == Protocol::Path::WebSocket) {
        // The endpoint exists, but this request lost its Upgrade on the way (a proxy that strips
        // it forwards a plain GET): 426 lets the client tell interference from a wrong path.
        HttpResponder::write(socket, 426, httpError(ErrorCode::UpgradeRequired, QStringLiteral("WebSocket upgrade required")),
                             "Upgrade: websocket\r\n");
        return;
    }
    if (route == Protocol::Path::Health) {
        health(socket, method);
        return;
    }
    if (route == Protocol::Path::Metrics) {
        metrics(socket, method, authorization);
        return;
    }
    const bool login = route == Protocol::Path::Login;
    const bool refresh = route == Protocol::Path::Refresh;
    const bool registration = route == Protocol::Path::Register;
    if (!login && !refresh && !registration) {
        HttpResponder::write(socket, 404, httpError(ErrorCode::NotFound, QStringLiteral("no such endpoint")));
        return;
    }
    if (method != "POST") {
        HttpResponder::write(socket, 405, httpError(ErrorCode::MethodNotAllowed, QStringLiteral("use POST")),
                             "Allow: POST\r\n");
        return;
    }
    const auto request = Protocol::FrameCodec::decodeUtf8(body);
    if (!request) {
        HttpResponder::write(socket, 400, httpError(ErrorCode::BadJson, QStringLiteral("the body must be a JSON object")));
        return;
    }
    if (refresh)
        this->refresh(socket, *request);
    else if (registration)
        this->registration(socket, *request);
    else
        this->login(socket, *request);
}

void HttpApi::health(QTcpSocket *socket, const QByteArray &method)
{
    if (method != "GET") {
        HttpResponder::write(socket, 405, httpError(ErrorCode::MethodNotAllowed, QStringLiteral("use GET")),
                             "Allow: GET\r\n");
        return;
    }
    Protocol::HealthStatus health;
    health.version = QStringLiteral(TETHER_VERSION);
    health.uptimeS = double(m_clock.elapsed()) / 1000.0;
    health.connections = m_server.connectionCount();
    health.instance = m_server.instanceId();
    health.storage = m_server.storageKind();
    health.broker = m_server.brokerKind();
    health.reason = m_server.healthProblem();
    if (!health.reason.isEmpty())
        health.status = Protocol::Value::StatusDegraded;
    HttpResponder::write(socket, 200, health.toJson());
}

void HttpApi::metrics(QTcpSocket *socket, const QByteArray &method, const QByteArray &authorization)
{
    if (method != "GET") {
        HttpResponder::write(socket, 405, httpError(ErrorCode::MethodNotAllowed, QStringLiteral("use GET")),
                             "Allow: GET\r\n");
        return;
    }
    const QString token = m_server.config().metricsToken;
    if (!ServerMetrics::mayScrape(token, authorization, socket->peerAddress())) {
        if (token.isEmpty())
            HttpResponder::write(socket, 403, httpError(ErrorCode::Forbidden, QStringLiteral("/metrics answers loopback peers only")));
        else
            HttpResponder::write(socket, 401, httpError(ErrorCode::InvalidToken, QStringLiteral("/metrics needs its bearer token")),
                                 "WWW-Authenticate: Bearer\r\n");
        return;
    }
    HttpResponder::writeRaw(socket, 200, "text/plain; version=0.0.4; charset=utf-8", m_server.scrapeMetrics());
}

void HttpApi::refresh(QTcpSocket *socket, const QJsonObject &request)
{
    const auto parsed = decodeOrAnswer<Protocol::RefreshRequest>(socket, request);
    if (!parsed)
        return;
    const ServerConfig config = m_server.config();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const RefreshTokenFamilies::Result result =
            m_families.exchange(parsed->refreshToken, now, config.refreshTtlMs, config.refreshGraceMs);
    using Outcome = RefreshTokenFamilies::Outcome;
    if (result.outcome == Outcome::StorageFailed) {
        writeStorageError(socket);
        return;
    }
    if (result.outcome == Outcome::ReuseDetected) {
        qCWarning(lcServer).noquote() << "refresh token reuse for" << LogText::escape(result.userId)
                                      << "- revoked its family of" << result.revoked << "tokens";
    }
    if (result.outcome == Outcome::Rejected || result.outcome == Outcome::ReuseDetected
        || !m_storage.hasUser(result.userId)) {
        qCInfo(lcServer) << "refresh refused";
        HttpResponder::write(socket, 401, httpError(ErrorCode::InvalidToken, QStringLiteral("unknown, used or expired refresh token")));
        return;
    }
    qCInfo(lcServer).noquote() << (result.outcome == Outcome::Replayed ? "refresh retried: the same tokens again for"
                                                                       : "refreshed tokens for")
                               << LogText::escape(result.userId);
    HttpResponder::write(socket, 200, tokenResponse(result, now));
}

void HttpApi::registration(QTcpSocket *socket, const QJsonObject &request)
{
    const auto credentials = decodeOrAnswer<Protocol::CredentialsRequest>(socket, request);
    if (!credentials)
        return;
    if (!m_server.config().openRegistration) {
        HttpResponder::write(socket, 403, httpError(ErrorCode::RegistrationClosed, QStringLiteral("registration is not open")));
        return;
    }
    if (!admitLogin(socket, QString()))
        return;
    if (m_storage.hasUser(credentials->username)) {
        HttpResponder::write(socket, 409, httpError(ErrorCode::UserExists, QStringLiteral("that user name is taken")));
        return;
    }
    QString message;
    if (!ChatServer::checkNewUser(credentials->username, credentials->password, &message)) {
        HttpResponder::write(socket, 400, httpError(ErrorCode::InvalidField, message));
        return;
    }
    const QString name = credentials->username;
    const bool queued = m_worker->hash(credentials->password, m_server.config().passwordIterations, socket,
                                       [this, socket, name](const PasswordHasher::Hash &hash) {
        QString error;
        if (!m_server.addUserHash(name, hash, &error)) {
            if (m_storage.hasUser(name))
                HttpResponder::write(socket, 409, httpError(ErrorCode::UserExists, QStringLiteral("that user name is taken")));
            else
                HttpResponder::write(socket, 500, httpError(ErrorCode::StorageError, QStringLiteral("cannot store the user")));
            return;
        }
        const QJsonObject response = tokenResponse(name);
        if (response.isEmpty()) {
            writeStorageError(socket);
            return;
        }
        HttpResponder::write(socket, 201, response);
    });
    if (!queued)
        writeBusy(socket);
}

void HttpApi::login(QTcpSocket *socket, const QJsonObject &request)
{
    using Outcome = ServerMetrics::LoginOutcome;
    const auto credentials = decodeOrAnswer<Protocol::CredentialsRequest>(socket, request);
    if (!credentials) {
        m_server.metrics().loginAttempt(Outcome::BadRequest);
        return;
    }
    // Counted now, before any hashing: a burst cannot slip in while earlier hashes run.
    if (!admitLogin(socket, credentials->username)) {
        m_server.metrics().loginAttempt(Outcome::RateLimited);
        return;
    }
    const auto stored = m_storage.passwordHash(credentials->username);
    const QString name = credentials->username;
    // Unknown users cost a derivation too, with the same answer, so neither the answer nor its
    // timing reveals which names exist.
    const bool queued = m_worker->verify(credentials->password, stored ? *stored : m_dummyHash, socket,
                                         [this, socket, name, known = stored.has_value()](bool ok) {
        if (!ok || !known) {
            m_server.metrics().loginAttempt(Outcome::InvalidCredentials);
            qCInfo(lcServer).noquote() << "login refused for" << LogText::escape(name);
            HttpResponder::write(socket, 401, httpError(ErrorCode::InvalidCredentials, QStringLiteral("wrong user name or password")));
            return;
        }
        const QJsonObject response = tokenResponse(name);
        if (response.isEmpty()) {
            m_server.metrics().loginAttempt(Outcome::StorageError);
            writeStorageError(socket);
            return;
        }
        m_server.metrics().loginAttempt(Outcome::Success);
        qCInfo(lcServer).noquote() << "login" << LogText::escape(name);
        HttpResponder::write(socket, 200, response);
    });
    if (!queued)
        writeBusy(socket);
}

QJsonObject HttpApi::tokenResponse(const QString &userId)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const RefreshTokenFamilies::Result started = m_families.start(userId, now, m_server.config().refreshTtlMs);
    if (started.outcome != RefreshTokenFamilies::Outcome::Issued) {
        if (started.outcome == RefreshTokenFamilies::Outcome::StorageFailed)
            m_server.metrics().storageError();
        return QJsonObject();
    }
    return tokenResponse(started, now);
}

QJsonObject HttpApi::tokenResponse(const RefreshTokenFamilies::Result &issued, qint64 nowMs) const
{
    const ServerConfig config = m_server.config();
    Protocol::TokenResponse response;
    // Deterministic for (user, issue time): a replayed pair carries the very same access token.
    response.accessToken = m_tokens.issue(issued.userId, issued.userId, issued.issuedAtMs, config.accessTtlMs);
    response.refreshToken = issued.refreshToken;
    const qint64 remainingMs = qMax<qint64>(1, issued.issuedAtMs + config.accessTtlMs - nowMs);
    response.expiresIn = remainingMs % 1000 == 0 ? double(remainingMs / 1000) : double(remainingMs) / 1000.0;
    response.user = Protocol::UserInfo{ issued.userId, issued.userId, false };
    return response.toJson();
}

} // namespace Tether
