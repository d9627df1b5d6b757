#include "eventlog.h"

namespace Tether {

EventLog::EventLog(int limit)
    : m_limit(qMax(1, limit))
{
    m_clock.start();
}

void EventLog::setLimit(int limit)
{
    m_limit = qMax(1, limit);
    while (m_events.size() > m_limit)
        m_events.removeFirst();
}

ConnectionEvent EventLog::append(ConnectionEvent::Kind kind, const QString &text)
{
    ConnectionEvent event;
    event.time = QDateTime::currentDateTimeUtc();
    event.monotonicMs = m_clock.elapsed();
    event.kind = kind;
    event.text = text;
    m_events.append(event);
    while (m_events.size() > m_limit)
        m_events.removeFirst();
    return event;
}

} // namespace Tether
