#pragma once
// ConnectionManager's choice of transport per attempt: makes each attempt's transport as the
// TransportDecider says (or the factory set by setTransportFactory()), feeds it how WebSocket
// attempts failed, and on the long-polling fallback runs the background WebSocket trials whose
// transport, once open, is handed over (trialOpened) for a switch without a gap.

#include "connectionconfig.h"
#include "transport.h"
#include "transportdecider.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>

namespace Tether {

class TransportSwitch : public QObject
{
    Q_OBJECT
public:
    explicit TransportSwitch(QObject *parent = nullptr);
    ~TransportSwitch() override;

    // Takes effect for the next attempt; a new mode starts afresh.
    void setConfig(const ConnectionConfig &config);
    // Where a trial takes its config (fresh credentials) when it starts; unset: the last setConfig().
    void setConfigSource(std::function<ConnectionConfig()> source) { m_configSource = std::move(source); }
    // A custom factory bypasses the decision (tests, benchmarks); empty: back to the decision.
    void setFactory(Transport::Factory factory) { m_factory = std::move(factory); }

    // The transport of the next attempt; the caller owns it.
    Transport *make();
    // The same without touching linkKind(): a second link of the kind in use.
    Transport *makeOfKind(TransportDecider::Kind kind);
    TransportDecider::Kind linkKind() const { return m_linkKind; }
    static QString name(TransportDecider::Kind kind); // "websocket", "long-poll"
    const TransportDecider &decider() const { return m_decider; }

    void linkHandshakeTimedOut() { m_linkTimedOut = true; }
    // The attempt ended without opening; true when this made auto fall back to long polling.
    bool linkFailed(const TransportEnd &end);
    // The attempt opened: on the fallback, the next WebSocket trial is scheduled.
    void linkOpened();
    // Make before break (the network changed while connected): a second link of the current kind.
    // linkReady() when it opens; replacementFailed() when it does not (today's probe decides then).
    void startReplacement();
    // The link is gone or replaced: no trial or replacement runs.
    void stopTrials();

Q_SIGNALS:
    // A background WebSocket trial or a replacement opened: the receiver takes the transport and
    // moves onto it; why says which, for the event log.
    void linkReady(Tether::Transport *transport, const QString &why);
    void trialFailed(const QString &why);
    void replacementFailed(const QString &why);

private:
    void startTrial();
    void scheduleTrial();

    ConnectionConfig m_config;
    TransportDecider m_decider;
    Transport::Factory m_factory;
    std::function<ConnectionConfig()> m_configSource;
    TransportDecider::Kind m_linkKind = TransportDecider::Kind::WebSocket;
    bool m_linkTimedOut = false;
    QPointer<Transport> m_trial;
    QPointer<Transport> m_replacement;
    bool m_trialTimedOut = false;
    QTimer m_trialTimer;
    QElapsedTimer m_clock;
};

} // namespace Tether
