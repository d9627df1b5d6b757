#include "systemnetworkmonitor.h"

#include <QLoggingCategory>
#include <QNetworkInformation>

Q_DECLARE_LOGGING_CATEGORY(lcConnection)

namespace Tether {

namespace {
bool reachable(QNetworkInformation::Reachability r)
{
    // Unknown (no backend data) and Local/Site (e.g. a LAN server) all may reach our server.
    return r != QNetworkInformation::Reachability::Disconnected;
}
} // namespace

SystemNetworkMonitor::SystemNetworkMonitor(QObject *parent)
    : NetworkMonitor(parent)
{
    QNetworkInformation *info = QNetworkInformation::instance();
    if (!info && QNetworkInformation::loadDefaultBackend())
        info = QNetworkInformation::instance();
    m_hasBackend = info != nullptr;
    if (!info) {
        qCInfo(lcConnection) << "no network information backend; assuming online";
        return;
    }
    m_online = reachable(info->reachability());
    connect(info, &QNetworkInformation::reachabilityChanged, this,
            [this](QNetworkInformation::Reachability r) {
                const bool online = reachable(r);
                if (online == m_online) {
                    Q_EMIT networkChanged();
                    return;
                }
                m_online = online;
                Q_EMIT onlineChanged(online);
            });
    connect(info, &QNetworkInformation::transportMediumChanged, this, &NetworkMonitor::networkChanged);
}

bool SystemNetworkMonitor::isOnline() const
{
    return m_online;
}

bool SystemNetworkMonitor::hasBackend() const
{
    return m_hasBackend;
}

} // namespace Tether
