#include "changebatch.h"

#include "messagestore.h"

#include <QLoggingCategory>

#include <algorithm>

namespace Tether {

Q_DECLARE_LOGGING_CATEGORY(lcChat)

bool ChangeBatch::Changes::isEmpty() const
{
    return !conversations && updated.isEmpty() && added.isEmpty() && unread.isEmpty() && typing.isEmpty()
        && errors.isEmpty() && reset.isEmpty() && !synced;
}

ChangeBatch::ChangeBatch(MessageStore *store) : m_store(store) {}

void ChangeBatch::touch(const QString &conversation)
{
    if (!m_touched.contains(conversation))
        m_touched.insert(conversation, m_store->lastSeq(conversation));
}

void ChangeBatch::forget(const QString &conversation)
{
    m_touched.remove(conversation);
}

void ChangeBatch::forgetAll()
{
    m_touched.clear();
}

void ChangeBatch::error(ChatSession::Error error, const QString &message)
{
    qCWarning(lcChat).noquote() << ChatSession::errorName(error) << message;
    m_changes.errors.append({error, message});
}

bool ChangeBatch::hasError(ChatSession::Error error) const
{
    for (const auto &e : m_changes.errors) {
        if (e.first == error)
            return true;
    }
    return false;
}

QList<QPair<QString, qint64>> ChangeBatch::advanceWatermarks()
{
    QList<QPair<QString, qint64>> result;
    for (auto it = m_touched.constBegin(); it != m_touched.constEnd(); ++it) {
        const QString &conversation = it.key();
        const qint64 before = it.value();
        const qint64 after = m_store->advanceWatermark(conversation);
        if (after > before) {
            // In seq order, each once: the watermark only moves forward over held messages.
            const QList<ChatMessage> fresh = m_store->messagesInRange(conversation, before, after, true);
            if (!fresh.isEmpty()) {
                auto added = std::find_if(m_changes.added.begin(), m_changes.added.end(),
                                          [&](const auto &entry) { return entry.first == conversation; });
                if (added == m_changes.added.end())
                    m_changes.added.append({conversation, fresh});
                else
                    added->second.append(fresh);
            }
            if (!m_changes.unread.contains(conversation))
                m_changes.unread.append(conversation);
            m_changes.conversations = true;
        }
        result.append({conversation, after});
    }
    m_touched.clear();
    return result;
}

ChangeBatch::Changes ChangeBatch::take()
{
    Changes changes = std::move(m_changes);
    m_changes = Changes();
    return changes;
}

void ChangeBatch::discard()
{
    m_changes = Changes();
    m_touched.clear();
}

} // namespace Tether
