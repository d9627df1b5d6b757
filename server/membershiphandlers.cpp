#include "membershiphandlers.h"

#include "accesspolicy.h"
#include "chatserver.h"
#include "clientconnection.h"
#include "frames.h"
#include "logtext.h"
#include "messagebroker.h"
#include "servermetrics.h"
#include "userquotas.h"

#include <QLoggingCategory>

#include <algorithm>

namespace Tether {

Q_DECLARE_LOGGING_CATEGORY(lcServer)

using namespace Protocol;

namespace {
// A public conversation may have many members: the members reply names at most this many.
constexpr int kMaxMembersListed = 1000;

template<typename Frame>
std::optional<Frame> decodeOrAnswer(ClientConnection *client, const QJsonObject &frame)
{
    FrameError error;
    std::optional<Frame> decoded = Frame::fromJson(frame, &error);
    if (!decoded)
        client->sendError(error.code, error.message, frame.value(Key::Id));
    return decoded;
}

AccessPolicy::Facts factsFor(const ClientConnection *client, const std::optional<ServerStorage::Conversation> &info,
                             const ServerStorage &storage)
{
    AccessPolicy::Facts facts;
    facts.isGuest = client->isGuest();
    facts.exists = info.has_value();
    facts.isPublic = info && info->isPublic;
    facts.isMember = info && !info->isPublic && storage.isMember(info->id, client->userId());
    return facts;
}

void sendNotMember(ClientConnection *client, const QJsonValue &requestId)
{
    // The same words whether it exists or not.
    client->sendError(ErrorCode::NotMember, QStringLiteral("not a member of that conversation"), requestId);
}
} // namespace

MembershipHandlers::MembershipHandlers(ServerStorage &storage, MessageBroker &broker, UserQuotas &quotas)
    : m_storage(storage), m_broker(broker), m_quotas(quotas)
{
}

bool MembershipHandlers::mayAccess(const ClientConnection *client, const QString &conversation) const
{
    if (!client->isGuest())
        return m_storage.isMember(conversation, client->userId()); // public, or a membership
    const auto info = m_storage.conversation(conversation);
    return AccessPolicy::mayAccess(factsFor(client, info, m_storage));
}

QList<ServerStorage::Conversation> MembershipHandlers::visibleConversations(const ClientConnection *client) const
{
    QList<ServerStorage::Conversation> conversations = m_storage.conversationsFor(client->userId());
    if (client->isGuest()) {
        conversations.erase(std::remove_if(conversations.begin(), conversations.end(),
                                           [](const ServerStorage::Conversation &c) { return !c.isPublic; }),
                            conversations.end());
    }
    return conversations;
}

void MembershipHandlers::publish(const QString &conversation, const QJsonObject &frame, const ClientConnection *except)
{
    m_broker.publish(conversation, FrameCodec::encode(frame), except ? except->id() : 0);
}

void MembershipHandlers::answerJoined(ClientConnection *client, const QString &conversation, const QString &user,
                                      const QJsonValue &requestId, bool announce)
{
    const auto info = m_storage.conversation(conversation);
    if (!info) {
        countStorageError();
        client->sendError(ErrorCode::StorageError, QStringLiteral("could not join; retry later"), requestId);
        return;
    }
    JoinedFrame joined;
    joined.conversation = ConversationInfo{ info->id, info->title, info->lastSeq };
    joined.user = user;
    if (announce)
        publish(conversation, joined.toJson(), client);
    // The asking client hears about it even before its hello.
    joined.requestId = requestId;
    client->sendFrame(joined.toJson());
}

void MembershipHandlers::handleJoin(ClientConnection *client, const QJsonObject &frame)
{
    const auto join = decodeOrAnswer<JoinFrame>(client, frame);
    if (!join)
        return;
    const QString user = client->userId();
    const auto info = m_storage.conversation(join->conversation);
    QString storageError;
    switch (AccessPolicy::join(factsFor(client, info, m_storage))) {
    case AccessPolicy::Join::Forbidden:
        // No title, no last_seq, no hint whether it exists.
        client->sendError(ErrorCode::Forbidden, QStringLiteral("you cannot join that conversation"), join->requestId);
        return;
    case AccessPolicy::Join::Create: {
        if (!m_quotas.allowCreation(user)) {
            client->sendError(ErrorCode::RateLimited,
                              QStringLiteral("you created too many conversations lately; try again later"), join->requestId);
            return;
        }
        const auto created = m_storage.createConversation(join->conversation, join->effectiveTitle(), user, &storageError);
        if (created == ServerStorage::CreateResult::Exists) {
            client->sendError(ErrorCode::Forbidden, QStringLiteral("you cannot join that conversation"), join->requestId);
            return;
        }
        if (created == ServerStorage::CreateResult::Failed) {
            qCWarning(lcServer).noquote() << "creating a conversation failed:" << LogText::escape(storageError);
            countStorageError();
            client->sendError(ErrorCode::StorageError, QStringLiteral("could not join; retry later"), join->requestId);
            return;
        }
        qCInfo(lcServer).noquote() << LogText::escape(user) << "created private conversation" << join->conversation;
        answerJoined(client, join->conversation, user, join->requestId, false);
        return;
    }
    case AccessPolicy::Join::Enter:
        break;
    }
    // Guests leave no membership behind (public conversations are theirs anyway) and are not
    // announced; registered users are recorded as members, which the members reply lists.
    if (client->isGuest()) {
        answerJoined(client, join->conversation, user, join->requestId, false);
        return;
    }
    if (!m_storage.addMember(join->conversation, user, &storageError)) {
        qCWarning(lcServer).noquote() << "join failed:" << LogText::escape(storageError);
        countStorageError();
        client->sendError(ErrorCode::StorageError, QStringLiteral("could not join; retry later"), join->requestId);
        return;
    }
    answerJoined(client, join->conversation, user, join->requestId, true);
}

void MembershipHandlers::handleLeave(ClientConnection *client, const QJsonObject &frame)
{
    const auto leave = decodeOrAnswer<LeaveFrame>(client, frame);
    if (!leave)
        return;
    const auto info = m_storage.conversation(leave->conversation);
    if (!info || !AccessPolicy::mayAccess(factsFor(client, info, m_storage))) {
        sendNotMember(client, leave->requestId);
        return;
    }
    if (info->isPublic) {
        client->sendError(ErrorCode::Forbidden, QStringLiteral("public conversations cannot be left"), leave->requestId);
        return;
    }
    LeftFrame left;
    left.conversation = info->id;
    left.user = client->userId();
    publish(info->id, left.toJson(), client);
    QString storageError;
    if (!m_storage.removeMember(info->id, client->userId(), &storageError)) {
        countStorageError();
        client->sendError(ErrorCode::StorageError, QStringLiteral("could not leave; retry later"), leave->requestId);
        return;
    }
    left.requestId = leave->requestId;
    client->sendFrame(left.toJson());
}

void MembershipHandlers::handleInvite(ClientConnection *client, const QJsonObject &frame)
{
    const auto invite = decodeOrAnswer<InviteFrame>(client, frame);
    if (!invite)
        return;
    const auto info = m_storage.conversation(invite->conversation);
    const bool registered = !Limits::isGuestId(invite->user) && invite->user != QLatin1String(ChatServer::echoBotId)
            && m_storage.hasUser(invite->user);
    const bool alreadyMember = registered && info && m_storage.members(info->id).contains(invite->user);
    switch (AccessPolicy::invite(factsFor(client, info, m_storage), registered, alreadyMember)) {
    case AccessPolicy::Invite::Forbidden:
        client->sendError(ErrorCode::Forbidden, QStringLiteral("guests cannot invite"), invite->requestId);
        return;
    case AccessPolicy::Invite::NotMember:
        sendNotMember(client, invite->requestId);
        return;
    case AccessPolicy::Invite::NoSuchUser:
        client->sendError(ErrorCode::InvalidField,
                          QStringLiteral("\"%1\" is not a registered user").arg(invite->user.left(64)), invite->requestId);
        return;
    case AccessPolicy::Invite::AlreadyMember:
        answerJoined(client, info->id, invite->user, invite->requestId, false);
        return;
    case AccessPolicy::Invite::Add:
        break;
    }
    QString storageError;
    if (!m_storage.addMember(info->id, invite->user, &storageError)) {
        qCWarning(lcServer).noquote() << "invite failed:" << LogText::escape(storageError);
        countStorageError();
        client->sendError(ErrorCode::StorageError, QStringLiteral("could not invite; retry later"), invite->requestId);
        return;
    }
    qCInfo(lcServer).noquote() << LogText::escape(client->userId()) << "invited" << LogText::escape(invite->user)
                               << "to" << info->id;
    // Every member's connection hears it, the invited user's included (it is a member now).
    answerJoined(client, info->id, invite->user, invite->requestId, true);
}

void MembershipHandlers::handleMembers(ClientConnection *client, const QJsonObject &frame)
{
    const auto request = decodeOrAnswer<MembersRequestFrame>(client, frame);
    if (!request)
        return;
    if (!Limits::isValidConversationId(request->conversation) || !mayAccess(client, request->conversation)) {
        sendNotMember(client, request->requestId);
        return;
    }
    MembersFrame reply;
    reply.conversation = request->conversation;
    reply.members = m_storage.members(request->conversation);
    reply.members.sort();
    if (reply.members.size() > kMaxMembersListed)
        reply.members.resize(kMaxMembersListed);
    reply.requestId = request->requestId;
    client->sendFrame(reply.toJson());
}

void MembershipHandlers::countStorageError()
{
    if (m_metrics)
        m_metrics->storageError();
}

} // namespace Tether
