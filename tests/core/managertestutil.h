#pragma once
// Shared by the ConnectionManager tests (tst_connectionmanager, tst_connectionauth,
// tst_connectionliveness): millisecond-scale settings and a log of every state passed through.

#include "connectionmanager.h"

#include <QList>
#include <QObject>
#include <QUrl>

namespace TestPeers {

using namespace Tether;

constexpr int Long = 10000; // upper bound for anything that should take milliseconds

inline ConnectionConfig fastConfig(const QUrl &url)
{
    ConnectionConfig config;
    config.url = url;
    config.backoff.initialMs = 50;
    config.backoff.maxMs = 400;
    config.backoff.multiplier = 2.0;
    config.backoff.jitter = BackoffPolicy::Jitter::None;
    config.connectTimeoutMs = 3000;
    config.heartbeatMode = ConnectionConfig::HeartbeatMode::Off;
    config.minUptimeMs = 0;
    return config;
}

// Every state the manager passes through, in order.
class StateLog : public QObject
{
public:
    explicit StateLog(ConnectionManager *cm)
    {
        connect(cm, &ConnectionManager::stateChanged, this,
                [this](ConnectionState s, ConnectionState) { states.append(s); });
    }
    QList<ConnectionState> states;
};

} // namespace TestPeers
