#pragma once
// The broker of a cluster: frames go to this instance's connections at once and, through one Redis
// channel (hiredis on Qt's event loop), to every other instance. Messages are delivered in seq
// order (DeliveryOrder); what Redis lost (a gap, a reconnect, a fresh subscribe) is read from the
// storage. While Redis is down, everything else goes on and the instance reconnects by itself.

#include "deliveryorder.h"
#include "messagebroker.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QUrl>

#include <hiredis/async.h>

#include <memory>

class QTimer;
class RedisQtAdapter;

namespace Tether {

class ServerStorage;

class RedisBroker : public QObject, public MessageBroker
{
    Q_OBJECT
public:
    // url: redis://[:password@]host[:port]; instanceId tells this instance's own frames apart.
    RedisBroker(const QUrl &url, const QString &instanceId, ServerStorage &storage, QObject *parent = nullptr);
    ~RedisBroker() override;

    void start(); // connects (and keeps reconnecting) in the background
    void publish(const QString &conversation, const QString &frameText, quint64 exceptConnectionId) override;
    void catchUp(const QString &conversation, qint64 lastSeq) override;
    QString kind() const override { return QStringLiteral("redis"); }
    QString problem() const override;
    bool isSubscribed() const { return m_subscribed; }

    static QString redactedUrl(const QUrl &url);

Q_SIGNALS:
    void subscribed(); // (again): cross-instance frames flow

private:
    enum class Role { Publish, Subscribe };
    struct Link
    {
        // Where the adapter points between contexts: RedisQtAdapter's destructor writes to the
        // last context it was given, which hiredis has freed by then. Outlives the adapter.
        redisAsyncContext parked{};
        std::unique_ptr<RedisQtAdapter> adapter;
        redisAsyncContext *context = nullptr;
        bool connected = false;
    };
    void connectLink(Role role);
    static void park(Link &link);
    void linkLost(Role role, const QString &why);
    void onSubscription(redisReply *reply);
    void receive(const QByteArray &payload);
    // A message frame through DeliveryOrder: the missed range first, then it (or nothing).
    void deliverMessage(const QString &conversation, qint64 seq, const QString &frameText, quint64 exceptConnectionId);
    void fetchAndDeliver(const QString &conversation, qint64 after, qint64 upTo);
    void catchUpAll();
    Link &link(Role role) { return role == Role::Publish ? m_pub : m_sub; }

    static void onConnected(const redisAsyncContext *context, int status);
    static void onDisconnected(const redisAsyncContext *context, int status);
    static void onPublished(redisAsyncContext *context, void *reply, void *data);
    static void onMessage(redisAsyncContext *context, void *reply, void *data);
    static void onPong(redisAsyncContext *context, void *reply, void *data);
    // A Redis that stopped answering (not closed) is let go and reconnected like a closed one.
    void checkAlive();

    QUrl m_url;
    QString m_instanceId;
    QByteArray m_channel;
    ServerStorage &m_storage;
    DeliveryOrder m_order;
    Link m_pub;
    Link m_sub;
    QTimer *m_reconnectTimer = nullptr;
    QTimer *m_pingTimer = nullptr;
    QElapsedTimer m_pingSent; // invalid: no PING waiting for its reply
    bool m_subscribed = false;
    bool m_destroying = false;
    int m_pendingPublishes = 0;
    qint64 m_dropped = 0;
    QString m_problem;
};

} // namespace Tether
