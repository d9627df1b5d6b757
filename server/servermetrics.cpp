#include "servermetrics.h"

#include "closecode.h"
#include "frametype.h"
#include "keys.h"

#include <QCryptographicHash>
#include <QLatin1String>

#include <prometheus/text_serializer.h>

#include <initializer_list>

namespace Tether {

using namespace prometheus;

namespace {
const QLatin1String kReceivedTypes[] = {
    Protocol::FrameType::Auth, Protocol::FrameType::Hello, Protocol::FrameType::Send, Protocol::FrameType::History,
    Protocol::FrameType::Join, Protocol::FrameType::Leave, Protocol::FrameType::Typing, Protocol::FrameType::Ping,
};
const QLatin1String kSentTypes[] = {
    Protocol::FrameType::AuthOk, Protocol::FrameType::Welcome, Protocol::FrameType::Message,
    Protocol::FrameType::Synced, Protocol::FrameType::Ack, Protocol::FrameType::Joined, Protocol::FrameType::Left,
    Protocol::FrameType::Pong, Protocol::FrameType::Error, Protocol::FrameType::Goodbye,
    Protocol::FrameType::History, Protocol::FrameType::Typing,
};
const Protocol::ErrorCode kFrameErrors[] = {
    Protocol::ErrorCode::BadJson, Protocol::ErrorCode::UnknownType, Protocol::ErrorCode::MissingField,
    Protocol::ErrorCode::InvalidField, Protocol::ErrorCode::NotMember, Protocol::ErrorCode::Forbidden,
    Protocol::ErrorCode::RateLimited, Protocol::ErrorCode::StorageError,
};

const char *kindLabel(ServerMetrics::ConnectionKind kind)
{
    switch (kind) {
    case ServerMetrics::ConnectionKind::WebSocket:
        return "websocket";
    case ServerMetrics::ConnectionKind::LongPoll:
        return "long_poll";
    }
    return "other";
}

const char *outcomeLabel(ServerMetrics::LoginOutcome outcome)
{
    switch (outcome) {
    case ServerMetrics::LoginOutcome::Success:
        return "success";
    case ServerMetrics::LoginOutcome::InvalidCredentials:
        return "invalid_credentials";
    case ServerMetrics::LoginOutcome::BadRequest:
        return "bad_request";
    case ServerMetrics::LoginOutcome::StorageError:
        return "storage_error";
    case ServerMetrics::LoginOutcome::RateLimited:
        return "rate_limited";
    }
    return "other";
}

// The policy close a close code stands for, or nullptr.
const char *policyReason(int code)
{
    switch (Protocol::CloseCode(code)) {
    case Protocol::CloseCode::PolicyViolated:
        return "rate_limit";
    case Protocol::CloseCode::TokenExpired:
    case Protocol::CloseCode::AuthRejected:
        return "auth_failure";
    case Protocol::CloseCode::SlowConsumer:
        return "slow_consumer";
    default:
        return nullptr;
    }
}

std::string toStd(QLatin1String s)
{
    return std::string(s.data(), size_t(s.size()));
}
} // namespace

ServerMetrics::ServerMetrics() : m_registry(std::make_shared<Registry>())
{
    Registry &r = *m_registry;
    BuildGauge()
            .Name("tether_server_build_info")
            .Help("Always 1; the labels say which build runs")
            .Register(r)
            .Add({ { "version", TETHER_VERSION }, { "qt_version", qVersion() } })
            .Set(1);
    m_connectionsOpen = &BuildGauge().Name("tether_server_connections_open").Help("Open client connections").Register(r);
    m_connects = &BuildCounter().Name("tether_server_connects_total").Help("Client connections accepted").Register(r);
    m_disconnects = &BuildCounter()
                             .Name("tether_server_disconnects_total")
                             .Help("Client connections ended, by close code and by who closed")
                             .Register(r);
    m_duration = &BuildHistogram()
                          .Name("tether_server_connection_duration_seconds")
                          .Help("How long client connections lasted")
                          .Register(r)
                          .Add({}, Histogram::BucketBoundaries{ 1, 10, 60, 300, 1800, 3600, 14400, 86400 });
    m_policyCloses = &BuildCounter()
                               .Name("tether_server_policy_closes_total")
                               .Help("Connections the server closed for a policy: rate limit, auth failure, slow consumer")
                               .Register(r);
    m_framesIn = &BuildCounter().Name("tether_server_frames_received_total").Help("Frames received, by type").Register(r);
    m_framesOut = &BuildCounter().Name("tether_server_frames_sent_total").Help("Frames sent, by type").Register(r);
    m_errors = &BuildCounter().Name("tether_server_errors_sent_total").Help("Error frames sent, by error code").Register(r);
    m_stored = &BuildCounter()
                        .Name("tether_server_messages_stored_total")
                        .Help("Messages stored (duplicates of stored ones excluded)")
                        .Register(r)
                        .Add({});
    m_acked = &BuildCounter()
                       .Name("tether_server_messages_acked_total")
                       .Help("Acks sent for send frames (including re-acks of duplicates)")
                       .Register(r)
                       .Add({});
    m_ackLatency = &BuildHistogram()
                            .Name("tether_server_send_ack_latency_seconds")
                            .Help("From a send frame's arrival to its ack")
                            .Register(r)
                            .Add({}, Histogram::BucketBoundaries{ 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                                  0.25, 0.5, 1, 2.5 });
    m_replay = &BuildHistogram()
                        .Name("tether_server_replay_messages")
                        .Help("Messages replayed after one hello")
                        .Register(r)
                        .Add({}, Histogram::BucketBoundaries{ 0, 1, 10, 100, 1000, 10000 });
    m_logins = &BuildCounter().Name("tether_server_login_attempts_total").Help("Password logins, by outcome").Register(r);
    m_storageErrors = &BuildCounter()
                               .Name("tether_server_storage_errors_total")
                               .Help("Storage operations that failed (messages, membership, refresh tokens)")
                               .Register(r)
                               .Add({});
    m_storageUp = &BuildGauge().Name("tether_server_storage_up").Help("1 while the database is open and answering").Register(r).Add({});
    m_brokerUp = &BuildGauge().Name("tether_server_broker_up").Help("1 while the message broker (local or Redis) delivers").Register(r).Add({});

    // Every bounded series exists from the start, so rate() and absence alerts work from zero.
    for (ConnectionKind kind : { ConnectionKind::WebSocket, ConnectionKind::LongPoll }) {
        m_connectionsOpen->Add({ { "kind", kindLabel(kind) } });
        m_connects->Add({ { "kind", kindLabel(kind) } });
    }
    for (const char *reason : { "rate_limit", "auth_failure", "slow_consumer" })
        m_policyCloses->Add({ { "reason", reason } });
    for (QLatin1String type : kReceivedTypes)
        m_framesIn->Add({ { "type", toStd(type) } });
    m_framesIn->Add({ { "type", "other" } });
    for (QLatin1String type : kSentTypes)
        m_framesOut->Add({ { "type", toStd(type) } });
    for (Protocol::ErrorCode code : kFrameErrors)
        m_errors->Add({ { "code", errorCodeLabel(code) } });
    for (LoginOutcome outcome : { LoginOutcome::Success, LoginOutcome::InvalidCredentials, LoginOutcome::BadRequest,
                                  LoginOutcome::StorageError, LoginOutcome::RateLimited })
        m_logins->Add({ { "outcome", outcomeLabel(outcome) } });
}

ServerMetrics::~ServerMetrics() = default;

void ServerMetrics::connected(ConnectionKind kind)
{
    m_connects->Add({ { "kind", kindLabel(kind) } }).Increment();
}

void ServerMetrics::disconnected(ConnectionKind kind, int closeCode, bool byServer, double durationS)
{
    m_disconnects->Add({ { "kind", kindLabel(kind) }, { "code", closeCodeLabel(closeCode) },
                         { "by", byServer ? "server" : "peer" } })
            .Increment();
    m_duration->Observe(durationS);
}

void ServerMetrics::serverClosed(int closeCode)
{
    if (const char *reason = policyReason(closeCode))
        m_policyCloses->Add({ { "reason", reason } }).Increment();
}

void ServerMetrics::frameReceived(QStringView type)
{
    m_framesIn->Add({ { "type", frameTypeLabel(type, true) } }).Increment();
}

void ServerMetrics::frameSent(QStringView type, int count)
{
    if (count > 0)
        m_framesOut->Add({ { "type", frameTypeLabel(type, false) } }).Increment(count);
}

void ServerMetrics::errorSent(Protocol::ErrorCode code)
{
    m_errors->Add({ { "code", errorCodeLabel(code) } }).Increment();
}

void ServerMetrics::messageStored()
{
    m_stored->Increment();
}

void ServerMetrics::messageAcked(double latencyS)
{
    m_acked->Increment();
    m_ackLatency->Observe(latencyS);
}

void ServerMetrics::replayed(int messages)
{
    m_replay->Observe(messages);
}

void ServerMetrics::loginAttempt(LoginOutcome outcome)
{
    m_logins->Add({ { "outcome", outcomeLabel(outcome) } }).Increment();
}

void ServerMetrics::storageError()
{
    m_storageErrors->Increment();
}

void ServerMetrics::setConnectionsOpen(ConnectionKind kind, int count)
{
    m_connectionsOpen->Add({ { "kind", kindLabel(kind) } }).Set(count);
}

void ServerMetrics::setStorageUp(bool up)
{
    m_storageUp->Set(up ? 1 : 0);
}

void ServerMetrics::setBrokerUp(bool up)
{
    m_brokerUp->Set(up ? 1 : 0);
}

QByteArray ServerMetrics::scrape() const
{
    const std::string text = TextSerializer().Serialize(m_registry->Collect());
    return QByteArray(text.data(), qsizetype(text.size()));
}

std::string ServerMetrics::closeCodeLabel(int code)
{
    return Protocol::isKnownCloseCode(code) ? std::to_string(code) : std::string("other");
}

std::string ServerMetrics::frameTypeLabel(QStringView type, bool received)
{
    if (received) {
        for (QLatin1String known : kReceivedTypes) {
            if (type == known)
                return toStd(known);
        }
    } else {
        for (QLatin1String known : kSentTypes) {
            if (type == known)
                return toStd(known);
        }
    }
    return "other";
}

std::string ServerMetrics::errorCodeLabel(Protocol::ErrorCode code)
{
    const QLatin1String name = Protocol::wireName(code);
    return name.isEmpty() ? std::string("other") : toStd(name);
}

bool ServerMetrics::mayScrape(const QString &token, const QByteArray &authorization, const QHostAddress &peer)
{
    if (token.isEmpty())
        return peer.isLoopback();
    const QByteArray value = authorization.trimmed();
    const QLatin1String scheme = Protocol::Value::Bearer;
    if (value.size() <= scheme.size() + 1 || value.at(scheme.size()) != ' '
        || QLatin1String(value.left(scheme.size())).compare(scheme, Qt::CaseInsensitive) != 0)
        return false;
    // Equal-length digests compared without an early exit: the time says nothing about the token.
    const QByteArray given = QCryptographicHash::hash(value.mid(scheme.size() + 1).trimmed(), QCryptographicHash::Sha256);
    const QByteArray wanted = QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256);
    unsigned char difference = 0;
    for (qsizetype i = 0; i < wanted.size(); ++i)
        difference |= static_cast<unsigned char>(given.at(i) ^ wanted.at(i));
    return difference == 0;
}

} // namespace Tether
