#pragma once
// The fan-out seam: frames for a conversation's members go through a broker, so a later broker
// (Redis) can carry them to the connections of other server instances too. Each instance then
// delivers to its own connections of the conversation's members.

#include <QString>

#include <functional>

namespace Tether {

class MessageBroker
{
public:
    // Hands a frame (compact JSON text) to this instance's connections of the conversation's
    // members, except the connection with exceptConnectionId (0: none).
    using Delivery = std::function<void(const QString &conversation, const QString &frameText,
                                        quint64 exceptConnectionId)>;

    virtual ~MessageBroker() = default;

    void setDelivery(Delivery delivery) { m_delivery = std::move(delivery); }

    // Fans the frame out. The local delivery must happen before publish() returns: the protocol
    // promises orderings (ack before message, welcome/replay/synced unbroken) that rest on it.
    virtual void publish(const QString &conversation, const QString &frameText, quint64 exceptConnectionId) = 0;
    // A hello is about to replay the conversation up to lastSeq (read from the storage just now):
    // a broker that delivers in seq order first brings this instance's other connections up to
    // there, so nobody gets a message twice or misses one. A single instance has nothing to do.
    virtual void catchUp(const QString &conversation, qint64 lastSeq)
    {
        Q_UNUSED(conversation)
        Q_UNUSED(lastSeq)
    }
    // For /health: what carries the fan-out ("local", "redis"), and why it does not work now
    // (empty while it does).
    virtual QString kind() const { return QStringLiteral("local"); }
    virtual QString problem() const { return QString(); }

protected:
    void deliverLocally(const QString &conversation, const QString &frameText, quint64 exceptConnectionId) const
    {
        if (m_delivery)
            m_delivery(conversation, frameText, exceptConnectionId);
    }

private:
    Delivery m_delivery;
};

} // namespace Tether
