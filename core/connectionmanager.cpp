#include "connectionmanager.h"

#include "accesstoken.h"
#include "backoff.h"
#include "closepolicy.h"
#include "connectionstatemachine.h"
#include "eventlog.h"
#include "heartbeat.h"
#include "networkmonitor.h"
#include "redaction.h"
#include "resumedetector.h"
#include "systemnetworkmonitor.h"
#include "tokenrefresher.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkRequest>
#include <QPointer>
#include <QQueue>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>

#include <limits>

Q_LOGGING_CATEGORY(lcConnection, "tether.connection", QtInfoMsg)

namespace Tether {

using SM = ConnectionStateMachine;
using Event = ConnectionStateMachine::Event;

namespace {
constexpr int GracefulCloseTimeoutMs = 2000;
constexpr int ResumeCheckIntervalMs = 5000;
constexpr int ResumeThresholdMs = 10000;
constexpr int MinAuthResetMs = 1000;
constexpr qint64 MinProactiveRefreshMs = 1000;

QString closeCodeText(int code)
{
    return code == 1006 ? QStringLiteral("1006 (no close frame)") : QString::number(code);
}
} // namespace

class ConnectionManager::Private
{
public:
    Private(ConnectionManager *q, const ConnectionConfig &config, NetworkMonitor *monitor);
    ~Private();

    // state machine
    void fire(Event event);
    SM::Conditions conditions() const;
    void apply(Event event, const SM::Transition &t);

    // actions
    void openSocket();
    void endSocket(bool abortIt);
    void closeGracefully();
    void finishClosing(QWebSocket *socket);
    void releaseSocket(QWebSocket *socket, bool abortIt);
    void prepareRetry();
    void startSession();
    void startRefresh();
    void scheduleProactiveRefresh();
    void sendNow(const QString &text);
    // QWebSocket silently drops frames unless its socket is open (e.g. while a close is under way).
    bool canWrite() const
    {
        return socket && !awaitingAuthAnswer && socket->state() == QAbstractSocket::ConnectedState;
    }

    // socket callbacks
    void onSocketConnected();
    void onSocketError(quint64 id);
    void onText(const QString &text);

    // tokens
    bool tokenDue() const;
    bool canRefresh() const;
    void checkTokenReadable();
    void onRefreshFinished(const TokenRefresher::Outcome &outcome);

    void log(ConnectionEvent::Kind kind, const QString &text);
    QString redact(const QString &text) const;
    void setStatsChanged() { Q_EMIT q->statsChanged(); }

    ConnectionManager *q;
    ConnectionConfig config;
    std::unique_ptr<NetworkMonitor> ownMonitor;
    NetworkMonitor *monitor = nullptr;
    Backoff backoff;

    ConnectionState state = ConnectionState::Disconnected;
    QQueue<Event> pendingEvents;
    bool dispatching = false;

    int attempt = 0;            // attempts started in the current failure series
    bool authRetryUsed = false; // one refresh-and-reconnect after an auth refusal already happened
    int pendingFloorMs = 0;     // from the last close decision
    bool pendingServerSpread = false;
    int scheduledAttempt = 0;
    int scheduledDelayMs = 0;
    QDateTime nextAttemptAt;
    // "Retry now" cut this wait short: if that attempt fails too, the next wait ends no later than
    // the one the user skipped (the countdown must not grow because someone pressed the button).
    QDateTime skippedWaitEnd;
    int refreshFailures = 0;
    QDateTime tokenExpiryOverride; // from expires_in, for tokens that are not JWTs
    QDateTime tokenIssuedAt;       // when that expires_in arrived
    QString refreshingWith;        // the refresh token of the request under way

    QWebSocket *socket = nullptr;
    quint64 socketId = 0;
    bool handshakeDone = false;
    bool awaitingAuthAnswer = false;
    bool closeFrameReceived = false;
    bool handshakeUnauthorized = false;
    int goodbyeCode = 0;  // from the server's goodbye frame on this socket, 0 = none
    QString goodbyeReason;
    QString socketError;
    QSet<QWebSocket *> closingSockets;

    QTimer connectTimer;
    QTimer retryTimer;
    QTimer uptimeTimer;
    QTimer authResetTimer; // a server that accepts and refuses at once must not loop refresh+reconnect
    QTimer refreshTimer;
    Heartbeat heartbeat;
    TokenRefresher refresher;
    ResumeDetector resumeDetector;

    QQueue<QString> queue;
    ConnectionStats stats;
    EventLog eventLog;
};

ConnectionManager::Private::Private(ConnectionManager *qq, const ConnectionConfig &cfg, NetworkMonitor *mon)
    : q(qq)
    , config(cfg)
    , monitor(mon)
    , backoff(cfg.backoff, [] { return QRandomGenerator::global()->generateDouble(); })
    , eventLog(cfg.eventLogLimit)
{
    if (!monitor) {
        ownMonitor = std::make_unique<SystemNetworkMonitor>();
        monitor = ownMonitor.get();
    }
    QObject::connect(monitor, &NetworkMonitor::onlineChanged, q, [this](bool online) {
        log(ConnectionEvent::Kind::Network, online ? QStringLiteral("network online") : QStringLiteral("network offline"));
        fire(online ? Event::NetworkUp : Event::NetworkDown);
    });
    QObject::connect(monitor, &NetworkMonitor::networkChanged, q, [this] {
        log(ConnectionEvent::Kind::Network, QStringLiteral("network changed: probing"));
        fire(Event::Probe);
    });

    connectTimer.setSingleShot(true);
    QObject::connect(&connectTimer, &QTimer::timeout, q, [this] {
        const QString what = awaitingAuthAnswer ? QStringLiteral("no answer to the auth message")
                                                : QStringLiteral("no WebSocket upgrade");
        const QString msg = QStringLiteral("%1 within %2 ms").arg(what).arg(config.connectTimeoutMs);
        log(ConnectionEvent::Kind::Error, QStringLiteral("handshake timeout: ") + msg);
        Q_EMIT q->errorOccurred(Error::HandshakeTimeout, msg);
        endSocket(true);
    });

    retryTimer.setSingleShot(true);
    retryTimer.setTimerType(Qt::PreciseTimer); // a UI counts down to it
    QObject::connect(&retryTimer, &QTimer::timeout, q, [this] { fire(Event::RetryDue); });

    uptimeTimer.setSingleShot(true);
    QObject::connect(&uptimeTimer, &QTimer::timeout, q, [this] {
        // Stayed up long enough: the next drop starts a fresh backoff series.
        attempt = 0;
        authRetryUsed = false;
    });
    authResetTimer.setSingleShot(true);
    QObject::connect(&authResetTimer, &QTimer::timeout, q, [this] { authRetryUsed = false; });

    refreshTimer.setSingleShot(true);
    QObject::connect(&refreshTimer, &QTimer::timeout, q, [this] { fire(Event::TokenDue); });

    QObject::connect(&heartbeat, &Heartbeat::timedOut, q, [this](int waitedMs) {
        const QString msg = QStringLiteral("no answer to ping within %1 ms: link is dead").arg(waitedMs);
        log(ConnectionEvent::Kind::Heartbeat, msg);
        Q_EMIT q->errorOccurred(Error::PongTimeout, msg);
        endSocket(true);
    });
    QObject::connect(&heartbeat, &Heartbeat::rtt, q, [this](int ms) {
        stats.rttLastMs = ms;
        stats.rttMaxMs = qMax(stats.rttMaxMs, ms);
        stats.rttAvgMs = stats.pongs == 0 ? ms : (stats.rttAvgMs * stats.pongs + ms) / (stats.pongs + 1);
        ++stats.pongs;
        stats.lastPongAt = QDateTime::currentDateTimeUtc();
        Q_EMIT q->pongReceived(ms);
        setStatsChanged();
    });

    QObject::connect(&refresher, &TokenRefresher::finished, q,
                     [this](const TokenRefresher::Outcome &o) { onRefreshFinished(o); });

    QObject::connect(&resumeDetector, &ResumeDetector::resumed, q, [this](qint64 gapMs) {
        log(ConnectionEvent::Kind::Network, QStringLiteral("resumed from sleep (clock jump %1 s): probing").arg(gapMs / 1000));
        fire(Event::Probe);
    });
    resumeDetector.start(ResumeCheckIntervalMs, ResumeThresholdMs);
}

ConnectionManager::Private::~Private()
{
    QObject::disconnect(monitor, nullptr, q, nullptr);
    refresher.cancel();
    auto kill = [](QWebSocket *s) {
        QObject::disconnect(s, nullptr, nullptr, nullptr);
        s->abort();
        delete s;
    };
    if (socket)
        kill(socket);
    socket = nullptr;
    const auto closing = closingSockets;
    closingSockets.clear();
    for (QWebSocket *s : closing)
        kill(s);
}

QString ConnectionManager::Private::redact(const QString &text) const
{
    return redactedText(text, { config.credentials.accessToken, config.credentials.refreshToken });
}

void ConnectionManager::Private::log(ConnectionEvent::Kind kind, const QString &text)
{
    const ConnectionEvent event = eventLog.append(kind, redact(text));
    qCInfo(lcConnection).noquote() << event.text;
    Q_EMIT q->eventLogged(event);
}

bool ConnectionManager::Private::canRefresh() const
{
    return !config.credentials.refreshToken.isEmpty() && config.credentials.refreshUrl.isValid();
}

bool ConnectionManager::Private::tokenDue() const
{
    const Credentials &c = config.credentials;
    if (c.accessToken.isEmpty())
        return !c.refreshToken.isEmpty(); // only a refresh token: get an access token first
    const AccessToken token = AccessToken::parse(c.accessToken);
    if (!token.isValid())
        return true;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (token.expiresAt())
        return token.needsRefresh(now, config.tokenRefreshSkewMs);
    if (tokenExpiryOverride.isValid())
        return now.msecsTo(tokenExpiryOverride) <= config.tokenRefreshSkewMs;
    return false;
}

void ConnectionManager::Private::checkTokenReadable()
{
    const QString &token = config.credentials.accessToken;
    if (token.isEmpty())
        return;
    const AccessToken parsed = AccessToken::parse(token);
    if (!parsed.isValid()) {
        const QString msg = QStringLiteral("access token is a JWT with an unreadable payload: %1").arg(parsed.error());
        log(ConnectionEvent::Kind::Error, msg);
        Q_EMIT q->errorOccurred(Error::InvalidToken, redact(msg));
    }
}

SM::Conditions ConnectionManager::Private::conditions() const
{
    SM::Conditions c;
    c.online = monitor->isOnline();
    c.tokenDue = tokenDue();
    c.canRefresh = canRefresh();
    c.attemptsLeft = backoff.allowsAttempt(attempt + 1);
    return c;
}

void ConnectionManager::Private::fire(Event event)
{
    // Events raised while handling one (e.g. a slot calling close() from stateChanged) run after it.
    pendingEvents.enqueue(event);
    if (dispatching)
        return;
    dispatching = true;
    while (!pendingEvents.isEmpty()) {
        const Event e = pendingEvents.dequeue();
        const SM::Transition t = SM::transition(state, e, conditions());
        qCDebug(lcConnection).noquote() << "event" << SM::eventName(e) << "in" << connectionStateName(state)
                                        << (t.handled ? QStringLiteral("-> %1 [%2]").arg(connectionStateName(t.next),
                                                                                         SM::actionNames(t.actions))
                                                      : QStringLiteral("ignored"));
        if (t.handled)
            apply(e, t);
    }
    dispatching = false;
}

void ConnectionManager::Private::apply(Event event, const SM::Transition &t)
{
    const ConnectionState previous = state;

    // An attempt cut short or failed because the network is gone does not count against the policy.
    if (t.next == ConnectionState::WaitingForNetwork
        && ((previous == ConnectionState::Connecting && (event == Event::NetworkDown || event == Event::SocketLost))
            || (previous == ConnectionState::RefreshingToken && event == Event::RefreshFailed)))
        attempt = qMax(0, attempt - 1);

    if ((t.actions & SM::AbortSocket) && socket) {
        QWebSocket *s = socket;
        socket = nullptr;
        releaseSocket(s, true);
    }
    if (t.actions & SM::CloseSocket)
        closeGracefully();

    // Leaving a state stops what belonged to it.
    if (previous == ConnectionState::Connected && t.next != ConnectionState::Connected) {
        heartbeat.stop();
        uptimeTimer.stop();
        authResetTimer.stop();
        refreshTimer.stop();
        stats.connectedSince = QDateTime();
    }
    if (previous == ConnectionState::Reconnecting) {
        retryTimer.stop();
        nextAttemptAt = QDateTime();
    }
    if (t.next != ConnectionState::Connecting)
        connectTimer.stop();
    if (socket && t.next != ConnectionState::Connecting && t.next != ConnectionState::Connected) {
        QWebSocket *s = socket;
        socket = nullptr;
        releaseSocket(s, true);
    }

    if (t.actions & SM::ScheduleRetry)
        prepareRetry();
    else if (t.next != ConnectionState::Connecting && t.next != ConnectionState::RefreshingToken)
        skippedWaitEnd = QDateTime(); // only the wait right after the user's attempt is kept short
    if (t.actions & SM::OpenSocket) {
        ++attempt; // counted before the state is announced, so Connecting reports its attempt number
        ++stats.attempts;
    }

    state = t.next;
    if (t.actions & SM::StartSession)
        startSession(); // queued frames go out before anyone hears about the new state

    // reconnectScheduled comes first so that stateChanged(Reconnecting) listeners can show the delay.
    if (t.actions & SM::ScheduleRetry)
        Q_EMIT q->reconnectScheduled(scheduledAttempt, scheduledDelayMs);
    if (state != previous) {
        log(ConnectionEvent::Kind::State,
            QStringLiteral("%1 -> %2").arg(connectionStateName(previous), connectionStateName(state)));
        Q_EMIT q->stateChanged(state, previous);
    }
    if (t.actions & SM::StartSession)
        Q_EMIT q->connected();
    if (t.actions & SM::OpenSocket)
        openSocket();
    if (t.actions & SM::StartRefresh)
        startRefresh();
    if (t.actions & SM::SendProbe) {
        log(ConnectionEvent::Kind::Heartbeat, QStringLiteral("probe: ping with %1 ms timeout").arg(config.probeTimeoutMs));
        heartbeat.probe(config.probeTimeoutMs);
    }
    if (t.actions & SM::RetryRefreshLater) {
        ++refreshFailures;
        refreshTimer.start(backoff.delayMs(refreshFailures) + 1);
    }
    if (t.next == ConnectionState::Failed && previous != ConnectionState::Failed)
        log(ConnectionEvent::Kind::Error, QStringLiteral("giving up after %1 attempts").arg(attempt));
}

void ConnectionManager::Private::prepareRetry()
{
    const int next = attempt + 1;
    const int backoffMs = backoff.delayMs(qMax(1, next - 1));
    int delay = pendingServerSpread ? pendingFloorMs : qMax(backoffMs, pendingFloorMs);
    delay = qMax(0, delay);
    if (skippedWaitEnd.isValid() && pendingFloorMs == 0)
        delay = int(qBound<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(skippedWaitEnd), qint64(delay)));
    skippedWaitEnd = QDateTime();
    pendingFloorMs = 0;
    pendingServerSpread = false;
    scheduledAttempt = next;
    scheduledDelayMs = delay;
    nextAttemptAt = QDateTime::currentDateTimeUtc().addMSecs(delay);
    retryTimer.start(delay);
    log(ConnectionEvent::Kind::Attempt, QStringLiteral("attempt %1 in %2 ms").arg(next).arg(delay));
}

void ConnectionManager::Private::openSocket()
{
    if (socket) {
        QWebSocket *old = socket;
        socket = nullptr;
        releaseSocket(old, true);
    }
    handshakeDone = false;
    awaitingAuthAnswer = false;
    closeFrameReceived = false;
    handshakeUnauthorized = false;
    goodbyeCode = 0;
    goodbyeReason.clear();
    socketError.clear();
    stats.lastSocketError = -1;

    const Credentials &cred = config.credentials;
    QUrl url = config.url;
    if (config.tokenTransport == ConnectionConfig::TokenTransport::Query && !cred.accessToken.isEmpty()) {
        QUrlQuery query(url);
        query.removeAllQueryItems(config.tokenQueryParameter);
        query.addQueryItem(config.tokenQueryParameter,
                           QString::fromLatin1(QUrl::toPercentEncoding(cred.accessToken)));
        url.setQuery(query);
    }
    QNetworkRequest request(url);
    if (config.tokenTransport == ConnectionConfig::TokenTransport::Header && !cred.accessToken.isEmpty())
        request.setRawHeader(QByteArrayLiteral("Authorization"), "Bearer " + cred.accessToken.toUtf8());

    auto *s = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest);
    socket = s;
    const quint64 id = ++socketId;
    s->setMaxAllowedIncomingMessageSize(quint64(qMax<qint64>(1, config.maxIncomingMessageSize)));

    QObject::connect(s, &QWebSocket::connected, q, [this, id] {
        if (id == socketId && socket)
            onSocketConnected();
    });
    QObject::connect(s, &QWebSocket::disconnected, q, [this, id] {
        if (id == socketId && socket)
            endSocket(false);
    });
    QObject::connect(s, &QWebSocket::aboutToClose, q, [this, id, s] {
        // Our own closes disconnect first, so this is the server's close frame -- unless the
        // socket failed: a write into a reset connection makes QTcpSocket abort(), which emits
        // aboutToClose too, and taking that for a close frame would read the stale closeCode()
        // 1000 as "closed on purpose" and never reconnect.
        if (id == socketId && socket && socketError.isEmpty() && s->error() == QAbstractSocket::UnknownSocketError)
            closeFrameReceived = true;
    });
    QObject::connect(s, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), q,
                     [this, id](QAbstractSocket::SocketError) { onSocketError(id); });
#ifndef QT_NO_SSL
    // Direct connection: the TLS handshake waits for our answer, and we never ignore errors.
    QObject::connect(s, &QWebSocket::sslErrors, q, [this, id](const QList<QSslError> &errors) {
        if (id != socketId)
            return;
        QStringList texts;
        for (const QSslError &e : errors)
            texts << e.errorString();
        socketError = QStringLiteral("TLS: ") + texts.join(QStringLiteral("; "));
    }, Qt::DirectConnection);
#endif
    QObject::connect(s, &QWebSocket::textFrameReceived, q, [this, id](const QString &, bool) {
        if (id == socketId)
            heartbeat.frameReceived();
    });
    QObject::connect(s, &QWebSocket::binaryFrameReceived, q, [this, id](const QByteArray &, bool) {
        if (id == socketId)
            heartbeat.frameReceived();
    });
    QObject::connect(s, &QWebSocket::textMessageReceived, q, [this, id](const QString &text) {
        if (id == socketId && socket)
            onText(text);
    });
    QObject::connect(s, &QWebSocket::binaryMessageReceived, q, [this, id](const QByteArray &data) {
        if (id != socketId)
            return;
        ++stats.messagesIn;
        stats.bytesIn += data.size();
        log(ConnectionEvent::Kind::Info, QStringLiteral("ignored a binary message of %1 bytes").arg(data.size()));
        setStatsChanged();
    });
    QObject::connect(s, &QWebSocket::pong, q, [this, id](quint64, const QByteArray &payload) {
        if (id == socketId)
            heartbeat.pongFrameReceived(payload);
    });

    log(ConnectionEvent::Kind::Attempt,
        QStringLiteral("attempt %1: opening %2").arg(attempt).arg(q->displayUrl().toString()));
    setStatsChanged();
    connectTimer.start(qMax(1, config.connectTimeoutMs));
    s->open(request);
}

void ConnectionManager::Private::onSocketConnected()
{
    handshakeDone = true;
    const bool messageAuth = config.tokenTransport == ConnectionConfig::TokenTransport::Message
            && !config.credentials.accessToken.isEmpty();
    if (messageAuth) {
        // The server answers the auth frame (auth_ok) or closes; the connect timeout covers the wait.
        const QJsonObject auth { { QStringLiteral("type"), QStringLiteral("auth") },
                                 { QStringLiteral("token"), config.credentials.accessToken } };
        socket->sendTextMessage(QString::fromUtf8(QJsonDocument(auth).toJson(QJsonDocument::Compact)));
        awaitingAuthAnswer = true;
        return;
    }
    connectTimer.stop();
    fire(Event::HandshakeSucceeded);
}

void ConnectionManager::Private::onSocketError(quint64 id)
{
    if (id != socketId || !socket)
        return;
    const QString text = socket->errorString();
    stats.lastSocketError = int(socket->error());
    if (socketError.isEmpty() || !socketError.startsWith(QStringLiteral("TLS")))
        socketError = text;
    // Qt 6.4 reports a refused upgrade only through the error string ("Unhandled http status code: 401").
    static const QRegularExpression unauthorized(QStringLiteral("\\b401\\b"));
    if (!handshakeDone && unauthorized.match(text).hasMatch())
        handshakeUnauthorized = true;
    // Let QWebSocket finish its own handling first; then make sure the attempt ends exactly once.
    QTimer::singleShot(0, q, [this, id] {
        if (id == socketId && socket)
            endSocket(true);
    });
}

void ConnectionManager::Private::onText(const QString &text)
{
    ++stats.messagesIn;
    stats.bytesIn += text.toUtf8().size();
    setStatsChanged();
    heartbeat.frameReceived();

    if (config.heartbeatMode == ConnectionConfig::HeartbeatMode::Json && text.size() < 1024
        && text.contains(config.jsonPongType)) {
        const QJsonObject obj = QJsonDocument::fromJson(text.toUtf8()).object();
        if (obj.value(QStringLiteral("type")).toString() == config.jsonPongType) {
            heartbeat.jsonPongReceived();
            return; // our own heartbeat's answer, not a message for the app
        }
    }
    if (!config.goodbyeType.isEmpty() && text.size() < 4096 && text.contains(config.goodbyeType)) {
        const QJsonObject obj = QJsonDocument::fromJson(text.toUtf8()).object();
        if (obj.value(QStringLiteral("type")).toString() == config.goodbyeType) {
            goodbyeCode = obj.value(QStringLiteral("code")).toInt();
            goodbyeReason = obj.value(QStringLiteral("reason")).toString();
        }
    }
    if (awaitingAuthAnswer) {
        awaitingAuthAnswer = false;
        connectTimer.stop();
        fire(Event::HandshakeSucceeded);
        if (!socket)
            return;
    }
    Q_EMIT q->textMessageReceived(text);
}

void ConnectionManager::Private::releaseSocket(QWebSocket *s, bool abortIt)
{
    QObject::disconnect(s, nullptr, q, nullptr);
    if (abortIt)
        s->abort();
    s->deleteLater();
}

void ConnectionManager::Private::endSocket(bool abortIt)
{
    QWebSocket *s = socket;
    if (!s)
        return;
    socket = nullptr;
    connectTimer.stop();
    heartbeat.stop();

    CloseInfo info;
    if (closeFrameReceived) {
        info.code = int(s->closeCode());
        info.reason = s->closeReason();
    } else {
        info.code = 1006; // QWebSocket keeps a stale 1000 here: no close frame means abnormal
    }
    if (goodbyeCode >= 1000 && goodbyeCode <= 4999) {
        // The server said why it is closing; Qt may have mangled the close frame (1012 -> 1002).
        info.code = goodbyeCode;
        info.reason = goodbyeReason;
    }
    info.handshakeUnauthorized = handshakeUnauthorized;
    const bool wasOpen = handshakeDone;
    if (!wasOpen && socketError.isEmpty() && s->error() != QAbstractSocket::UnknownSocketError) {
        socketError = s->errorString(); // e.g. "Connection refused", reported before error() reached us
        stats.lastSocketError = int(s->error());
    }
    releaseSocket(s, abortIt);

    stats.lastCloseCode = info.code;
    stats.lastCloseReason = info.reason;
    if (wasOpen) {
        ++stats.disconnects;
        ++stats.disconnectsByCode[info.code];
        log(ConnectionEvent::Kind::Closed,
            QStringLiteral("connection closed: code %1, reason \"%2\"").arg(closeCodeText(info.code), info.reason));
    } else {
        log(ConnectionEvent::Kind::Error,
            QStringLiteral("attempt %1 failed%2").arg(attempt).arg(socketError.isEmpty() ? QString()
                                                                                          : QStringLiteral(": ") + socketError));
    }
    setStatsChanged();
    // After a close frame the TCP teardown ("remote host closed") is expected, not an error.
    if (!socketError.isEmpty() && !closeFrameReceived && goodbyeCode == 0)
        Q_EMIT q->errorOccurred(Error::SocketError, redact(socketError));
    if (wasOpen)
        Q_EMIT q->closed(info.code, redact(info.reason));

    const CloseDecision decision = decideAfterClose(info, authRetryUsed, config.credentials.isAnonymous());
    switch (decision.action) {
    case CloseDecision::Action::Stay:
        fire(Event::ClosedNormally);
        break;
    case CloseDecision::Action::Reconnect:
        pendingFloorMs = decision.delayFloorMs;
        pendingServerSpread = decision.serverSpread;
        fire(Event::SocketLost);
        break;
    case CloseDecision::Action::RefreshAndReconnect:
        authRetryUsed = true;
        log(ConnectionEvent::Kind::Info, QStringLiteral("server refused the token: refresh and reconnect once"));
        fire(Event::AuthRejected);
        break;
    case CloseDecision::Action::SignOut: {
        const QString msg = info.handshakeUnauthorized
                ? QStringLiteral("server refused the credentials (HTTP 401)")
                : QStringLiteral("server ended the session for good (code %1)").arg(info.code);
        Q_EMIT q->errorOccurred(Error::AuthenticationRejected, msg);
        fire(Event::Terminal);
        break;
    }
    }
}

void ConnectionManager::Private::closeGracefully()
{
    QWebSocket *s = socket;
    if (!s)
        return;
    socket = nullptr;
    ++socketId; // late signals of this socket are not ours any more
    QObject::disconnect(s, nullptr, q, nullptr);
    closingSockets.insert(s);
    // Queued: closingFinished() always comes after close() has returned and the state was announced.
    QObject::connect(s, &QWebSocket::disconnected, q, [this, s] { finishClosing(s); }, Qt::QueuedConnection);
    QTimer::singleShot(GracefulCloseTimeoutMs, s, [this, s] { finishClosing(s); });
    s->close(QWebSocketProtocol::CloseCodeNormal);

    stats.lastCloseCode = 1000;
    stats.lastCloseReason.clear();
    if (handshakeDone) {
        ++stats.disconnects;
        ++stats.disconnectsByCode[1000];
    }
    log(ConnectionEvent::Kind::Closed, QStringLiteral("closed by us: code 1000"));
    setStatsChanged();
    if (handshakeDone)
        Q_EMIT q->closed(1000, QString());
}

void ConnectionManager::Private::finishClosing(QWebSocket *s)
{
    if (!closingSockets.remove(s))
        return;
    QObject::disconnect(s, nullptr, q, nullptr);
    s->abort();
    s->deleteLater();
    if (closingSockets.isEmpty())
        Q_EMIT q->closingFinished();
}

void ConnectionManager::Private::startSession()
{
    ++stats.connects;
    stats.connectedSince = QDateTime::currentDateTimeUtc();
    refreshFailures = 0;
    log(ConnectionEvent::Kind::Connected,
        QStringLiteral("connected to %1 (attempt %2)").arg(q->displayUrl().toString()).arg(attempt));

    if (config.minUptimeMs <= 0)
        attempt = 0;
    else
        uptimeTimer.start(config.minUptimeMs);
    authResetTimer.start(qMax(MinAuthResetMs, config.minUptimeMs));

    Heartbeat::Mode mode = Heartbeat::Mode::Frame;
    if (config.heartbeatMode == ConnectionConfig::HeartbeatMode::Json)
        mode = Heartbeat::Mode::Json;
    else if (config.heartbeatMode == ConnectionConfig::HeartbeatMode::Off)
        mode = Heartbeat::Mode::Off;
    heartbeat.start(
            mode, config.heartbeatIntervalMs, config.pongTimeoutMs,
            [this](const QByteArray &payload) {
                if (socket)
                    socket->ping(payload);
            },
            [this](const QByteArray &json) {
                if (socket)
                    socket->sendTextMessage(QString::fromUtf8(json));
            },
            config.jsonPing);

    scheduleProactiveRefresh();

    const int flushed = queue.size();
    while (!queue.isEmpty() && canWrite())
        sendNow(queue.dequeue());
    if (flushed > 0)
        log(ConnectionEvent::Kind::Info, QStringLiteral("flushed %1 queued messages").arg(flushed));
    setStatsChanged();
}

void ConnectionManager::Private::sendNow(const QString &text)
{
    const qint64 bytes = socket->sendTextMessage(text);
    ++stats.messagesOut;
    stats.bytesOut += qMax<qint64>(0, bytes);
}

void ConnectionManager::Private::startRefresh()
{
    if (!canRefresh())
        return;
    if (refresher.isRunning()) {
        log(ConnectionEvent::Kind::TokenRefresh, QStringLiteral("waiting for the token refresh under way"));
        return;
    }
    log(ConnectionEvent::Kind::TokenRefresh,
        QStringLiteral("refreshing the access token at %1").arg(redactedUrl(config.credentials.refreshUrl).toString()));
    refreshingWith = config.credentials.refreshToken;
    refresher.refresh(config.credentials.refreshUrl, config.credentials.refreshToken,
                      qMax(1000, config.connectTimeoutMs));
}

void ConnectionManager::Private::scheduleProactiveRefresh()
{
    refreshTimer.stop();
    if (!canRefresh() || config.credentials.accessToken.isEmpty())
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const AccessToken token = AccessToken::parse(config.credentials.accessToken);
    qint64 ms = -1;
    qint64 remaining = -1;
    if (token.expiresAt()) {
        ms = token.msUntilProactiveRefresh(now, config.tokenRefreshSkewMs);
        remaining = now.msecsTo(*token.expiresAt());
    } else if (tokenExpiryOverride.isValid()) {
        // An opaque token with expires_in: the same rule as a JWT's iat/exp, from when it arrived.
        remaining = now.msecsTo(tokenExpiryOverride);
        const qint64 lifetime = tokenIssuedAt.msecsTo(tokenExpiryOverride);
        ms = qMax<qint64>(0, qMin(remaining - config.tokenRefreshSkewMs, now.msecsTo(tokenIssuedAt.addMSecs(lifetime * 8 / 10))));
    }
    if (ms < 0)
        return;
    // A token that lives shorter than the skew (or arrives expired) would be refreshed in a tight
    // loop: wait at least half its remaining life, and never less than a second.
    ms = qMax(ms, qMax<qint64>(remaining / 2, MinProactiveRefreshMs));
    refreshTimer.start(int(qMin<qint64>(ms, std::numeric_limits<int>::max())));
}

void ConnectionManager::Private::onRefreshFinished(const TokenRefresher::Outcome &o)
{
    if (config.credentials.refreshToken != refreshingWith) {
        // The application set new credentials meanwhile: they win over this (now stale) answer.
        log(ConnectionEvent::Kind::TokenRefresh, QStringLiteral("credentials changed during the refresh; using the new ones"));
        fire(Event::RefreshSucceeded);
        return;
    }
    switch (o.result) {
    case TokenRefresher::Result::Success: {
        const QStringList oldSecrets { config.credentials.accessToken, config.credentials.refreshToken };
        config.credentials.accessToken = o.accessToken;
        if (!o.refreshToken.isEmpty())
            config.credentials.refreshToken = o.refreshToken;
        tokenIssuedAt = QDateTime::currentDateTimeUtc();
        tokenExpiryOverride = o.expiresInMs > 0 ? tokenIssuedAt.addMSecs(o.expiresInMs) : QDateTime();
        ++stats.tokenRefreshes;
        refreshFailures = 0;
        log(ConnectionEvent::Kind::TokenRefresh, QStringLiteral("access token refreshed"));
        setStatsChanged();
        Q_EMIT q->credentialsChanged();
        Q_EMIT q->tokenRefreshed();
        checkTokenReadable();
        if (state == ConnectionState::Connected)
            scheduleProactiveRefresh();
        fire(Event::RefreshSucceeded);
        break;
    }
    case TokenRefresher::Result::TransientError:
        log(ConnectionEvent::Kind::TokenRefresh, o.error);
        Q_EMIT q->errorOccurred(Error::TokenRefreshFailed, redact(o.error));
        if (state == ConnectionState::RefreshingToken)
            ++attempt; // a failed refresh before connecting is a failed attempt: back off
        fire(Event::RefreshFailed);
        break;
    case TokenRefresher::Result::Rejected:
        log(ConnectionEvent::Kind::TokenRefresh, o.error);
        Q_EMIT q->errorOccurred(Error::AuthenticationRejected, redact(o.error));
        fire(Event::RefreshRejected);
        break;
    }
}

// ---------------------------------------------------------------------------------------------

ConnectionManager::ConnectionManager(QObject *parent)
    : ConnectionManager(ConnectionConfig(), nullptr, parent)
{
}

ConnectionManager::ConnectionManager(const ConnectionConfig &config, NetworkMonitor *networkMonitor, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, config, networkMonitor))
{
}

ConnectionManager::~ConnectionManager() = default;

const ConnectionConfig &ConnectionManager::config() const
{
    return d->config;
}

void ConnectionManager::setConfig(const ConnectionConfig &config)
{
    const bool credentialsChanged = config.credentials.accessToken != d->config.credentials.accessToken
            || config.credentials.refreshToken != d->config.credentials.refreshToken
            || config.credentials.refreshUrl != d->config.credentials.refreshUrl;
    d->config = config;
    d->backoff = Backoff(config.backoff, [] { return QRandomGenerator::global()->generateDouble(); });
    d->eventLog.setLimit(config.eventLogLimit);
    if (credentialsChanged) {
        d->tokenExpiryOverride = QDateTime();
        d->checkTokenReadable();
        Q_EMIT this->credentialsChanged();
    }
}

void ConnectionManager::setCredentials(const Credentials &credentials)
{
    d->config.credentials = credentials;
    d->tokenExpiryOverride = QDateTime();
    d->authRetryUsed = false; // new credentials deserve their own chance
    d->log(ConnectionEvent::Kind::TokenRefresh, QStringLiteral("credentials set by the application"));
    d->checkTokenReadable();
    if (d->state == ConnectionState::Connected)
        d->scheduleProactiveRefresh();
    Q_EMIT credentialsChanged();
}

Credentials ConnectionManager::credentials() const
{
    return d->config.credentials;
}

ConnectionState ConnectionManager::state() const
{
    return d->state;
}

int ConnectionManager::attempt() const
{
    switch (d->state) {
    case ConnectionState::Connected: return 0;
    case ConnectionState::Reconnecting: return d->scheduledAttempt;
    default: return d->attempt;
    }
}

QDateTime ConnectionManager::nextAttemptAt() const
{
    return d->state == ConnectionState::Reconnecting ? d->nextAttemptAt : QDateTime();
}

qint64 ConnectionManager::msUntilNextAttempt() const
{
    if (d->state != ConnectionState::Reconnecting || !d->retryTimer.isActive())
        return -1;
    return qMax(0, d->retryTimer.remainingTime());
}

ConnectionStats ConnectionManager::stats() const
{
    return d->stats;
}

QList<ConnectionEvent> ConnectionManager::events() const
{
    return d->eventLog.events();
}

QUrl ConnectionManager::displayUrl() const
{
    return redactedUrl(d->config.url, { d->config.tokenQueryParameter });
}

void ConnectionManager::open()
{
    if (d->state == ConnectionState::Disconnected || d->state == ConnectionState::SignedOut
        || d->state == ConnectionState::Failed) {
        d->attempt = 0;
        d->authRetryUsed = false;
        d->checkTokenReadable();
    }
    d->fire(Event::Open);
}

void ConnectionManager::close()
{
    d->fire(Event::Close);
}

void ConnectionManager::reconnectNow()
{
    if (d->state == ConnectionState::Failed)
        d->attempt = 0;
    if (d->state == ConnectionState::Reconnecting)
        d->skippedWaitEnd = d->nextAttemptAt;
    d->fire(Event::ReconnectNow);
}

void ConnectionManager::probe()
{
    d->fire(Event::Probe);
}

ConnectionManager::SendResult ConnectionManager::send(const QString &text)
{
    if (d->state == ConnectionState::Connected && d->canWrite() && d->queue.isEmpty()) {
        d->sendNow(text);
        d->setStatsChanged();
        return SendResult::Sent;
    }
    // Queued in every other state too -- closed by the user, signed out, failed: what was typed
    // goes out on the next open(), sign-in or "Retry" rather than being lost.
    if (d->queue.size() >= d->config.queueLimit) {
        const QString msg = QStringLiteral("not sent: the outbound queue is full (%1 messages)").arg(d->queue.size());
        d->log(ConnectionEvent::Kind::Error, msg);
        Q_EMIT errorOccurred(Error::QueueFull, msg);
        return SendResult::Rejected;
    }
    d->queue.enqueue(text);
    return SendResult::Queued;
}

int ConnectionManager::queuedCount() const
{
    return d->queue.size();
}

bool ConnectionManager::isClosing() const
{
    return !d->closingSockets.isEmpty();
}

NetworkMonitor *ConnectionManager::networkMonitor() const
{
    return d->monitor;
}

} // namespace Tether
