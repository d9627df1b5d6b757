#include "groupcommitter.h"

#include <QLoggingCategory>
#include <QMetaObject>

namespace Tether {

Q_DECLARE_LOGGING_CATEGORY(lcServer)

GroupCommitter::GroupCommitter(ServerStorage &storage, int maxBatch, Committed committed, QObject *parent)
    : QObject(parent), m_storage(storage), m_maxBatch(qMax(0, maxBatch)), m_committed(std::move(committed))
{
}

void GroupCommitter::enqueue(const Request &request)
{
    m_pending.append(request);
    if (m_flushing)
        return; // an answer to a batch (the echo bot): stored after that batch is announced
    if (m_maxBatch == 0 || m_pending.size() >= m_maxBatch)
        flush();
    else
        postFlush();
}

void GroupCommitter::postFlush()
{
    if (m_flushPosted)
        return;
    m_flushPosted = true;
    // A posted call runs after the socket notifications of this pass: every frame already read
    // joins the batch.
    QMetaObject::invokeMethod(this, [this] {
        m_flushPosted = false;
        flush();
    }, Qt::QueuedConnection);
}

void GroupCommitter::forget(const ClientConnection *sender)
{
    for (Request &request : m_pending) {
        if (request.sender == sender)
            request.sender = nullptr;
    }
}

void GroupCommitter::flush()
{
    if (m_flushing)
        return;
    while (!m_pending.isEmpty()) {
        m_flushing = true;
        const qsizetype take = m_maxBatch > 0 ? qMin<qsizetype>(m_maxBatch, m_pending.size()) : m_pending.size();
        const QList<Request> batch = m_pending.mid(0, take);
        m_pending.remove(0, take);
        QList<ServerStorage::NewMessage> messages;
        messages.reserve(batch.size());
        for (const Request &request : batch)
            messages.append(request.message);
        QString error;
        const QList<ServerStorage::AppendOutcome> stored = m_storage.appendMessages(messages, &error);
        ++m_batches;
        QList<Outcome> outcomes;
        outcomes.reserve(batch.size());
        for (qsizetype i = 0; i < batch.size(); ++i)
            outcomes.append(Outcome{ batch.at(i), stored.value(i) });
        m_committed(outcomes, error);
        m_flushing = false;
        if (m_maxBatch > 0 && !m_pending.isEmpty()) {
            // What came meanwhile (the echo bot's answers, a full batch's rest): the next pass.
            postFlush();
            return;
        }
    }
}

} // namespace Tether
