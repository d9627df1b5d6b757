#pragma once
// The server's operational metrics (docs/operations.md) in a prometheus-cpp registry, served as
// GET /metrics in the Prometheus text format. Every label value comes from a bounded set (the
// protocol's frame types, close codes and error codes; anything else is "other"): never a user,
// conversation or address.

#include "errorcode.h"

#include <QByteArray>
#include <QHostAddress>
#include <QString>
#include <QStringView>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>


namespace Tether {

class ServerMetrics
{
public:
    enum class ConnectionKind { WebSocket, LongPoll };
    enum class LoginOutcome { Success, InvalidCredentials, BadRequest, StorageError, RateLimited };

    ServerMetrics();
    ~ServerMetrics();
    ServerMetrics(const ServerMetrics &) = delete;
    ServerMetrics &operator=(const ServerMetrics &) = delete;

    // Connections: a connect, and its end with the close code the server sent or the peer's.
    void connected(ConnectionKind kind);
    void disconnected(ConnectionKind kind, int closeCode, bool byServer, double durationS);
    // A server-initiated close: counts the policy ones (rate limit, auth failure, slow consumer).
    void serverClosed(int closeCode);

    void frameReceived(QStringView type);
    void frameSent(QStringView type, int count = 1);
    void errorSent(Protocol::ErrorCode code);
    void messageStored();
    void messageAcked(double latencyS); // from the send frame's arrival to its ack
    void replayed(int messages);         // messages replayed after one hello
    void loginAttempt(LoginOutcome outcome);
    void storageError();

    // Sampled at scrape time.
    void setConnectionsOpen(ConnectionKind kind, int count);
    void setStorageUp(bool up);
    void setBrokerUp(bool up); // the local broker is always up; Redis while it answers

    // The Prometheus text exposition of everything.
    QByteArray scrape() const;

    // Bounded label values.
    static std::string closeCodeLabel(int code);                // "1000" ... for the protocol's codes, else "other"
    static std::string frameTypeLabel(QStringView type, bool received); // a protocol frame type of that direction, else "other"
    static std::string errorCodeLabel(Protocol::ErrorCode code); // the wire name, else "other"

    // Whether a scrape may be answered: with a token, only "Authorization: Bearer <token>"
    // (compared in constant time); without one, only loopback peers.
    static bool mayScrape(const QString &token, const QByteArray &authorization, const QHostAddress &peer);

private:
    std::shared_ptr<prometheus::Registry> m_registry;
    prometheus::Family<prometheus::Gauge> *m_connectionsOpen;
    prometheus::Family<prometheus::Counter> *m_connects;
    prometheus::Family<prometheus::Counter> *m_disconnects;
    prometheus::Histogram *m_duration;
    prometheus::Family<prometheus::Counter> *m_policyCloses;
    prometheus::Family<prometheus::Counter> *m_framesIn;
    prometheus::Family<prometheus::Counter> *m_framesOut;
    prometheus::Family<prometheus::Counter> *m_errors;
    prometheus::Counter *m_stored;
    prometheus::Counter *m_acked;
    prometheus::Histogram *m_ackLatency;
    prometheus::Histogram *m_replay;
    prometheus::Family<prometheus::Counter> *m_logins;
    prometheus::Counter *m_storageErrors;
    prometheus::Gauge *m_storageUp;
    prometheus::Gauge *m_brokerUp;
};

} // namespace Tether
