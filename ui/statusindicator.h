#pragma once
// The always-visible status-bar indicator: colour dot, icon and short text per connection state,
// with a tooltip naming the server, the last close code and reason, and the round-trip time.
// States from the connection pass the banner's flicker rules (BannerLogic) before they are shown.

#include "bannerlogic.h"
#include "connectionstate.h"
#include "connectionstats.h"

#include <QPointer>
#include <QUrl>
#include <QWidget>

class QLabel;
class QTimer;

namespace Tether {

class ConnectionManager;

class StatusIndicator : public QWidget
{
    Q_OBJECT

public:
    explicit StatusIndicator(QWidget *parent = nullptr);
    // For tests and screenshots: custom timing, and a custom clock (empty = the real one).
    explicit StatusIndicator(const BannerLogic::Timing &timing, BannerLogic::Clock clock = {},
                             QWidget *parent = nullptr);

    // Follows a manager from now on (nullptr detaches); its states go through setConnectionState().
    void setConnection(ConnectionManager *connection);

    // A state as the connection reports it: shown only as the flicker rules allow (a blip or the
    // first seconds after launch keep the state from before).
    void setConnectionState(ConnectionState state, qint64 nextAttemptInMs = -1);
    // Shows exactly this state, bypassing the rules (screenshots, previews).
    void setState(ConnectionState state);
    ConnectionState state() const { return m_state; } // the state shown
    void setTiming(const BannerLogic::Timing &timing);
    // Applies the rules now and arms the timer for their next change (the timer does this itself).
    void evaluate();
    void setDetails(const QUrl &server, const ConnectionStats &stats);

    QString text() const;
    QString toolTipText() const;

Q_SIGNALS:
    void shownStateChanged(Tether::ConnectionState state);

protected:
    void changeEvent(QEvent *event) override;

private:
    void refresh();
    void pullFromConnection();
    void display(ConnectionState state);

    BannerLogic m_logic;
    QTimer *m_timer = nullptr;
    QPointer<ConnectionManager> m_connection;
    ConnectionState m_state = ConnectionState::Disconnected;
    QUrl m_server;
    ConnectionStats m_stats;
    QLabel *m_dot = nullptr;
    QLabel *m_icon = nullptr;
    QLabel *m_text = nullptr;
};

} // namespace Tether
