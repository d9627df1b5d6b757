#include "outboxpacer.h"

#include <QLoggingCategory>

namespace Tether {

Q_DECLARE_LOGGING_CATEGORY(lcChat)

OutboxPacer::OutboxPacer(const ChatSessionConfig &config)
    : m_window(qMax(1, config.sendWindow)),
      m_sendingTimeoutMs(config.sendingTimeoutMs),
      m_pauseMs(config.rateLimitedRetryMs),
      // The clock is never read: every call passes the time.
      m_bucket(config.sendRatePerSecond, double(qMax(1, config.sendBurst)), [] { return qint64(0); })
{
}

qint64 OutboxPacer::pausedForMs(qint64 nowMs) const
{
    return qMax<qint64>(0, m_pausedUntilMs - nowMs);
}

void OutboxPacer::pause(qint64 nowMs, qint64 retryAfterMs)
{
    constexpr qint64 kLongestPauseMs = 60000; // a hostile or confused server cannot stall us longer
    m_pausedUntilMs = qMax(m_pausedUntilMs, nowMs + qMax<qint64>(m_pauseMs, qMin(retryAfterMs, kLongestPauseMs)));
}

QStringList OutboxPacer::expire(qint64 nowMs)
{
    QStringList expired;
    for (auto it = m_inFlight.begin(); it != m_inFlight.end();) {
        if (nowMs - it.value() > m_sendingTimeoutMs) {
            qCDebug(lcChat) << "no answer for" << it.key() << "within" << m_sendingTimeoutMs << "ms - sending again";
            expired.append(it.key());
            it = m_inFlight.erase(it);
        } else {
            ++it;
        }
    }
    if (!expired.isEmpty())
        m_fullScanNeeded = true;
    return expired;
}

bool OutboxPacer::mayWrite(qint64 nowMs)
{
    return room() > 0 && m_bucket.available(nowMs) >= 1.0;
}

void OutboxPacer::written(const QString &id, qint64 nowMs)
{
    m_bucket.tryTake(nowMs);
    m_inFlight.insert(id, nowMs);
}

void OutboxPacer::answered(const QString &id)
{
    m_inFlight.remove(id);
}

void OutboxPacer::reset()
{
    m_inFlight.clear();
    m_fullScanNeeded = true;
}

qint64 OutboxPacer::nextFlushInMs(qint64 nowMs, bool more)
{
    if (more && m_bucket.available(nowMs) < 1.0)
        return m_bucket.msUntilAvailable(nowMs) + 1;
    if (!m_inFlight.isEmpty())
        return m_sendingTimeoutMs + 10;
    return -1;
}

} // namespace Tether
