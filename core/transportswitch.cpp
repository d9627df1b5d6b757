#include "transportswitch.h"

#include "longpolltransport.h"
#include "websockettransport.h"

namespace Tether {

using Kind = TransportDecider::Kind;

namespace {
TransportDecider::Mode deciderMode(ConnectionConfig::TransportMode mode)
{
    switch (mode) {
    case ConnectionConfig::TransportMode::Auto: return TransportDecider::Mode::Auto;
    case ConnectionConfig::TransportMode::LongPoll: return TransportDecider::Mode::LongPoll;
    case ConnectionConfig::TransportMode::WebSocket: break;
    }
    return TransportDecider::Mode::WebSocket;
}
} // namespace

TransportSwitch::TransportSwitch(QObject *parent)
    : QObject(parent), m_decider(TransportDecider::Mode::WebSocket, m_config.wsRetryIntervalMs)
{
    m_clock.start();
    m_trialTimer.setSingleShot(true);
    connect(&m_trialTimer, &QTimer::timeout, this, &TransportSwitch::startTrial);
}

TransportSwitch::~TransportSwitch()
{
    stopTrials();
}

void TransportSwitch::setConfig(const ConnectionConfig &config)
{
    const bool changed = config.transportMode != m_config.transportMode || config.wsRetryIntervalMs != m_config.wsRetryIntervalMs;
    m_config = config;
    if (changed)
        m_decider = TransportDecider(deciderMode(config.transportMode), config.wsRetryIntervalMs);
}

QString TransportSwitch::name(Kind kind)
{
    return kind == Kind::LongPoll ? QStringLiteral("long-poll") : QStringLiteral("websocket");
}

Transport *TransportSwitch::make()
{
    m_linkTimedOut = false;
    if (m_factory) {
        Transport *custom = m_factory();
        m_linkKind = qobject_cast<LongPollTransport *>(custom) ? Kind::LongPoll : Kind::WebSocket;
        return custom;
    }
    m_linkKind = m_decider.current();
    return makeOfKind(m_linkKind);
}

Transport *TransportSwitch::makeOfKind(Kind kind)
{
    if (m_factory)
        return m_factory();
    if (kind == Kind::LongPoll)
        return new LongPollTransport;
    return new WebSocketTransport;
}

void TransportSwitch::startReplacement()
{
    if (m_replacement)
        return;
    Transport *t = makeOfKind(m_linkKind);
    t->setParent(this);
    m_replacement = t;
    connect(t, &Transport::opened, this, [this, t] {
        t->disconnect(this);
        m_replacement = nullptr;
        t->setParent(nullptr);
        Q_EMIT linkReady(t, QStringLiteral("network changed: moved to a second connection"));
    });
    connect(t, &Transport::closed, this, [this, t](const TransportEnd &end) {
        t->disconnect(this);
        t->deleteLater();
        m_replacement = nullptr;
        Q_EMIT replacementFailed(end.error.isEmpty() ? QStringLiteral("closed with %1").arg(end.close.code) : end.error);
    });
    t->open(m_configSource ? m_configSource() : m_config);
}

bool TransportSwitch::linkFailed(const TransportEnd &end)
{
    if (m_linkKind != Kind::WebSocket || end.wasOpen)
        return false;
    const bool before = m_decider.isFallback();
    m_decider.webSocketFailed(TransportDecider::fromEnd(end, m_linkTimedOut), m_clock.elapsed());
    return !before && m_decider.isFallback();
}

void TransportSwitch::linkOpened()
{
    m_decider.opened(m_linkKind, m_clock.elapsed());
    if (m_linkKind == Kind::LongPoll && m_decider.isFallback() && !m_factory)
        scheduleTrial();
}

void TransportSwitch::scheduleTrial()
{
    if (m_trial)
        return;
    m_trialTimer.start(int(qBound<qint64>(0, m_decider.nextTrialAtMs() - m_clock.elapsed(), 24LL * 3600 * 1000)));
}

void TransportSwitch::stopTrials()
{
    m_trialTimer.stop();
    if (Transport *replacement = m_replacement) {
        m_replacement = nullptr;
        replacement->disconnect(this);
        replacement->abort();
        replacement->deleteLater();
    }
    if (Transport *trial = m_trial) {
        m_trial = nullptr;
        trial->disconnect(this);
        trial->abort();
        trial->deleteLater();
    }
}

void TransportSwitch::startTrial()
{
    if (m_trial || !m_decider.isFallback())
        return;
    auto *trial = new WebSocketTransport(this);
    m_trial = trial;
    m_trialTimedOut = false;
    connect(trial, &Transport::errorOccurred, this, [this](Transport::Error error, const QString &) {
        if (error == Transport::Error::HandshakeTimeout)
            m_trialTimedOut = true;
    });
    connect(trial, &Transport::opened, this, [this, trial] {
        trial->disconnect(this);
        m_trial = nullptr;
        trial->setParent(nullptr);
        m_decider.trialSucceeded();
        m_linkKind = Kind::WebSocket;
        Q_EMIT linkReady(trial, QStringLiteral("WebSocket works again: switched from HTTP long polling"));
    });
    connect(trial, &Transport::closed, this, [this, trial](const TransportEnd &end) {
        trial->disconnect(this);
        trial->deleteLater();
        m_trial = nullptr;
        m_decider.trialFailed(m_clock.elapsed());
        Q_EMIT trialFailed(TransportDecider::describe(TransportDecider::fromEnd(end, m_trialTimedOut)));
        scheduleTrial();
    });
    trial->open(m_configSource ? m_configSource() : m_config);
}

} // namespace Tether
