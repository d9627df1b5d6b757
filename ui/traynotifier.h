#pragma once
// The tray icon: shows the connection's headline as the status indicator does (both read the one
// ConnectionPresentation) and shows a notification when the connection has been lost for more than
// a few seconds, and again when it is back.

#include "statuslogic.h"

#include <QObject>
#include <QPointer>

class QSystemTrayIcon;
class QMenu;

namespace Tether {

class ConnectionManager;
class ConnectionPresentation;
class OutageNotifier;

class TrayNotifier : public QObject
{
    Q_OBJECT

public:
    explicit TrayNotifier(QWidget *window, QObject *parent = nullptr);
    ~TrayNotifier() override;

    void setConnection(ConnectionManager *connection);
    // The icon and its tooltip follow this presentation (not owned).
    void setPresentation(ConnectionPresentation *presentation);
    StatusLogic::Headline headline() const;
    QString toolTip() const { return m_toolTip; }
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
    QPointer<ConnectionPresentation> m_presentation;
    QString m_toolTip;
    OutageNotifier *m_notifier = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    QMenu *m_menu = nullptr;
};

} // namespace Tether
