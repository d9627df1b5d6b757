#pragma once
// The frames about who is in which conversation: join (entering, or creating a private one),
// leave, invite and members, under AccessPolicy, plus the access check every other frame handler
// asks (send, history, typing) and the conversations a client may see.

#include "serverstorage.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace Tether {

class ClientConnection;
class MessageBroker;
class ServerMetrics;
class UserQuotas;

class MembershipHandlers
{
public:
    MembershipHandlers(ServerStorage &storage, MessageBroker &broker, UserQuotas &quotas);

    // May read, post to and get broadcasts of the conversation (docs/protocol.md, access control).
    bool mayAccess(const ClientConnection *client, const QString &conversation) const;
    // What the welcome lists: public conversations and, for registered users, their memberships.
    QList<ServerStorage::Conversation> visibleConversations(const ClientConnection *client) const;

    void handleJoin(ClientConnection *client, const QJsonObject &frame);
    void handleLeave(ClientConnection *client, const QJsonObject &frame);
    void handleInvite(ClientConnection *client, const QJsonObject &frame);
    void handleMembers(ClientConnection *client, const QJsonObject &frame);
    // Where storage failures are counted (not owned; may stay unset).
    void setMetrics(ServerMetrics *metrics) { m_metrics = metrics; }

private:
    void countStorageError();
    // To every connection of the conversation's members that has sent hello, except one.
    void publish(const QString &conversation, const QJsonObject &frame, const ClientConnection *except);
    // Answers "joined" for user to the asking client (with the request's id) and, when announce,
    // to the conversation's other connections.
    void answerJoined(ClientConnection *client, const QString &conversation, const QString &user,
                      const QJsonValue &requestId, bool announce);

    ServerStorage &m_storage;
    MessageBroker &m_broker;
    UserQuotas &m_quotas;
    ServerMetrics *m_metrics = nullptr;
};

} // namespace Tether
