#pragma once
// The bounded in-memory log of connection events (oldest dropped first), for diagnostics.

#include "connectionevent.h"

#include <QElapsedTimer>
#include <QList>

namespace Tether {

class EventLog
{
public:
    explicit EventLog(int limit = 500);

    void setLimit(int limit);
    int limit() const { return m_limit; }
    // Text must already be redacted.
    ConnectionEvent append(ConnectionEvent::Kind kind, const QString &text);
    QList<ConnectionEvent> events() const { return m_events; }
    qint64 elapsedMs() const { return m_clock.elapsed(); }

private:
    QList<ConnectionEvent> m_events;
    QElapsedTimer m_clock;
    int m_limit;
};

} // namespace Tether
