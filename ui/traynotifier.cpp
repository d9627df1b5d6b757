#include "traynotifier.h"

#include "connectionmanager.h"
#include "connectionpresentation.h"
#include "outagenotifier.h"

#include <QAction>
#include <QApplication>
#include <QEvent>
#include <QMenu>
#include <QSystemTrayIcon>
#include <QWidget>

namespace Tether {

TrayNotifier::TrayNotifier(QWidget *window, QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_notifier(new OutageNotifier(5000, this))
{
    connect(m_notifier, &OutageNotifier::connectionLost, this, [this] { notify(lostTitle(), lostMessage()); });
    connect(m_notifier, &OutageNotifier::connectionRestored, this,
            [this] { notify(restoredTitle(), restoredMessage()); });
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(this);
        m_menu = new QMenu;
        m_menu->addAction(QString(), this, [this] {
            if (m_window) {
                m_window->showNormal();
                m_window->raise();
                m_window->activateWindow();
            }
        });
        m_menu->addAction(QString(), qApp, &QApplication::quit);
        m_tray->setContextMenu(m_menu);
        connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
            if (reason == QSystemTrayIcon::Trigger && m_window) {
                m_window->showNormal();
                m_window->activateWindow();
            }
        });
        m_tray->show();
    }
    qApp->installEventFilter(this);
    retranslate();
    updateIcon();
}

TrayNotifier::~TrayNotifier()
{
    delete m_menu;
}

QString TrayNotifier::lostTitle()
{
    return tr("Connection lost");
}

QString TrayNotifier::lostMessage()
{
    return tr("Tether is reconnecting. Messages you write are kept and sent when the connection is back.");
}

QString TrayNotifier::restoredTitle()
{
    return tr("Connection restored");
}

QString TrayNotifier::restoredMessage()
{
    return tr("Tether is connected again; waiting messages are being sent.");
}

void TrayNotifier::setConnection(ConnectionManager *connection)
{
    if (m_connection)
        disconnect(m_connection, nullptr, this, nullptr);
    m_connection = connection;
    m_notifier->setConnection(connection);
}

void TrayNotifier::setPresentation(ConnectionPresentation *presentation)
{
    if (m_presentation)
        disconnect(m_presentation, nullptr, this, nullptr);
    m_presentation = presentation;
    if (presentation)
        connect(presentation, &ConnectionPresentation::viewChanged, this, &TrayNotifier::updateIcon);
    updateIcon();
}

StatusLogic::Headline TrayNotifier::headline() const
{
    return m_presentation ? m_presentation->view().headline : StatusLogic::Headline::Offline;
}

void TrayNotifier::notify(const QString &title, const QString &message)
{
    if (m_tray && QSystemTrayIcon::supportsMessages())
        m_tray->showMessage(title, message, QIcon(QStringLiteral(":/tether.svg")), 6000);
    Q_EMIT notified(title, message);
}

void TrayNotifier::updateIcon()
{
    const StatusLogic::Headline shown = headline();
    m_toolTip = m_presentation ? m_presentation->trayToolTip()
                               : ConnectionPresentation::headlineText(shown);
    if (!m_tray)
        return;
    m_tray->setIcon(shown == StatusLogic::Headline::Online ? QIcon(QStringLiteral(":/tether.svg"))
                                                           : QIcon(ConnectionPresentation::iconPath(shown)));
    m_tray->setToolTip(m_toolTip);
}

void TrayNotifier::retranslate()
{
    if (m_menu && m_menu->actions().size() >= 2) {
        m_menu->actions().at(0)->setText(tr("Show Tether"));
        m_menu->actions().at(1)->setText(tr("Quit"));
    }
    updateIcon();
}

bool TrayNotifier::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == qApp && event->type() == QEvent::LanguageChange)
        retranslate();
    return QObject::eventFilter(watched, event);
}

} // namespace Tether
