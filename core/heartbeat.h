#pragma once
// Liveness of an open link: a ping every interval (a WebSocket ping frame carrying a sequence
// number, or an application JSON ping), a deadline for the answer, and any received frame counts
// as proof of life. A missed deadline means the link is half-open: timedOut().

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <functional>

namespace Tether {

class Heartbeat : public QObject
{
    Q_OBJECT
public:
    enum class Mode { Frame, Json, Off };
    using PingSender = std::function<void(const QByteArray &payload)>;

    explicit Heartbeat(QObject *parent = nullptr);

    // sendFramePing: sends a ping frame with the payload; sendJson: sends the JSON ping text.
    void start(Mode mode, int intervalMs, int timeoutMs, PingSender sendFramePing, PingSender sendJson,
               const QByteArray &jsonPing);
    void stop();
    bool isActive() const { return m_active; }

    // Ping now and expect an answer within timeoutMs (network change, resume).
    void probe(int timeoutMs);

    void frameReceived();                      // any frame at all: the link is alive
    void pongFrameReceived(const QByteArray &payload); // a pong frame (payload = our sequence)
    void jsonPongReceived();                   // an application pong

Q_SIGNALS:
    void timedOut(int waitedMs);
    void rtt(int ms);

private:
    void sendPing(int timeoutMs);
    void answered(qint64 sentAt);

    Mode m_mode = Mode::Off;
    bool m_active = false;
    int m_timeoutMs = 10000;
    quint64 m_sequence = 0;
    QHash<quint64, qint64> m_sentAt; // outstanding frame pings: sequence -> clock ms
    qint64 m_jsonSentAt = -1;        // latest outstanding JSON ping
    qint64 m_deadlineStartedAt = 0;
    QElapsedTimer m_clock;
    QTimer m_interval;
    QTimer m_deadline;
    PingSender m_sendFrame;
    PingSender m_sendJson;
    QByteArray m_jsonPing;
};

} // namespace Tether
