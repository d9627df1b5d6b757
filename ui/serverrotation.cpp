#include "serverrotation.h"

namespace Tether {

ServerRotation::ServerRotation(const QStringList &servers, int failuresBeforeSwitch)
{
    setServers(servers, failuresBeforeSwitch);
}

void ServerRotation::setServers(const QStringList &servers, int failuresBeforeSwitch)
{
    const QString was = current();
    m_servers = servers;
    m_threshold = qMax(1, failuresBeforeSwitch);
    m_index = qMax(0, int(servers.indexOf(was)));
    m_failuresHere = 0;
}

QString ServerRotation::current() const
{
    return m_servers.isEmpty() ? QString() : m_servers.at(m_index);
}

bool ServerRotation::attemptFailed(int attempt)
{
    Q_UNUSED(attempt);
    if (m_servers.size() < 2)
        return false;
    if (++m_failuresHere < m_threshold)
        return false;
    m_failuresHere = 0;
    m_index = (m_index + 1) % int(m_servers.size());
    return true;
}

void ServerRotation::reset()
{
    m_index = 0;
    m_failuresHere = 0;
}

} // namespace Tether
