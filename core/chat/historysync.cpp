#include "historysync.h"

#include "messagestore.h"
#include "protocollimits.h"

#include <QLoggingCategory>

namespace Tether {

Q_DECLARE_LOGGING_CATEGORY(lcChat)

HistorySync::HistorySync(const MessageStore *store, int pageLimit, Writer writer)
    : m_store(store), m_pageLimit(qBound(1, pageLimit, Protocol::Limits::HistoryPageMax)), m_writer(std::move(writer))
{
}

void HistorySync::setServerLastSeq(const QString &conversation, qint64 seq)
{
    m_serverLastSeq.insert(conversation, seq);
}

void HistorySync::forget(const QString &conversation)
{
    m_serverLastSeq.remove(conversation);
}

void HistorySync::forgetServerState()
{
    m_serverLastSeq.clear();
    m_more.clear();
}

void HistorySync::reset()
{
    m_requests.clear();
    m_inFlight.clear();
    m_more.clear(); // the next synced says again what is left
}

bool HistorySync::hasGap(const QString &conversation, qint64 watermark) const
{
    return m_store->maxSeq(conversation) > watermark || m_serverLastSeq.value(conversation) > watermark
            || m_more.contains(conversation);
}

void HistorySync::request(const QString &conversation)
{
    if (m_inFlight.contains(conversation))
        return;
    Protocol::HistoryRequestFrame frame;
    frame.conversation = conversation;
    frame.after = m_store->lastSeq(conversation);
    frame.limit = m_pageLimit;
    const QString id = QStringLiteral("h:%1").arg(++m_counter);
    frame.requestId = id;
    if (!m_writer(frame))
        return;
    qCDebug(lcChat) << "gap in" << conversation << "after" << frame.after << "- asked for history";
    m_requests.insert(id, conversation);
    m_inFlight.insert(conversation);
}

void HistorySync::fill(const QString &conversation, qint64 watermark)
{
    if (!m_inFlight.contains(conversation) && hasGap(conversation, watermark))
        request(conversation);
}

void HistorySync::pageReceived(const QString &conversation, const QString &requestId, bool emptyAndLast)
{
    m_requests.remove(requestId);
    m_inFlight.remove(conversation);
    if (emptyAndLast)
        m_more.remove(conversation);
    if (emptyAndLast) {
        // The server has nothing more: never ask again for what it said it does not have.
        m_serverLastSeq.insert(conversation, qMin(m_serverLastSeq.value(conversation), m_store->lastSeq(conversation)));
    }
    for (auto it = m_requests.begin(); it != m_requests.end();) {
        if (it.value() == conversation)
            it = m_requests.erase(it);
        else
            ++it;
    }
}

QString HistorySync::takeRefused(const QString &requestId)
{
    const QString conversation = m_requests.take(requestId);
    if (!conversation.isEmpty())
        m_inFlight.remove(conversation);
    return conversation;
}

} // namespace Tether
