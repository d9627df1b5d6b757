#include "admissioncontrol.h"

#include <sys/resource.h>

#include <algorithm>

namespace Tether {

AdmissionControl::AdmissionControl(int maxConnections, int maxPerAddress)
{
    setLimits(maxConnections, maxPerAddress);
}

void AdmissionControl::setLimits(int maxConnections, int maxPerAddress)
{
    m_maxTotal = qMax(0, maxConnections);
    m_maxPerAddress = qMax(0, maxPerAddress);
}

QHostAddress AdmissionControl::normalized(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4) : address;
}

AdmissionControl::Verdict AdmissionControl::admit(const QHostAddress &address)
{
    if (m_maxTotal > 0 && m_total >= m_maxTotal)
        return Verdict::OverTotal;
    const QHostAddress key = normalized(address);
    int &count = m_perAddress[key];
    if (m_maxPerAddress > 0 && count >= m_maxPerAddress) {
        if (count == 0)
            m_perAddress.remove(key);
        return Verdict::OverAddress;
    }
    ++count;
    ++m_total;
    return Verdict::Admitted;
}

void AdmissionControl::release(const QHostAddress &address)
{
    const auto it = m_perAddress.find(normalized(address));
    if (it == m_perAddress.end())
        return;
    if (--it.value() <= 0)
        m_perAddress.erase(it);
    m_total = qMax(0, m_total - 1);
}

int AdmissionControl::count(const QHostAddress &address) const
{
    return m_perAddress.value(normalized(address), 0);
}

int AdmissionControl::reserveFor(qint64 descriptorLimit)
{
    // 24 covers what the server itself holds (13 at start: stdio, the database and its WAL and
    // shared memory, the listening socket, the signal pair, the spare, Qt's eventfd) with room to
    // spare; an eighth of a large limit leaves room for SQLite's temporary files and the sockets
    // being refused during a burst.
    return int(std::clamp<qint64>(descriptorLimit / 8, 24, 256));
}

int AdmissionControl::defaultMaxConnections(qint64 descriptorLimit)
{
    if (descriptorLimit <= 0)
        return 0; // unknown or unlimited: no cap from here
    const qint64 cap = descriptorLimit - reserveFor(descriptorLimit);
    return int(std::clamp<qint64>(cap, 1, 1 << 30));
}

qint64 AdmissionControl::descriptorLimit()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return -1;
    return qint64(limit.rlim_cur);
}

} // namespace Tether
