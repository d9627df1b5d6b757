#pragma once
// ConnectionManager's inside, kept out of the public header as Qt does with its _p.h files
// (QWebSocketPrivate): the transition runner and the actions it performs. Each attempt is one
// Transport; tokens are timed by TokenSchedule and refreshed through AuthClient.

#include "authclient.h"
#include "backoff.h"
#include "connectionmanager.h"
#include "connectionstatemachine.h"
#include "eventlog.h"
#include "heartbeat.h"
#include "resumedetector.h"
#include "retryplanner.h"
#include "serverclock.h"
#include "tokenschedule.h"
#include "transport.h"
#include "transportswitch.h"

#include <QLoggingCategory>
#include <QQueue>
#include <QSet>
#include <QTimer>

#include <memory>

Q_DECLARE_LOGGING_CATEGORY(lcConnection)

namespace Tether {

class ConnectionManager::Private
{
public:
    using SM = ConnectionStateMachine;
    using Event = ConnectionStateMachine::Event;

    Private(ConnectionManager *q, const ConnectionConfig &config, NetworkMonitor *monitor);
    ~Private();

    // state machine
    void fire(Event event);
    SM::Conditions conditions() const;
    void apply(Event event, const SM::Transition &t);

    // actions
    void openLink();
    void wire(Transport *l); // the link's signals to us
    // A background WebSocket trial or a replacement after a network change opened: move onto it,
    // close the old link.
    void switchTo(Transport *replacement, const QString &why);
    void endLink(); // the link is dead: abort it, and handle its end like any other
    void closeGracefully();
    void finishClosing(Transport *closing);
    void releaseLink(Transport *released); // cut it loose without hearing how it ended
    void prepareRetry();
    void startSession();
    void startRefresh();
    void scheduleProactiveRefresh();
    void sendNow(const QString &text);
    bool canWrite() const { return link && link->isWritable(); }

    // link callbacks
    void onLinkClosed(const TransportEnd &end);
    void onText(const QString &text);

    // tokens
    void checkTokenReadable();
    void onRefreshFinished(const AuthClient::Result &result);

    void log(ConnectionEvent::Kind kind, const QString &text);
    QString redact(const QString &text) const;
    void setStatsChanged() { Q_EMIT q->statsChanged(); }

    ConnectionManager *q;
    ConnectionConfig config;
    std::unique_ptr<NetworkMonitor> ownMonitor;
    NetworkMonitor *monitor = nullptr;
    Backoff backoff;          // token refresh retries
    RetryPlanner retryPlanner; // reconnect waits: backoff capped by the time spent down
    TransportSwitch transports; // which transport each attempt uses

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
    ServerClock serverClock;       // token expiry is the server's time, not ours
    TokenSchedule tokenSchedule;
    QString refreshingWith;        // the refresh token of the request under way

    Transport *link = nullptr;     // the attempt or connection of the moment; ours
    QSet<Transport *> closingLinks; // closed by close(), waiting for the server's acknowledgement

    QTimer retryTimer;
    QTimer uptimeTimer;
    QTimer authResetTimer; // a server that accepts and refuses at once must not loop refresh+reconnect
    QTimer refreshTimer;
    Heartbeat heartbeat;
    AuthClient auth; // token refresh
    ResumeDetector resumeDetector;

    QQueue<QString> queue;
    ConnectionStats stats;
    EventLog eventLog;
};

} // namespace Tether
