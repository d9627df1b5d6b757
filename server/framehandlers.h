#pragma once
// What the server does with each frame of a WebSocket client: the rate limit (charged before the
// frame is parsed), authentication (token or guest), then hello, send, history, typing, ping and
// auth, decoded with the protocol's typed frames; join, leave, invite and members go to
// MembershipHandlers. Sends are bounded per user (UserQuotas), stored by group commit and
// acknowledged once durable. Fan-out goes through the MessageBroker.

#include "chatserver.h"
#include "errorcode.h"
#include "groupcommitter.h"
#include "membershiphandlers.h"
#include "userquotas.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <memory>

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
    ~FrameHandlers();

    // Checks an access token (from the upgrade request or an auth frame); closes the connection
    // with 4001 (expired) or 4003 (anything else wrong) and returns false when it does not pass.
    bool authenticate(ClientConnection *client, const QString &token);

    void onText(ClientConnection *client, const QString &text);
    // Where frames received, stores, acks and replays are counted (not owned).
    void setMetrics(ServerMetrics *metrics)
    {
        m_metrics = metrics;
        m_membership.setMetrics(metrics);
    }
    void onBinary(ClientConnection *client);
    // The connection is gone (before it is deleted): its sends still waiting for the commit are
    // stored, but not acknowledged.
    void forget(ClientConnection *client);
    // Stores what waits for the group commit now (shutdown).
    void flushPending();
    const GroupCommitter &committer() const { return *m_committer; }

private:
    void dispatch(ClientConnection *client, const QJsonObject &frame);
    void handleHello(ClientConnection *client, const QJsonObject &frame);
    void handleSend(ClientConnection *client, const QJsonObject &frame);
    void handleHistory(ClientConnection *client, const QJsonObject &frame);
    void handleTyping(ClientConnection *client, const QJsonObject &frame);
    void handlePing(ClientConnection *client, const QJsonObject &frame);
    // False (after answering or closing) when the frame is over the connection's rate limit.
    bool charge(ClientConnection *client, const QString *text);
    void store(const QString &conversation, const QString &clientId, const QString &from, const QString &text,
               ClientConnection *sender, const QJsonValue &frameId);
    // A group commit is done: ack, broadcast, and the echo bot's answers.
    void committed(const QList<GroupCommitter::Outcome> &outcomes, const QString &errorMessage);
    // To every connection of the conversation's members that has sent hello, except one.
    void publish(const QString &conversation, const QJsonObject &frame, const ClientConnection *except = nullptr);
    void close(ClientConnection *client, int code, const QString &reason);

    const ServerConfig m_config;
    ServerStorage &m_storage;
    TokenService &m_tokens;
    MessageBroker &m_broker;
    const QElapsedTimer &m_clock;
    UserQuotas m_quotas;
    MembershipHandlers m_membership;
    std::unique_ptr<GroupCommitter> m_committer;
    ServerMetrics *m_metrics = nullptr;
    qint64 m_frameArrivedNs = -1; // m_clock at the current text frame: the start of send->ack latency
};

} // namespace Tether
