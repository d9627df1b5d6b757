#pragma once
// Group commit for durable acks: the sends that arrive in one pass of the event loop are stored in
// ONE transaction (one fsync), and only then are they acknowledged and broadcast, in arrival order.
// maxBatch bounds a transaction; 0 commits every message on its own at once (the old mode).

#include "serverstorage.h"

#include <QJsonValue>
#include <QList>
#include <QObject>

#include <functional>

namespace Tether {

class ClientConnection;

class GroupCommitter : public QObject
{
    Q_OBJECT
public:
    struct Request
    {
        ServerStorage::NewMessage message;
        ClientConnection *sender = nullptr; // nullptr: nobody to acknowledge (the echo bot, a gone client)
        QJsonValue frameId;                 // the send frame's "id", echoed in an error
        qint64 arrivedNs = -1;              // the send frame's arrival (server clock), for ack latency
    };
    struct Outcome
    {
        Request request;
        ServerStorage::AppendOutcome stored;
    };
    // Called once per committed batch, outcomes in arrival order; errorMessage when some failed.
    using Committed = std::function<void(const QList<Outcome> &outcomes, const QString &errorMessage)>;

    GroupCommitter(ServerStorage &storage, int maxBatch, Committed committed, QObject *parent = nullptr);

    // Stored with everything else that arrives before control returns to the event loop (or at
    // once when maxBatch is 0, or when the batch is full).
    void enqueue(const Request &request);
    // A connection is gone: its requests are still stored, but nobody is acknowledged.
    void forget(const ClientConnection *sender);
    // Commits what is waiting now (shutdown; also what the posted flush does).
    void flush();
    int pending() const { return int(m_pending.size()); }
    int batches() const { return m_batches; } // transactions committed so far (tests, bench)

private:
    void postFlush();

    ServerStorage &m_storage;
    int m_maxBatch;
    Committed m_committed;
    QList<Request> m_pending;
    bool m_flushPosted = false;
    bool m_flushing = false;
    int m_batches = 0;
};

} // namespace Tether
