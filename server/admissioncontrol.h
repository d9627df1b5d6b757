#pragma once
// Connection admission: how many connections (WebSockets and raw sockets still sending their
// request) the server holds in all and per peer address, and the default cap that the process's
// descriptor limit allows. Pure bookkeeping, no I/O; FrontDoor asks it for every accepted socket.

#include <QHash>
#include <QHostAddress>

namespace Tether {

class AdmissionControl
{
public:
    enum class Verdict { Admitted, OverTotal, OverAddress };

    // 0 (or less) = no bound.
    AdmissionControl(int maxConnections = 0, int maxPerAddress = 0);
    void setLimits(int maxConnections, int maxPerAddress);
    int maxConnections() const { return m_maxTotal; }
    int maxPerAddress() const { return m_maxPerAddress; }

    // Takes a slot for a new connection from address, or says which bound refuses it.
    Verdict admit(const QHostAddress &address);
    // Gives the slot back (exactly once per admitted connection).
    void release(const QHostAddress &address);
    int total() const { return m_total; }
    int count(const QHostAddress &address) const;
    int addresses() const { return int(m_perAddress.size()); }

    // The cap --max-connections defaults to: the descriptor limit minus reserveFor(limit), at least 1.
    static int defaultMaxConnections(qint64 descriptorLimit);
    // Descriptors kept for everything but connections: stdio, the database and its WAL, the
    // listening socket, the signal pipe, the spare descriptor, Qt's own, a refused socket.
    static int reserveFor(qint64 descriptorLimit);
    // This process's soft RLIMIT_NOFILE (-1 when unknown or unlimited).
    static qint64 descriptorLimit();
    // IPv4-mapped IPv6 addresses count as the IPv4 address.
    static QHostAddress normalized(const QHostAddress &address);

private:
    int m_maxTotal = 0;
    int m_maxPerAddress = 0;
    int m_total = 0;
    QHash<QHostAddress, int> m_perAddress;
};

} // namespace Tether
