#pragma once
// Decides when to tell the user, outside the window, that the connection is gone and when it is
// back: only for outages longer than a few seconds, and "back" only after "gone" was said.

#include "connectionstate.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace Tether {

class ConnectionManager;

class OutageNotifier : public QObject
{
    Q_OBJECT

public:
    explicit OutageNotifier(int lostAfterMs = 5000, QObject *parent = nullptr);

    void setConnection(ConnectionManager *connection);
    void setState(ConnectionState state);
    bool lostAnnounced() const { return m_announced; }

Q_SIGNALS:
    void connectionLost();
    void connectionRestored();

private:
    QPointer<ConnectionManager> m_connection;
    QTimer m_timer;
    ConnectionState m_state = ConnectionState::Disconnected;
    bool m_wasConnected = false;
    bool m_announced = false;
};

} // namespace Tether
