#pragma once
// Which transport the next connection attempt uses (docs/connection.md, "Transports"): a pure,
// I/O-free decision. "websocket" and "long-poll" always use theirs. "auto" starts on WebSocket,
// falls back to long polling after InterferenceThreshold failed upgrades in a row that look like
// interference (a proxy or firewall in the way, not our server saying no), and from there asks for
// a WebSocket trial every wsRetryIntervalMs, going back once one succeeds.

#include <QString>

namespace Tether {

struct TransportEnd;

class TransportDecider
{
public:
    enum class Mode { Auto, WebSocket, LongPoll };
    enum class Kind { WebSocket, LongPoll };
    static constexpr int InterferenceThreshold = 2;
    static constexpr int DefaultWsRetryIntervalMs = 180000;

    // The facts of one WebSocket attempt that did not open.
    struct Attempt
    {
        int httpStatus = 0;            // the HTTP answer to the upgrade request, 0 = none came
        int socketError = -1;          // QAbstractSocket::SocketError, -1 = none
        bool handshakeTimeout = false; // no upgrade within the connect timeout
    };
    // From how the transport ended (Qt 6.4's QWebSocket names the HTTP status only in its error text).
    static Attempt fromEnd(const TransportEnd &end, bool handshakeTimeout);
    // "... status code: 426 ..." / "HTTP 426": the status, 0 when the text names none.
    static int httpStatusIn(const QString &errorText);
    // Interference: an HTTP answer other than 101/401/403/404/429/5xx, a reset right after the
    // upgrade request, the proxy's refusal (its 4xx/5xx to CONNECT), or a handshake timeout.
    // Not: refused, unreachable, TLS, and the answers our own server gives on purpose.
    static bool isInterference(const Attempt &attempt);
    // What was seen, for the status UI, the event log and diagnostics ("HTTP 426 instead of ...").
    static QString describe(const Attempt &attempt);

    explicit TransportDecider(Mode mode = Mode::Auto, int wsRetryIntervalMs = DefaultWsRetryIntervalMs);

    Mode mode() const { return m_mode; }
    int wsRetryIntervalMs() const { return m_intervalMs; }
    // The transport of the next attempt.
    Kind current() const { return m_current; }
    bool isFallback() const { return m_mode == Mode::Auto && m_current == Kind::LongPoll; }
    // Why auto fell back (describe() of the last interference); empty unless isFallback().
    QString fallbackReason() const { return m_reason; }
    int interferenceStreak() const { return m_streak; }

    // A WebSocket attempt (not a trial) ended without opening.
    void webSocketFailed(const Attempt &attempt, qint64 nowMs);
    // An attempt opened on kind.
    void opened(Kind kind, qint64 nowMs);
    // On fallback: when the next WebSocket trial is due (monotonic ms), -1 when none is.
    qint64 nextTrialAtMs() const { return m_nextTrialMs; }
    bool trialDue(qint64 nowMs) const { return m_nextTrialMs >= 0 && nowMs >= m_nextTrialMs; }
    // The trial's outcome: back to WebSocket, or the next trial one interval later.
    void trialSucceeded();
    void trialFailed(qint64 nowMs);

private:
    Mode m_mode;
    int m_intervalMs;
    Kind m_current;
    int m_streak = 0;
    QString m_reason;
    qint64 m_nextTrialMs = -1;
};

} // namespace Tether
