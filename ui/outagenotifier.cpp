#include "outagenotifier.h"

#include "connectionmanager.h"

namespace Tether {

OutageNotifier::OutageNotifier(int lostAfterMs, QObject *parent)
    : QObject(parent)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(lostAfterMs);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (m_state == ConnectionState::Connected || m_state == ConnectionState::Disconnected)
            return;
        m_announced = true;
        Q_EMIT connectionLost();
    });
}

void OutageNotifier::setConnection(ConnectionManager *connection)
{
    if (m_connection)
        disconnect(m_connection, nullptr, this, nullptr);
    m_connection = connection;
    if (!connection)
        return;
    connect(connection, &ConnectionManager::stateChanged, this, [this](ConnectionState s) { setState(s); });
    setState(connection->state());
}

void OutageNotifier::setState(ConnectionState state)
{
    const ConnectionState previous = m_state;
    m_state = state;
    if (state == ConnectionState::Connected) {
        m_timer.stop();
        m_wasConnected = true;
        if (m_announced) {
            m_announced = false;
            Q_EMIT connectionRestored();
        }
        return;
    }
    if (state == ConnectionState::Disconnected) { // closed on purpose: nothing to announce
        m_timer.stop();
        m_announced = false;
        return;
    }
    // Only a connection we had and lost is news; the first connect after launch is not.
    if (m_wasConnected && previous == ConnectionState::Connected && !m_timer.isActive() && !m_announced)
        m_timer.start();
}

} // namespace Tether
