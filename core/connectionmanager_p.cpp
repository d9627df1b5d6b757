#include "connectionmanager_p.h"

#include "accesstoken.h"
#include "closecode.h"
#include "closepolicy.h"
#include "framecodec.h"
#include "frametype.h"
#include "keys.h"
#include "networkmonitor.h"
#include "secretredactor.h"
#include "systemnetworkmonitor.h"
#include "tlstrust.h"
#include "websockettransport.h"

#include <QRandomGenerator>

Q_LOGGING_CATEGORY(lcConnection, "tether.connection", QtInfoMsg)

namespace Tether {

using SM = ConnectionStateMachine;
using Event = ConnectionStateMachine::Event;

namespace {
constexpr int ResumeCheckIntervalMs = 5000;
constexpr int ResumeThresholdMs = 10000;
constexpr int MinAuthResetMs = 1000;

QString closeCodeText(int code)
{
    return code == Protocol::toInt(Protocol::CloseCode::Abnormal) ? QStringLiteral("%1 (no close frame)").arg(code)
                                                                  : QString::number(code);
}

constexpr int NormalClose = Protocol::toInt(Protocol::CloseCode::Normal);
} // namespace

ConnectionManager::Private::Private(ConnectionManager *qq, const ConnectionConfig &cfg, NetworkMonitor *mon)
    : q(qq)
    , config(cfg)
    , monitor(mon)
    , backoff(cfg.backoff, [] { return QRandomGenerator::global()->generateDouble(); })
    , retryPlanner(cfg.backoff, [] { return QRandomGenerator::global()->generateDouble(); }, {})
    , eventLog(cfg.eventLogLimit)
{
    transports.setConfig(config);
    transports.setConfigSource([this] { return config; });
    QObject::connect(&transports, &TransportSwitch::linkReady, q, [this](Transport *t, const QString &why) { switchTo(t, why); });
    QObject::connect(&transports, &TransportSwitch::replacementFailed, q, [this](const QString &why) {
        log(ConnectionEvent::Kind::Network, QStringLiteral("second connection failed (%1): the probe decides").arg(redact(why)));
    });
    QObject::connect(&transports, &TransportSwitch::trialFailed, q, [this](const QString &why) {
        log(ConnectionEvent::Kind::Info, QStringLiteral("WebSocket still blocked (%1): staying on HTTP long polling").arg(why));
    });
    tokenSchedule = TokenSchedule([this] { return serverClock.now(); });
    tokenSchedule.setSkewMs(cfg.tokenRefreshSkewMs);
    if (!monitor) {
        ownMonitor = std::make_unique<SystemNetworkMonitor>();
        monitor = ownMonitor.get();
    }
    QObject::connect(monitor, &NetworkMonitor::onlineChanged, q, [this](bool online) {
        log(ConnectionEvent::Kind::Network, online ? QStringLiteral("network online") : QStringLiteral("network offline"));
        fire(online ? Event::NetworkUp : Event::NetworkDown);
    });
    QObject::connect(monitor, &NetworkMonitor::networkChanged, q, [this] {
        // Make before break: while connected, a second connection is opened at once; the probe of
        // the old one still runs, and whichever comes first decides.
        const bool second = state == ConnectionState::Connected && link;
        log(ConnectionEvent::Kind::Network, second ? QStringLiteral("network changed: probing, and opening a second connection")
                                                   : QStringLiteral("network changed: probing"));
        if (second)
            transports.startReplacement();
        fire(Event::Probe);
    });

    retryTimer.setSingleShot(true);
    retryTimer.setTimerType(Qt::PreciseTimer); // a UI counts down to it
    QObject::connect(&retryTimer, &QTimer::timeout, q, [this] { fire(Event::RetryDue); });

    uptimeTimer.setSingleShot(true);
    QObject::connect(&uptimeTimer, &QTimer::timeout, q, [this] {
        // Stayed up long enough: the next drop starts a fresh backoff series.
        attempt = 0;
        authRetryUsed = false;
        // Likewise the down clock: a link that flaps keeps it running, so its waits still grow.
        retryPlanner.reset();
    });
    authResetTimer.setSingleShot(true);
    QObject::connect(&authResetTimer, &QTimer::timeout, q, [this] { authRetryUsed = false; });

    refreshTimer.setSingleShot(true);
    QObject::connect(&refreshTimer, &QTimer::timeout, q, [this] { fire(Event::TokenDue); });

    QObject::connect(&heartbeat, &Heartbeat::timedOut, q, [this](int waitedMs) {
        const QString msg = QStringLiteral("no answer to ping within %1 ms: link is dead").arg(waitedMs);
        log(ConnectionEvent::Kind::Heartbeat, msg);
        Q_EMIT q->errorOccurred(Error::PongTimeout, msg);
        endLink();
    });
    QObject::connect(&heartbeat, &Heartbeat::rtt, q, [this](int ms) {
        stats.addRtt(ms, QDateTime::currentDateTimeUtc());
        Q_EMIT q->pongReceived(ms);
        setStatsChanged();
    });

    QObject::connect(&auth, &AuthClient::finished, q, [this](const AuthClient::Result &r) { onRefreshFinished(r); });

    QObject::connect(&resumeDetector, &ResumeDetector::resumed, q, [this](qint64 gapMs) {
        log(ConnectionEvent::Kind::Network, QStringLiteral("resumed from sleep (clock jump %1 s): probing").arg(gapMs / 1000));
        fire(Event::Probe);
    });
    resumeDetector.start(ResumeCheckIntervalMs, ResumeThresholdMs);
}

ConnectionManager::Private::~Private()
{
    QObject::disconnect(monitor, nullptr, q, nullptr);
    auth.cancel();
    auto kill = [](Transport *t) {
        QObject::disconnect(t, nullptr, nullptr, nullptr);
        t->abort();
        delete t;
    };
    if (link)
        kill(link);
    link = nullptr;
    const auto closing = closingLinks;
    closingLinks.clear();
    for (Transport *t : closing)
        kill(t);
}

QString ConnectionManager::Private::redact(const QString &text) const
{
    return SecretRedactor::text(text, { config.credentials.accessToken, config.credentials.refreshToken });
}

void ConnectionManager::Private::log(ConnectionEvent::Kind kind, const QString &text)
{
    const ConnectionEvent event = eventLog.append(kind, redact(text));
    qCInfo(lcConnection).noquote() << event.text;
    Q_EMIT q->eventLogged(event);
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
    c.tokenDue = tokenSchedule.isDue(config.credentials);
    c.canRefresh = TokenSchedule::canRefresh(config.credentials);
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

    if ((t.actions & SM::AbortSocket) && link) {
        Transport *l = link;
        link = nullptr;
        releaseLink(l);
    }
    if (t.actions & SM::CloseSocket)
        closeGracefully();

    // Leaving a state stops what belonged to it.
    if (previous == ConnectionState::Connected && t.next != ConnectionState::Connected) {
        transports.stopTrials();
        heartbeat.stop();
        uptimeTimer.stop();
        authResetTimer.stop();
        refreshTimer.stop();
        stats.connectedSince = QDateTime();
    }
    if (t.next == ConnectionState::Disconnected)
        retryPlanner.reset();
    if (previous == ConnectionState::Reconnecting) {
        retryTimer.stop();
        nextAttemptAt = QDateTime();
    }
    if (link && t.next != ConnectionState::Connecting && t.next != ConnectionState::Connected) {
        Transport *l = link;
        link = nullptr;
        releaseLink(l);
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
        openLink();
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
    retryPlanner.linkLost(); // the down clock starts with the first wait of a series
    const int backoffMs = retryPlanner.delayMs(qMax(1, next - 1));
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

void ConnectionManager::Private::openLink()
{
    if (link) {
        Transport *old = link;
        link = nullptr;
        releaseLink(old);
    }
    stats.lastSocketError = -1; // this attempt's own error, if any, replaces it
    transports.setConfig(config);
    Transport *l = transports.make();
    link = l;
    // Connected before open(): a transport may fail (and close) inside open() already.
    QObject::connect(l, &Transport::opened, q, [this] { fire(Event::HandshakeSucceeded); });
    wire(l);

    log(ConnectionEvent::Kind::Attempt, QStringLiteral("attempt %1: opening %2 (%3)")
                                                .arg(attempt)
                                                .arg(q->displayUrl().toString(), TransportSwitch::name(transports.linkKind())));
    setStatsChanged();
    l->open(config);
}

void ConnectionManager::Private::wire(Transport *l)
{
    QObject::connect(l, &Transport::closed, q, [this](const TransportEnd &end) { onLinkClosed(end); });
    QObject::connect(l, &Transport::errorOccurred, q, [this](Transport::Error error, const QString &message) {
        // Socket errors are reported with the close that follows (after a close frame they are expected).
        if (error != Transport::Error::HandshakeTimeout)
            return;
        transports.linkHandshakeTimedOut();
        log(ConnectionEvent::Kind::Error, QStringLiteral("handshake timeout: ") + message);
        Q_EMIT q->errorOccurred(Error::HandshakeTimeout, message);
    });
    QObject::connect(l, &Transport::frameReceived, q, [this] {
        stats.lastFrameAt = QDateTime::currentDateTimeUtc();
        heartbeat.frameReceived();
    });
    QObject::connect(l, &Transport::pongReceived, q, [this](const QByteArray &payload) {
        stats.lastFrameAt = QDateTime::currentDateTimeUtc();
        heartbeat.pongFrameReceived(payload);
    });
    QObject::connect(l, &Transport::textReceived, q, [this](const QString &text) { onText(text); });
    QObject::connect(l, &Transport::binaryReceived, q, [this](qint64 bytes) {
        ++stats.messagesIn;
        stats.bytesIn += bytes;
        log(ConnectionEvent::Kind::Info, QStringLiteral("ignored a binary message of %1 bytes").arg(bytes));
        setStatsChanged();
    });
}

void ConnectionManager::Private::onText(const QString &text)
{
    ++stats.messagesIn;
    stats.bytesIn += text.toUtf8().size();
    setStatsChanged();
    heartbeat.frameReceived();

    // welcome and pong carry the server's clock: a cheap look first, a parse only when it may be one.
    if (text.contains(QLatin1String("\"server_time\""))) {
        const auto frame = Protocol::FrameCodec::decode(text);
        if (frame) {
            const QString type = Protocol::FrameCodec::typeOf(*frame);
            if (type == Protocol::FrameType::Welcome || type == Protocol::FrameType::Pong)
                serverClock.observeMs(qint64(frame->value(Protocol::Key::ServerTime).toDouble()));
        }
    }

    if (config.heartbeatMode == ConnectionConfig::HeartbeatMode::Json && text.size() < 1024
        && text.contains(config.jsonPongType)) {
        const auto frame = Protocol::FrameCodec::decode(text);
        if (frame && Protocol::FrameCodec::typeOf(*frame) == config.jsonPongType) {
            heartbeat.jsonPongReceived();
            return; // our own heartbeat's answer, not a message for the app
        }
    }
    Q_EMIT q->textMessageReceived(text);
}

void ConnectionManager::Private::releaseLink(Transport *released)
{
    // Disconnected first, as QWebSocketPrivate::releaseConnections does: its end is no news to us.
    QObject::disconnect(released, nullptr, q, nullptr);
    released->abort();
    released->deleteLater();
}

void ConnectionManager::Private::endLink()
{
    if (link)
        link->abort(); // closed() arrives before this returns: onLinkClosed()
}

void ConnectionManager::Private::onLinkClosed(const TransportEnd &end)
{
    const CloseInfo &info = end.close;
    Transport *l = link;
    if (!l)
        return;
    link = nullptr;
    heartbeat.stop();
    releaseLink(l);
    transports.stopTrials();
    if (transports.linkFailed(end))
        log(ConnectionEvent::Kind::Info, QStringLiteral("WebSocket upgrade looks blocked (%1): falling back to HTTP long polling")
                                                 .arg(transports.decider().fallbackReason()));

    stats.lastCloseCode = info.code;
    stats.lastCloseReason = info.reason;
    stats.lastSocketError = end.socketError;
    if (end.wasOpen) {
        ++stats.disconnects;
        ++stats.disconnectsByCode[info.code];
        if (stats.connectedSince.isValid())
            stats.addDuration(double(stats.connectedSince.msecsTo(QDateTime::currentDateTimeUtc())) / 1000.0);
        log(ConnectionEvent::Kind::Closed,
            QStringLiteral("connection closed: code %1, reason \"%2\"").arg(closeCodeText(info.code), info.reason));
    } else {
        log(ConnectionEvent::Kind::Error,
            QStringLiteral("attempt %1 failed%2").arg(attempt).arg(end.error.isEmpty() ? QString()
                                                                                      : QStringLiteral(": ") + end.error));
    }
    setStatsChanged();
    // After a close frame the TCP teardown ("remote host closed") is expected, not an error.
    if (!end.error.isEmpty() && !end.closedByServer)
        Q_EMIT q->errorOccurred(Error::SocketError, redact(end.error));
    if (end.wasOpen)
        Q_EMIT q->closed(info.code, redact(info.reason));

    const CloseDecision decision = decideAfterClose(info, authRetryUsed, config.credentials.isAnonymous());
    switch (decision.action) {
    case CloseDecision::Action::Stay:
        fire(Event::ClosedNormally);
        break;
    case CloseDecision::Action::Reconnect:
        pendingFloorMs = decision.delayFloorMs;
        pendingServerSpread = decision.serverSpread;
        // A certificate problem does not go away by itself in seconds: straight to the cap.
        if (!TlsTrust::codeIn(end.error).isEmpty() && !pendingServerSpread)
            pendingFloorMs = qMax(pendingFloorMs, config.backoff.maxMs);
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
    Transport *l = link;
    if (!l)
        return;
    link = nullptr;
    const bool wasOpen = l->state() == Transport::State::Open;
    QObject::disconnect(l, nullptr, q, nullptr); // late signals of this link are not ours any more
    closingLinks.insert(l);
    // Queued: closingFinished() always comes after close() has returned and the state was announced.
    // The transport bounds the wait for the server's acknowledgement.
    QObject::connect(l, &Transport::closed, q, [this, l] { finishClosing(l); }, Qt::QueuedConnection);
    l->close(NormalClose);

    stats.lastCloseCode = NormalClose;
    stats.lastCloseReason.clear();
    if (wasOpen) {
        ++stats.disconnects;
        ++stats.disconnectsByCode[NormalClose];
        if (stats.connectedSince.isValid())
            stats.addDuration(double(stats.connectedSince.msecsTo(QDateTime::currentDateTimeUtc())) / 1000.0);
    }
    log(ConnectionEvent::Kind::Closed, QStringLiteral("closed by us: code %1").arg(NormalClose));
    setStatsChanged();
    if (wasOpen)
        Q_EMIT q->closed(NormalClose, QString());
}

void ConnectionManager::Private::finishClosing(Transport *closing)
{
    if (!closingLinks.remove(closing))
        return;
    QObject::disconnect(closing, nullptr, q, nullptr);
    closing->deleteLater();
    if (closingLinks.isEmpty())
        Q_EMIT q->closingFinished();
}

void ConnectionManager::Private::startSession()
{
    ++stats.connects;
    stats.connectedSince = QDateTime::currentDateTimeUtc();
    refreshFailures = 0;
    log(ConnectionEvent::Kind::Connected, QStringLiteral("connected to %1 (attempt %2, %3)")
                                                  .arg(q->displayUrl().toString())
                                                  .arg(attempt)
                                                  .arg(TransportSwitch::name(transports.linkKind())));
    transports.linkOpened();

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
                if (link)
                    link->ping(payload);
            },
            [this](const QByteArray &json) {
                if (link)
                    link->sendText(QString::fromUtf8(json));
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
    const qint64 bytes = link->sendText(text);
    ++stats.messagesOut;
    stats.bytesOut += qMax<qint64>(0, bytes);
}

void ConnectionManager::Private::startRefresh()
{
    if (!TokenSchedule::canRefresh(config.credentials))
        return;
    if (auth.isRunning()) { // one refresh at a time: its answer serves this need too
        log(ConnectionEvent::Kind::TokenRefresh, QStringLiteral("waiting for the token refresh under way"));
        return;
    }
    log(ConnectionEvent::Kind::TokenRefresh,
        QStringLiteral("refreshing the access token at %1").arg(SecretRedactor::urlString(config.credentials.refreshUrl)));
    refreshingWith = config.credentials.refreshToken;
    auth.setTimeoutMs(qMax(1000, config.connectTimeoutMs));
    auth.setNetworkSettings(config); // the same proxy and trust as the WebSocket
    auth.refresh(config.credentials.refreshUrl, config.credentials.refreshToken);
}

void ConnectionManager::Private::scheduleProactiveRefresh()
{
    refreshTimer.stop();
    const qint64 ms = tokenSchedule.msUntilRefresh(config.credentials);
    if (ms >= 0)
        refreshTimer.start(int(ms));
}

void ConnectionManager::Private::onRefreshFinished(const AuthClient::Result &r)
{
    if (config.credentials.refreshToken != refreshingWith) {
        // The application set new credentials meanwhile: they win over this (now stale) answer.
        log(ConnectionEvent::Kind::TokenRefresh, QStringLiteral("credentials changed during the refresh; using the new ones"));
        fire(Event::RefreshSucceeded);
        return;
    }
    if (r.serverDate.isValid())
        serverClock.observe(r.serverDate, r.roundTripMs);
    if (r.succeeded()) {
        config.credentials.accessToken = r.credentials.accessToken;
        if (!r.credentials.refreshToken.isEmpty())
            config.credentials.refreshToken = r.credentials.refreshToken;
        tokenSchedule.tokensIssued(r.expiresInMs);
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
    } else if (r.error == AuthClient::Error::InvalidToken) {
        log(ConnectionEvent::Kind::TokenRefresh, r.errorString());
        Q_EMIT q->errorOccurred(Error::AuthenticationRejected, redact(r.errorString()));
        fire(Event::RefreshRejected);
    } else {
        // Unreachable, failing or confused: the refresh token may still be good, try again later.
        log(ConnectionEvent::Kind::TokenRefresh, r.errorString());
        Q_EMIT q->errorOccurred(Error::TokenRefreshFailed, redact(r.errorString()));
        if (state == ConnectionState::RefreshingToken)
            ++attempt; // a failed refresh before connecting is a failed attempt: back off
        fire(Event::RefreshFailed);
    }
}

} // namespace Tether
