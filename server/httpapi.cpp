#include "httpapi.h"

#include "credentialsrequest.h"
#include "endpoints.h"
#include "framecodec.h"
#include "healthstatus.h"
#include "httperrorbody.h"
#include "httpresponder.h"
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
    : m_server(server), m_storage(storage), m_tokens(tokens), m_clock(clock)
{
}

void HttpApi::handle(QTcpSocket *socket, const QByteArray &method, const QByteArray &path, const QByteArray &body,
                     const QByteArray &authorization)
{
    const QLatin1String route(path);
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
    const auto userId = m_storage.consumeRefreshToken(TokenService::refreshTokenHash(parsed->refreshToken),
                                                      QDateTime::currentMSecsSinceEpoch());
    if (!userId || !m_storage.hasUser(*userId)) {
        qCInfo(lcServer) << "refresh refused";
        HttpResponder::write(socket, 401, httpError(ErrorCode::InvalidToken, QStringLiteral("unknown, used or expired refresh token")));
        return;
    }
    const QJsonObject response = tokenResponse(*userId);
    if (response.isEmpty()) {
        writeStorageError(socket);
        return;
    }
    qCInfo(lcServer).noquote() << "refreshed tokens for" << *userId;
    HttpResponder::write(socket, 200, response);
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
    if (m_storage.hasUser(credentials->username)) {
        HttpResponder::write(socket, 409, httpError(ErrorCode::UserExists, QStringLiteral("that user name is taken")));
        return;
    }
    QString message;
    if (!m_server.addUser(credentials->username, credentials->password, &message)) {
        HttpResponder::write(socket, 400, httpError(ErrorCode::InvalidField, message));
        return;
    }
    const QJsonObject response = tokenResponse(credentials->username);
    if (response.isEmpty()) {
        writeStorageError(socket);
        return;
    }
    HttpResponder::write(socket, 201, response);
}

void HttpApi::login(QTcpSocket *socket, const QJsonObject &request)
{
    using Outcome = ServerMetrics::LoginOutcome;
    const auto credentials = decodeOrAnswer<Protocol::CredentialsRequest>(socket, request);
    if (!credentials) {
        m_server.metrics().loginAttempt(Outcome::BadRequest);
        return;
    }
    const auto stored = m_storage.passwordHash(credentials->username);
    // Unknown users cost a derivation too, so timing does not reveal which names exist.
    const bool ok = stored ? PasswordHasher::verify(credentials->password, *stored)
                           : (PasswordHasher::derive(credentials->password, QByteArray(16, 'x'),
                                                     m_server.config().passwordIterations),
                              false);
    if (!ok) {
        m_server.metrics().loginAttempt(Outcome::InvalidCredentials);
        qCInfo(lcServer).noquote() << "login refused for" << credentials->username;
        HttpResponder::write(socket, 401, httpError(ErrorCode::InvalidCredentials, QStringLiteral("wrong user name or password")));
        return;
    }
    const QJsonObject response = tokenResponse(credentials->username);
    if (response.isEmpty()) {
        m_server.metrics().loginAttempt(Outcome::StorageError);
        writeStorageError(socket);
        return;
    }
    m_server.metrics().loginAttempt(Outcome::Success);
    qCInfo(lcServer).noquote() << "login" << credentials->username;
    HttpResponder::write(socket, 200, response);
}

QJsonObject HttpApi::tokenResponse(const QString &userId)
{
    const ServerConfig config = m_server.config();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QString refresh = TokenService::newRefreshToken();
    if (!m_storage.storeRefreshToken(TokenService::refreshTokenHash(refresh), userId, now + config.refreshTtlMs)) {
        m_server.metrics().storageError();
        return QJsonObject();
    }
    Protocol::TokenResponse response;
    response.accessToken = m_tokens.issue(userId, userId, now, config.accessTtlMs);
    response.refreshToken = refresh;
    response.expiresIn = config.accessTtlMs % 1000 == 0 ? double(config.accessTtlMs / 1000)
                                                         : double(config.accessTtlMs) / 1000.0;
    response.user = Protocol::UserInfo{ userId, userId, false };
    return response.toJson();
}

} // namespace Tether
