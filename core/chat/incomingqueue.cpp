#include "incomingqueue.h"

namespace Tether {

IncomingQueue::IncomingQueue(int batchSize, std::function<void()> process, int capacity)
    : m_batchSize(qMax(1, batchSize))
    , m_capacity(capacity > 0 ? qMax(capacity, m_batchSize) : m_batchSize * 16)
    , m_process(std::move(process))
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(0);
    m_timer.callOnTimeout([this] { m_process(); });
}

bool IncomingQueue::append(const QString &text)
{
    if (m_texts.size() >= m_capacity) {
        m_overflowed = true;
        return false;
    }
    m_texts.append(text);
    if (m_texts.size() >= m_batchSize)
        m_process();
    else if (!m_timer.isActive())
        m_timer.start();
    return true;
}

void IncomingQueue::clear()
{
    m_texts.clear();
    m_overflowed = false;
    m_timer.stop();
}

QStringList IncomingQueue::takeBatch()
{
    const int n = qMin<int>(m_texts.size(), m_batchSize);
    const QStringList batch = m_texts.mid(0, n);
    m_texts.erase(m_texts.begin(), m_texts.begin() + n);
    if (!m_texts.isEmpty())
        m_timer.start(); // the rest on the next pass: the UI gets the event loop in between
    return batch;
}

} // namespace Tether
