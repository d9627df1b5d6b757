#pragma once
// A NetworkMonitor driven by hand: for tests, and for apps that know better than the OS.

#include "networkmonitor.h"

namespace Tether {

class ManualNetworkMonitor : public NetworkMonitor
{
    Q_OBJECT
public:
    explicit ManualNetworkMonitor(QObject *parent = nullptr);

    bool isOnline() const override;
    void setOnline(bool online);  // emits onlineChanged when it changes
    void notifyNetworkChanged();  // emits networkChanged

private:
    bool m_online = true;
};

} // namespace Tether
