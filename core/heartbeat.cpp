#include "heartbeat.h"

namespace Tether {

Heartbeat::Heartbeat(QObject *parent)
    : QObject(parent)
{
    m_clock.start();
    m_deadline.setSingleShot(true);
    connect(&m_interval, &QTimer::timeout, this, [this] { sendPing(m_timeoutMs); });
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        const int waited = int(m_clock.elapsed() - m_deadlineStartedAt);
        stop();
        Q_EMIT timedOut(waited);
    });
}

void Heartbeat::start(Mode mode, int intervalMs, int timeoutMs, PingSender sendFramePing, PingSender sendJson,
                      const QByteArray &jsonPing)
{
    stop();
    m_mode = mode;
    m_timeoutMs = qMax(1, timeoutMs);
    m_sendFrame = std::move(sendFramePing);
    m_sendJson = std::move(sendJson);
    m_jsonPing = jsonPing;
    m_active = true;
    if (mode != Mode::Off && intervalMs > 0)
        m_interval.start(intervalMs);
}

void Heartbeat::stop()
{
    m_active = false;
    m_interval.stop();
    m_deadline.stop();
    m_sentAt.clear();
    m_jsonSentAt = -1;
}

void Heartbeat::probe(int timeoutMs)
{
    if (!m_active)
        return;
    sendPing(qMax(1, timeoutMs));
}

void Heartbeat::sendPing(int timeoutMs)
{
    if (!m_active)
        return;
    const qint64 now = m_clock.elapsed();
    if (m_mode == Mode::Json) {
        m_jsonSentAt = now;
        if (m_sendJson)
            m_sendJson(m_jsonPing);
    } else {
        // Off mode still probes with a frame when asked to: a probe must be able to fail.
        const quint64 seq = ++m_sequence;
        m_sentAt.insert(seq, now);
        if (m_sentAt.size() > 64) // answers that never came; keep the table small
            m_sentAt.erase(m_sentAt.begin());
        if (m_sendFrame)
            m_sendFrame(QByteArray::number(seq));
    }
    // Keep an earlier deadline if one is already running and shorter.
    const qint64 remaining = m_deadline.isActive() ? m_deadline.remainingTime() : -1;
    if (remaining < 0 || remaining > timeoutMs) {
        m_deadlineStartedAt = now;
        m_deadline.start(timeoutMs);
    }
}

void Heartbeat::frameReceived()
{
    m_deadline.stop();
}

void Heartbeat::pongFrameReceived(const QByteArray &payload)
{
    m_deadline.stop();
    bool ok = false;
    const quint64 seq = payload.toULongLong(&ok);
    if (!ok)
        return;
    const auto it = m_sentAt.constFind(seq);
    if (it == m_sentAt.cend())
        return;
    const qint64 sentAt = it.value();
    // Older pings are answered implicitly: the link is alive.
    for (auto i = m_sentAt.begin(); i != m_sentAt.end();) {
        if (i.key() <= seq)
            i = m_sentAt.erase(i);
        else
            ++i;
    }
    answered(sentAt);
}

void Heartbeat::jsonPongReceived()
{
    m_deadline.stop();
    if (m_jsonSentAt < 0)
        return;
    const qint64 sentAt = m_jsonSentAt;
    m_jsonSentAt = -1;
    answered(sentAt);
}

void Heartbeat::answered(qint64 sentAt)
{
    Q_EMIT rtt(int(m_clock.elapsed() - sentAt));
}

} // namespace Tether
