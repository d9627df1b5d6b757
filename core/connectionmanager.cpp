#include "connectionmanager.h"

#include "connectionmanager_p.h"
#include "secretredactor.h"
#include "longpolltransport.h"
#include "websockettransport.h"

#include <QRandomGenerator>

namespace Tether {

using Event = ConnectionStateMachine::Event;

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
    d->tokenSchedule.setSkewMs(config.tokenRefreshSkewMs);
    d->eventLog.setLimit(config.eventLogLimit);
    if (credentialsChanged) {
        d->tokenSchedule.forgetIssuedExpiry();
        d->checkTokenReadable();
        Q_EMIT this->credentialsChanged();
    }
}

void ConnectionManager::setCredentials(const Credentials &credentials)
{
    d->config.credentials = credentials;
    d->tokenSchedule.forgetIssuedExpiry();
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

QDateTime ConnectionManager::lastFrameAt() const
{
    return d->stats.lastFrameAt;
}

QList<ConnectionEvent> ConnectionManager::events() const
{
    return d->eventLog.events();
}

QUrl ConnectionManager::displayUrl() const
{
    return SecretRedactor::url(d->config.url, { d->config.tokenQueryParameter });
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
    return !d->closingLinks.isEmpty();
}

NetworkMonitor *ConnectionManager::networkMonitor() const
{
    return d->monitor;
}

void ConnectionManager::observeServerTime(const QDateTime &serverTime, qint64 rttMs)
{
    d->serverClock.observe(serverTime, rttMs);
}

qint64 ConnectionManager::serverClockOffsetMs() const
{
    return d->serverClock.offsetMs();
}

void ConnectionManager::setLocalClock(std::function<QDateTime()> clock)
{
    d->serverClock = ServerClock(std::move(clock));
}

QString ConnectionManager::transport() const
{
    return TransportSwitch::name(d->transports.linkKind());
}

QString ConnectionManager::fallbackReason() const
{
    return d->transports.decider().fallbackReason();
}

// (Private's, here to keep connectionmanager_p.cpp under the size limit.)
void ConnectionManager::Private::switchTo(Transport *replacement, const QString &why)
{
    if (state != ConnectionState::Connected || !link) {
        releaseLink(replacement);
        return;
    }
    // Make before break: the new link is open before the old one goes, so nothing is in between.
    // The chat layer says hello on it (linkReplaced) and resumes from what it has; what was in
    // flight on the old link comes again by the resume and the outbox's resend, deduplicated.
    Transport *old = link;
    const bool kindChanged = bool(qobject_cast<LongPollTransport *>(old)) != bool(qobject_cast<LongPollTransport *>(replacement));
    link = replacement;
    wire(replacement);
    QObject::disconnect(old, nullptr, q, nullptr);
    old->setParent(q); // gone with the manager at the latest
    QObject::connect(old, &Transport::closed, old, &QObject::deleteLater);
    old->close(Protocol::toInt(Protocol::CloseCode::Normal), QStringLiteral("switching transport"));
    // A probe pending on the old link is answered by any frame of the new one; this ping makes sure
    // one comes, or that a new link as dead as the old is found out as fast.
    heartbeat.probe(config.probeTimeoutMs);
    log(ConnectionEvent::Kind::Info, why);
    if (kindChanged)
        Q_EMIT q->transportChanged(TransportSwitch::name(transports.linkKind()));
    Q_EMIT q->linkReplaced();
    setStatsChanged();
}

void ConnectionManager::setTransportFactory(Transport::Factory factory)
{
    d->transports.setFactory(std::move(factory));
}

} // namespace Tether
