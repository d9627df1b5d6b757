#pragma once
// Membership keeps the list of conversations we are in: the welcome's list (what it no longer
// lists is dropped with its messages), joined/left frames (ours, and others' in conversations we
// hold), and our join/leave requests, which wait for a synced link and go out in order.

#include "conversationinfo.h"
#include "joinedframe.h"
#include "leftframe.h"

#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

#include <functional>

namespace Tether {

class ChangeBatch;
class HistorySync;
class MessageStore;

class Membership
{
public:
    // Writes a frame; false when it could not (the link is down).
    using Writer = std::function<bool(const QJsonObject &)>;

    Membership(MessageStore *store, HistorySync *history, ChangeBatch *changes, Writer writer);

    void setUserId(const QString &userId) { m_userId = userId; }

    // The welcome's list, with each conversation's last seq on the server. Returns how many.
    // A server whose epoch changed (reset, restored from a backup), or whose last seq of a
    // conversation is below what we hold, makes that conversation resync: what we hold is archived
    // (kept, marked) and the server's copy fetched anew, so no new message is taken for a duplicate.
    int welcome(const QList<Protocol::ConversationInfo> &conversations, const QString &epoch = QString());
    void joined(const Protocol::JoinedFrame &frame);
    void left(const Protocol::LeftFrame &frame);
    // A message arrived for a conversation we did not hold: held from now on.
    void ensure(const QString &conversation);
    // Another account's cache: nothing of it stays.
    void dropAll();

    void requestJoin(const QString &conversation) { m_requests.append({true, conversation}); }
    void requestLeave(const QString &conversation) { m_requests.append({false, conversation}); }
    // Writes the waiting requests in order while the link takes them.
    void flushRequests();
    int pendingRequests() const { return int(m_requests.size()); }

private:
    void drop(const QString &conversation);

    MessageStore *m_store;
    HistorySync *m_history;
    ChangeBatch *m_changes;
    Writer m_writer;
    QString m_userId;
    QList<QPair<bool, QString>> m_requests; // (join?, conversation)
};

} // namespace Tether
