#include "manualnetworkmonitor.h"

namespace Tether {

ManualNetworkMonitor::ManualNetworkMonitor(QObject *parent)
    : NetworkMonitor(parent)
{
}

bool ManualNetworkMonitor::isOnline() const
{
    return m_online;
}

void ManualNetworkMonitor::setOnline(bool online)
{
    if (online == m_online)
        return;
    m_online = online;
    Q_EMIT onlineChanged(online);
}

void ManualNetworkMonitor::notifyNetworkChanged()
{
    Q_EMIT networkChanged();
}

} // namespace Tether
