#include "membership.h"

#include "changebatch.h"
#include "historysync.h"
#include "joinframe.h"
#include "leaveframe.h"
#include "messagestore.h"

#include <QLoggingCategory>
#include <QSet>

namespace Tether {

Q_DECLARE_LOGGING_CATEGORY(lcChat)

Membership::Membership(MessageStore *store, HistorySync *history, ChangeBatch *changes, Writer writer)
    : m_store(store), m_history(history), m_changes(changes), m_writer(std::move(writer))
{
}

int Membership::welcome(const QList<Protocol::ConversationInfo> &conversations, const QString &epoch)
{
    QSet<QString> listed;
    m_history->forgetServerState();
    const QString knownEpoch = m_store->value(MessageStore::MetaServerEpoch);
    const bool epochChanged = !epoch.isEmpty() && !knownEpoch.isEmpty() && epoch != knownEpoch;
    for (const Protocol::ConversationInfo &c : conversations) {
        listed.insert(c.id);
        const qint64 held = m_store->hasConversation(c.id) ? m_store->maxSeq(c.id) : 0;
        if (held > 0 && (epochChanged || c.lastSeq < held)) {
            qCWarning(lcChat).noquote() << "the server was reset for" << c.id << "(epoch"
                                        << (epochChanged ? "changed" : "same") << "last_seq" << c.lastSeq << "held"
                                        << held << ") - archiving what we hold and fetching it again";
            m_store->archiveConversation(c.id, knownEpoch.isEmpty() ? QStringLiteral("unknown") : knownEpoch);
            m_changes->forget(c.id); // the watermark moved back: what arrives now is measured from 0
            m_changes->touch(c.id);
            m_changes->reset(c.id);
        }
        m_store->upsertConversation(c.id, c.title);
        m_history->setServerLastSeq(c.id, c.lastSeq);
    }
    for (const Conversation &c : m_store->conversations()) {
        if (!listed.contains(c.id)) {
            qCInfo(lcChat).noquote() << "no longer a member of" << c.id;
            m_store->removeConversation(c.id);
            m_changes->forget(c.id);
        }
    }
    if (!epoch.isEmpty() && epoch != knownEpoch)
        m_store->setValue(MessageStore::MetaServerEpoch, epoch);
    m_changes->conversationsChanged();
    return int(listed.size());
}

void Membership::joined(const Protocol::JoinedFrame &frame)
{
    const QString &id = frame.conversation.id;
    // Someone else joining is news only for a conversation we are in.
    if (frame.user != m_userId && !m_store->hasConversation(id))
        return;
    m_store->upsertConversation(id, frame.conversation.title);
    m_history->setServerLastSeq(id, frame.conversation.lastSeq);
    m_changes->touch(id);
    m_changes->conversationsChanged();
}

void Membership::left(const Protocol::LeftFrame &frame)
{
    if (frame.user != m_userId)
        return;
    drop(frame.conversation);
    m_changes->conversationsChanged();
}

void Membership::ensure(const QString &conversation)
{
    if (m_store->hasConversation(conversation))
        return;
    m_store->upsertConversation(conversation, conversation);
    m_changes->conversationsChanged();
}

void Membership::dropAll()
{
    for (const Conversation &c : m_store->conversations())
        m_store->removeConversation(c.id);
    m_changes->forgetAll();
}

void Membership::drop(const QString &conversation)
{
    m_store->removeConversation(conversation);
    m_history->forget(conversation);
    m_changes->forget(conversation);
}

void Membership::flushRequests()
{
    while (!m_requests.isEmpty()) {
        const auto &[isJoin, conversation] = m_requests.first();
        QJsonObject frame;
        if (isJoin) {
            Protocol::JoinFrame join;
            join.conversation = conversation;
            frame = join.toJson();
        } else {
            Protocol::LeaveFrame leave;
            leave.conversation = conversation;
            frame = leave.toJson();
        }
        if (!m_writer(frame))
            return;
        m_requests.removeFirst();
    }
}

} // namespace Tether
