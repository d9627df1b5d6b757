#pragma once
// One long-polling client of the server (docs/protocol.md, "Long polling"): the frames waiting
// for it, numbered so that its cursor says what it has; the poll request held open until there
// are some; the last batch of frames it sent (a retried POST is not handled twice); and how the
// server closed it. Its ClientConnection writes here instead of to a WebSocket.

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

class QTcpSocket;

namespace Tether {

class ClientConnection;

class PollSession : public QObject
{
    Q_OBJECT
public:
    enum class PollResult {
        Answered,  // frames (or the close) went out at once
        Held,      // nothing to say yet: the request waits, up to holdMs
        BadCursor, // the cursor is ahead of what was ever sent (400)
        Gone,      // the frames after the cursor were already dropped (410)
    };

    // clock: the server's monotonic clock.
    PollSession(const QString &id, int holdMs, const QElapsedTimer &clock, QObject *parent = nullptr);
    ~PollSession() override;

    const QString &id() const { return m_id; } // a secret: never logged
    ClientConnection *client() const { return m_client; }
    void setClient(ClientConnection *client) { m_client = client; }

    // A frame for the client; the held poll is answered at the end of this event-loop pass, so
    // a burst goes out in one answer.
    void push(const QString &frameText);
    qint64 bytesQueued() const { return m_bytes; }
    int framesQueued() const { return int(m_frames.size()); }

    // The server closed it: once every frame is taken, the next answer carries the close.
    void finish(int code, const QString &reason);
    bool isFinished() const { return m_closeCode != 0; }
    bool closeDelivered() const { return m_closeDelivered; }
    qint64 finishedAtMs() const { return m_finishedAtMs; } // monotonic; valid once finished

    // GET /api/poll: drops what the cursor acknowledges, then answers or holds the request (a poll
    // already held is answered empty: one open poll per session). Not Answered/Held: not answered.
    PollResult poll(QTcpSocket *socket, qint64 cursor);
    bool isHeld() const;
    // The last time a poll arrived or was answered (monotonic ms).
    qint64 lastSeenMs() const { return m_lastSeenMs; }
    // POST /api/poll/send's seq: true when new (and remembered), false for a batch already taken.
    bool acceptBatch(qint64 seq);
    // Answers a held poll with what there is (the session is being dropped).
    void releaseHeld();

Q_SIGNALS:
    // The answer that carried the close went out: the session can go.
    void closeSent();

private:
    void answer();

    QString m_id;
    ClientConnection *m_client = nullptr;
    int m_holdMs;
    const QElapsedTimer &m_clock;
    QList<QByteArray> m_frames;  // frames m_firstSeq, m_firstSeq + 1, ...
    qint64 m_firstSeq = 1;
    qint64 m_bytes = 0;
    QPointer<QTcpSocket> m_held;
    QTimer m_holdTimer;
    QTimer m_flushTimer;
    qint64 m_lastSeenMs;
    qint64 m_lastBatch = 0;
    int m_closeCode = 0;
    QString m_closeReason;
    bool m_closeDelivered = false;
    qint64 m_finishedAtMs = 0;
};

} // namespace Tether
