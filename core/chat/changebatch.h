#pragma once
// ChangeBatch collects what applying incoming frames changed, so that a batch of them (one store
// transaction) is announced once, after its commit: conversations whose watermark may move, the
// messages that became contiguous, delivery updates, typing, errors. ChatSession emits take().

#include "chatsession.h"

#include <QHash>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace Tether {

class MessageStore;

class ChangeBatch
{
public:
    // What to announce, in the order ChatSession emits it.
    struct Changes
    {
        bool conversations = false;
        QList<ChatMessage> updated;                             // acks first: seqs before new messages
        QList<QPair<QString, QList<ChatMessage>>> added;        // per conversation, each once
        QStringList unread;                                     // conversations whose count moved
        QList<QPair<QString, QString>> typing;                  // conversation, user
        QList<QPair<ChatSession::Error, QString>> errors;
        QStringList reset;                                      // conversations archived for a resync
        bool synced = false;

        bool isEmpty() const;
    };

    explicit ChangeBatch(MessageStore *store);

    // The conversation's watermark may move in this batch: remembers where it stands now.
    void touch(const QString &conversation);
    // The conversation is gone (left, or no longer listed): nothing of it is announced.
    void forget(const QString &conversation);
    void forgetAll();

    void update(const ChatMessage &message) { m_changes.updated.append(message); }
    void typing(const QString &conversation, const QString &user) { m_changes.typing.append({conversation, user}); }
    void error(ChatSession::Error error, const QString &message);
    bool hasError(ChatSession::Error error) const;
    void conversationsChanged() { m_changes.conversations = true; }
    void synced() { m_changes.synced = true; }
    void reset(const QString &conversation) { m_changes.reset.append(conversation); }
    bool isSynced() const { return m_changes.synced; }

    // Moves the watermark of every touched conversation over the messages now held and queues
    // those that became contiguous (each once, in seq order; not our own, which were shown when
    // queued). Returns every touched conversation with its watermark, for the gap check.
    QList<QPair<QString, qint64>> advanceWatermarks();

    Changes take();  // and start over
    void discard();  // the batch was not committed: nothing of it happened

private:
    MessageStore *m_store;
    QHash<QString, qint64> m_touched; // conversation -> watermark before this batch
    Changes m_changes;
};

} // namespace Tether
