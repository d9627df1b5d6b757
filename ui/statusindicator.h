#pragma once
// The always-visible status-bar indicator: colour dot, icon and short text per connection state,
// with a tooltip naming the server, the last close code and reason, and the round-trip time.

#include "connectionstate.h"
#include "connectionstats.h"

#include <QPointer>
#include <QUrl>
#include <QWidget>

class QLabel;

namespace Tether {

class ConnectionManager;

class StatusIndicator : public QWidget
{
    Q_OBJECT

public:
    explicit StatusIndicator(QWidget *parent = nullptr);

    // Follows a manager from now on (nullptr detaches).
    void setConnection(ConnectionManager *connection);

    void setState(ConnectionState state);
    ConnectionState state() const { return m_state; }
    void setDetails(const QUrl &server, const ConnectionStats &stats);

    QString text() const;
    QString toolTipText() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void refresh();
    void pullFromConnection();

    QPointer<ConnectionManager> m_connection;
    ConnectionState m_state = ConnectionState::Disconnected;
    QUrl m_server;
    ConnectionStats m_stats;
    QLabel *m_dot = nullptr;
    QLabel *m_icon = nullptr;
    QLabel *m_text = nullptr;
};

} // namespace Tether
