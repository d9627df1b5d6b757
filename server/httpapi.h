#pragma once
// The JSON HTTP API on the server's port: POST /api/auth/login, /refresh, /register and
// GET /health (docs/protocol.md), GET /metrics (docs/operations.md), and hands the long-polling
// paths to ChatServer (PollHub). A plain GET /ws (an upgrade a proxy stripped) gets 426. One request per
// connection, answered through HttpResponder. Logins and registrations are rate limited
// (LoginThrottle) before any hashing, and their passwords are hashed off the event-loop thread
// (PasswordWorker).

#include "chatserver.h"
#include "refreshtokenfamilies.h"
#include "loginthrottle.h"
#include "passwordhasher.h"

#include <QByteArray>
#include <QJsonObject>
#include <QUrlQuery>

#include <memory>

class QElapsedTimer;
class QTcpSocket;

namespace Tether {

class PasswordWorker;
class ServerStorage;
class TokenService;

class HttpApi
{
public:
    // server: its config, connectionCount() and addUser(); clock: started with the server (uptime).
    HttpApi(ChatServer &server, ServerStorage &storage, TokenService &tokens, const QElapsedTimer &clock);
    ~HttpApi();
    const PasswordWorker &passwordWorker() const { return *m_worker; }

    // A complete request whose body has been read; always answers and closes the socket.
    // authorization: the request's Authorization header (for /metrics).
    // query: the request's query (the long-polling paths take their session and cursor there).
    void handle(QTcpSocket *socket, const QByteArray &method, const QByteArray &path, const QByteArray &body,
                const QByteArray &authorization = QByteArray(), const QUrlQuery &query = QUrlQuery());

private:
    void health(QTcpSocket *socket, const QByteArray &method);
    void metrics(QTcpSocket *socket, const QByteArray &method, const QByteArray &authorization);
    void refresh(QTcpSocket *socket, const QJsonObject &request);
    void registration(QTcpSocket *socket, const QJsonObject &request);
    void login(QTcpSocket *socket, const QJsonObject &request);
    // Issues an access token and starts a new refresh token family; empty when the store refused it.
    QJsonObject tokenResponse(const QString &userId);
    // The answer for a refresh token the families issued: the access token issued at the same
    // time, so a replayed pair is the same pair.
    QJsonObject tokenResponse(const RefreshTokenFamilies::Result &issued, qint64 nowMs) const;
    // False after answering 429 (with Retry-After) when the attempt is over a login rate limit.
    bool admitLogin(QTcpSocket *socket, const QString &userName);
    void writeBusy(QTcpSocket *socket);

    ChatServer &m_server;
    ServerStorage &m_storage;
    TokenService &m_tokens;
    const QElapsedTimer &m_clock;
    RefreshTokenFamilies m_families;
    LoginThrottle m_throttle;
    std::unique_ptr<PasswordWorker> m_worker;
    PasswordHasher::Hash m_dummyHash; // what an unknown user's password is checked against
};

} // namespace Tether
