#pragma once
// NetworkMonitor backed by QNetworkInformation. Without a backend (common on Linux) or with an
// Unknown reachability it reports online: never block connecting on missing information.

#include "networkmonitor.h"

namespace Tether {

class SystemNetworkMonitor : public NetworkMonitor
{
    Q_OBJECT
public:
    explicit SystemNetworkMonitor(QObject *parent = nullptr);

    bool isOnline() const override;
    bool hasBackend() const;

private:
    bool m_online = true;
    bool m_hasBackend = false;
};

} // namespace Tether
