#pragma once
// The tray icon: shows the connection state as the status indicator does (same flicker rules,
// fed by StatusIndicator::shownStateChanged) and shows a notification when the connection has
// been lost for more than a few seconds, and again when it is back.

#include "connectionstate.h"

#include <QObject>
#include <QPointer>

class QSystemTrayIcon;
class QMenu;

namespace Tether {

class ConnectionManager;
class OutageNotifier;

class TrayNotifier : public QObject
{
    Q_OBJECT

public:
    explicit TrayNotifier(QWidget *window, QObject *parent = nullptr);
    ~TrayNotifier() override;

    void setConnection(ConnectionManager *connection);
    // The state to show on the icon and in its tooltip, already past the flicker rules.
    void setShownState(ConnectionState state);
    ConnectionState shownState() const { return m_shown; }
    bool isAvailable() const { return m_tray != nullptr; }
    OutageNotifier *notifier() const { return m_notifier; }

    static QString lostTitle();
    static QString lostMessage();
    static QString restoredTitle();
    static QString restoredMessage();

Q_SIGNALS:
    void notified(const QString &title, const QString &message); // also when there is no tray

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void notify(const QString &title, const QString &message);
    void updateIcon();
    void retranslate();

    QPointer<QWidget> m_window;
    QPointer<ConnectionManager> m_connection;
    ConnectionState m_shown = ConnectionState::Disconnected;
    OutageNotifier *m_notifier = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    QMenu *m_menu = nullptr;
};

} // namespace Tether
