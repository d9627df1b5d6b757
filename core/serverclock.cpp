#include "serverclock.h"

#include <QLoggingCategory>

#include <cstdlib>

Q_DECLARE_LOGGING_CATEGORY(lcConnection)

namespace Tether {

ServerClock::ServerClock(Clock localClock)
    : m_clock(localClock ? std::move(localClock) : Clock([] { return QDateTime::currentDateTimeUtc(); }))
{
}

bool ServerClock::observe(const QDateTime &serverTime, qint64 rttMs)
{
    if (!serverTime.isValid())
        return false;
    // The server stamped its time about half a round trip before the answer arrived.
    const qint64 offset = m_clock().msecsTo(serverTime) + qMax<qint64>(0, rttMs) / 2;
    if (std::llabs(offset) > MaxOffsetMs)
        return false;
    if (!m_known || std::llabs(offset - m_offsetMs) > 5000)
        qCInfo(lcConnection).noquote() << "server clock offset" << offset << "ms";
    m_offsetMs = offset;
    m_known = true;
    return true;
}

bool ServerClock::observeMs(qint64 serverMsSinceEpoch, qint64 rttMs)
{
    if (serverMsSinceEpoch <= 0)
        return false;
    return observe(QDateTime::fromMSecsSinceEpoch(serverMsSinceEpoch, Qt::UTC), rttMs);
}

} // namespace Tether
