#pragma once
// The banner above the messages whenever the connection is not fine: a live reconnect countdown
// with "Retry now", waiting for network, connecting, session expired, gave up; "Connected" briefly
// on restore. What it shows is decided by BannerLogic; this widget only renders it.

#include "bannerlogic.h"

#include <QFrame>
#include <QPointer>

class QLabel;
class QPushButton;
class QTimer;

namespace Tether {

class ConnectionManager;

class ConnectionBanner : public QFrame
{
    Q_OBJECT

public:
    explicit ConnectionBanner(QWidget *parent = nullptr);
    // For tests and screenshots: custom timing, and a custom clock (empty = the real one).
    explicit ConnectionBanner(const BannerLogic::Timing &timing, BannerLogic::Clock clock = {},
                              QWidget *parent = nullptr);

    // Follows a manager from now on; "Retry now"/"Retry" call reconnectNow() on it.
    void setConnection(ConnectionManager *connection);

    void setState(ConnectionState state, qint64 nextAttemptInMs = -1, int attempts = 0);
    void setTiming(const BannerLogic::Timing &timing);
    BannerLogic::View view() const { return m_shown; }
    QString text() const;
    QString actionText() const; // empty when there is no button
    QPushButton *actionButton() const { return m_action; }

    // Re-evaluates now (the internal timer does this on its own).
    void refresh();

Q_SIGNALS:
    void retryRequested();
    void signInRequested();
    void viewChanged(const Tether::BannerLogic::View &view);

protected:
    void changeEvent(QEvent *event) override;

private:
    void setup();
    void render();
    void onAction();

    BannerLogic m_logic;
    BannerLogic::View m_shown;
    QPointer<ConnectionManager> m_connection;
    QLabel *m_icon = nullptr;
    QLabel *m_text = nullptr;
    QPushButton *m_action = nullptr;
    QTimer *m_timer = nullptr;
};

} // namespace Tether
