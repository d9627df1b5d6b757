#pragma once
// OutboxPacer decides when outbox entries may go on the wire: at most a window of them unanswered,
// no faster than the server's rate limit (the protocol's token bucket, the one the server limits
// with), once more when no answer comes within the sending timeout, and not before the pause a
// rate_limited or storage_error answer asks for. No I/O: the caller passes a monotonic time.

#include "chatsession.h"
#include "tokenbucket.h"

#include <QHash>
#include <QString>
#include <QStringList>

namespace Tether {

class OutboxPacer
{
public:
    // Reads sendWindow, sendingTimeoutMs, sendRatePerSecond (0 = unpaced), sendBurst and
    // rateLimitedRetryMs.
    explicit OutboxPacer(const ChatSessionConfig &config);

    // While a transient refusal's pause lasts: how long it still does (0 = write on).
    qint64 pausedForMs(qint64 nowMs) const;
    // A rate_limited/storage_error answer: nothing is written for rateLimitedRetryMs, or for the
    // server's retry_after_ms when that is longer (at most a minute).
    void pause(qint64 nowMs, qint64 retryAfterMs = -1);

    // Entries written longer ago than the sending timeout leave the window: they are written again
    // (same id; the server dedupes). Returns them, and asks for a full scan of the outbox.
    QStringList expire(qint64 nowMs);

    int window() const { return m_window; }
    int room() const { return qMax(0, m_window - int(m_inFlight.size())); }
    bool isInFlight(const QString &id) const { return m_inFlight.contains(id); }
    int inFlightCount() const { return int(m_inFlight.size()); }
    // One more entry may go now: room in the window and a token in the bucket.
    bool mayWrite(qint64 nowMs);
    void written(const QString &id, qint64 nowMs); // takes the token
    void answered(const QString &id);              // an ack, our echoed message or an error
    void reset();                                  // the link is gone: nothing is in flight

    // When to flush again, after a flush that stopped with entries left (more) or not: when a
    // token is there, or when the oldest answer would time out; -1 = nothing to wait for.
    qint64 nextFlushInMs(qint64 nowMs, bool more);
    // Usually only queued entries are read. After a timeout (or a failed commit) an entry may be
    // sending in the store but no longer in flight: then the next flush reads the whole outbox.
    bool fullScanNeeded() const { return m_fullScanNeeded; }
    void setFullScanNeeded(bool needed) { m_fullScanNeeded = needed; }

private:
    int m_window;
    int m_sendingTimeoutMs;
    int m_pauseMs;
    Protocol::TokenBucket m_bucket;
    QHash<QString, qint64> m_inFlight; // id -> ms it was written
    qint64 m_pausedUntilMs = 0;
    bool m_fullScanNeeded = true;
};

} // namespace Tether
