#pragma once
// What the server does with each frame of a WebSocket client: the rate limit, authentication
// (token or guest), then hello, send, history, join, leave, typing, ping and auth, decoded with
// the protocol's typed frames. Fan-out goes through the MessageBroker.

#include "chatserver.h"
#include "errorcode.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace Tether {

class ClientConnection;
class MessageBroker;
class ServerMetrics;
class ServerStorage;
class TokenService;

class FrameHandlers
{
public:
    FrameHandlers(const ServerConfig &config, ServerStorage &storage, TokenService &tokens, MessageBroker &broker,
                  const QElapsedTimer &clock);

    // Checks an access token (from the upgrade request or an auth frame); closes the connection
    // with 4001 (expired) or 4003 (anything else wrong) and returns false when it does not pass.
    bool authenticate(ClientConnection *client, const QString &token);

    void onText(ClientConnection *client, const QString &text);
    // Where frames received, stores, acks and replays are counted (not owned).
    void setMetrics(ServerMetrics *metrics) { m_metrics = metrics; }
    void onBinary(ClientConnection *client);

private:
    void dispatch(ClientConnection *client, const QJsonObject &frame);
    void handleHello(ClientConnection *client, const QJsonObject &frame);
    void handleSend(ClientConnection *client, const QJsonObject &frame);
    void handleHistory(ClientConnection *client, const QJsonObject &frame);
    void handleJoin(ClientConnection *client, const QJsonObject &frame);
    void handleLeave(ClientConnection *client, const QJsonObject &frame);
    void handleTyping(ClientConnection *client, const QJsonObject &frame);
    void handlePing(ClientConnection *client, const QJsonObject &frame);
    void storeAndBroadcast(const QString &conversation, const QString &clientId, const QString &from,
                           const QString &text, ClientConnection *sender, const QJsonValue &frameId);
    // To every connection of the conversation's members that has sent hello, except one.
    void publish(const QString &conversation, const QJsonObject &frame, const ClientConnection *except = nullptr);
    void close(ClientConnection *client, int code, const QString &reason);

    const ServerConfig m_config;
    ServerStorage &m_storage;
    TokenService &m_tokens;
    MessageBroker &m_broker;
    const QElapsedTimer &m_clock;
    ServerMetrics *m_metrics = nullptr;
    QElapsedTimer m_frameArrived; // restarted per text frame: the start of send->ack latency
};

} // namespace Tether
