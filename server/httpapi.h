#pragma once
// The JSON HTTP API on the server's port: POST /api/auth/login, /refresh, /register and
// GET /health (docs/protocol.md), and GET /metrics (docs/operations.md). One request per connection, answered through HttpResponder.

#include "chatserver.h"

#include <QByteArray>
#include <QJsonObject>

class QElapsedTimer;
class QTcpSocket;

namespace Tether {

class ServerStorage;
class TokenService;

class HttpApi
{
public:
    // server: its config, connectionCount() and addUser(); clock: started with the server (uptime).
    HttpApi(ChatServer &server, ServerStorage &storage, TokenService &tokens, const QElapsedTimer &clock);

    // A complete request whose body has been read; always answers and closes the socket.
    // authorization: the request's Authorization header (for /metrics).
    void handle(QTcpSocket *socket, const QByteArray &method, const QByteArray &path, const QByteArray &body,
                const QByteArray &authorization = QByteArray());

private:
    void health(QTcpSocket *socket, const QByteArray &method);
    void metrics(QTcpSocket *socket, const QByteArray &method, const QByteArray &authorization);
    void refresh(QTcpSocket *socket, const QJsonObject &request);
    void registration(QTcpSocket *socket, const QJsonObject &request);
    void login(QTcpSocket *socket, const QJsonObject &request);
    // Issues an access token and stores a new refresh token; empty when the store refused it.
    QJsonObject tokenResponse(const QString &userId);

    ChatServer &m_server;
    ServerStorage &m_storage;
    TokenService &m_tokens;
    const QElapsedTimer &m_clock;
};

} // namespace Tether
