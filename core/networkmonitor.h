#pragma once
// Network reachability as the connection engine sees it: an interface, so tests can drive it.

#include <QObject>

namespace Tether {

class NetworkMonitor : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~NetworkMonitor() override;

    virtual bool isOnline() const = 0;

Q_SIGNALS:
    void onlineChanged(bool online);
    void networkChanged(); // e.g. another interface or transport: existing links may be dead
};

} // namespace Tether
