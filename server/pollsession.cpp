#include "pollsession.h"

#include "httpresponder.h"
#include "keys.h"
#include "protocollimits.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

namespace Tether {

PollSession::PollSession(const QString &id, int holdMs, const QElapsedTimer &clock, QObject *parent)
    : QObject(parent), m_id(id), m_holdMs(qMax(1, holdMs)), m_clock(clock), m_lastSeenMs(clock.elapsed())
{
    m_holdTimer.setSingleShot(true);
    connect(&m_holdTimer, &QTimer::timeout, this, &PollSession::answer);
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(0);
    connect(&m_flushTimer, &QTimer::timeout, this, &PollSession::answer);
}

PollSession::~PollSession() = default;

void PollSession::push(const QString &frameText)
{
    const QByteArray bytes = frameText.toUtf8();
    m_bytes += bytes.size();
    m_frames.append(bytes);
    if (m_held && !m_flushTimer.isActive())
        m_flushTimer.start();
}

void PollSession::finish(int code, const QString &reason)
{
    if (isFinished())
        return;
    m_closeCode = code;
    m_closeReason = reason;
    m_finishedAtMs = m_clock.elapsed();
    if (m_held && !m_flushTimer.isActive())
        m_flushTimer.start();
}

bool PollSession::isHeld() const
{
    return m_held && m_held->state() == QAbstractSocket::ConnectedState;
}

bool PollSession::acceptBatch(qint64 seq)
{
    if (seq <= m_lastBatch)
        return false;
    m_lastBatch = seq;
    return true;
}

PollSession::PollResult PollSession::poll(QTcpSocket *socket, qint64 cursor)
{
    m_lastSeenMs = m_clock.elapsed();
    const qint64 lastSeq = m_firstSeq + m_frames.size() - 1;
    if (cursor > lastSeq)
        return PollResult::BadCursor;
    if (cursor < m_firstSeq - 1)
        return PollResult::Gone;
    // The client has everything up to the cursor: only now is it dropped, so a poll whose answer
    // was lost is simply asked again with the same cursor.
    while (m_firstSeq <= cursor) {
        m_bytes -= m_frames.constFirst().size();
        m_frames.removeFirst();
        ++m_firstSeq;
    }
    releaseHeld();
    m_held = socket;
    if (!m_frames.isEmpty() || isFinished()) {
        answer();
        return PollResult::Answered;
    }
    m_holdTimer.start(m_holdMs);
    return PollResult::Held;
}

void PollSession::releaseHeld()
{
    if (m_held)
        answer();
}

void PollSession::answer()
{
    m_holdTimer.stop();
    m_flushTimer.stop();
    QTcpSocket *socket = m_held;
    m_held = nullptr;
    m_lastSeenMs = m_clock.elapsed();
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return; // gone meanwhile: the frames wait for the next poll
    // The frames are stored as the JSON text they were encoded to, so they are joined, not re-parsed.
    QByteArray frames("[");
    qint64 size = 0;
    int count = 0;
    for (const QByteArray &frame : std::as_const(m_frames)) {
        if (count > 0 && size + frame.size() > Protocol::Limits::MaxPollAnswerBytes)
            break;
        if (count > 0)
            frames += ',';
        frames += frame;
        size += frame.size();
        ++count;
    }
    frames += ']';
    const bool withClose = isFinished() && count == m_frames.size();
    QByteArray body = "{\"" + QByteArray(Protocol::Key::Cursor.data()) + "\":" + QByteArray::number(m_firstSeq + count - 1)
            + ",\"" + QByteArray(Protocol::Key::Frames.data()) + "\":" + frames;
    if (withClose) {
        const QJsonObject close{ { Protocol::Key::Code, m_closeCode }, { Protocol::Key::Reason, m_closeReason } };
        body += ",\"" + QByteArray(Protocol::Key::Close.data()) + "\":" + QJsonDocument(close).toJson(QJsonDocument::Compact);
    }
    body += '}';
    HttpResponder::writeRaw(socket, 200, "application/json", body);
    if (withClose && !m_closeDelivered) {
        m_closeDelivered = true;
        Q_EMIT closeSent();
    }
}

} // namespace Tether
