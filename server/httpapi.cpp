#include "httpapi.h"

#include "credentialsrequest.h"
#include "endpoints.h"
#include "framecodec.h"
#include "healthstatus.h"
#include "httperrorbody.h"
#include "httpresponder.h"
#include "logtext.h"
#include "refreshrequest.h"
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
    : m_server(server), m_storage(storage), m_tokens(tokens), m_clock(clock), m_families(storage, tokens)
{
}

void HttpApi::handle(QTcpSocket *socket, const QByteArray &method, const QByteArray &path, const QByteArray &body)
{
    const QLatin1String route(path);
    if (route == Protocol::Path::Health) {
        health(socket, method);
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
    const auto credentials = decodeOrAnswer<Protocol::CredentialsRequest>(socket, request);
    if (!credentials)
        return;
    const auto stored = m_storage.passwordHash(credentials->username);
    // Unknown users cost a derivation too, so timing does not reveal which names exist.
    const bool ok = stored ? PasswordHasher::verify(credentials->password, *stored)
                           : (PasswordHasher::derive(credentials->password, QByteArray(16, 'x'),
                                                     m_server.config().passwordIterations),
                              false);
    if (!ok) {
        qCInfo(lcServer).noquote() << "login refused for" << LogText::escape(credentials->username);
        HttpResponder::write(socket, 401, httpError(ErrorCode::InvalidCredentials, QStringLiteral("wrong user name or password")));
        return;
    }
    const QJsonObject response = tokenResponse(credentials->username);
    if (response.isEmpty()) {
        writeStorageError(socket);
        return;
    }
    qCInfo(lcServer).noquote() << "login" << LogText::escape(credentials->username);
    HttpResponder::write(socket, 200, response);
}

QJsonObject HttpApi::tokenResponse(const QString &userId)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const RefreshTokenFamilies::Result started = m_families.start(userId, now, m_server.config().refreshTtlMs);
    if (started.outcome != RefreshTokenFamilies::Outcome::Issued)
        return QJsonObject();
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
