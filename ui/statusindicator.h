#pragma once
// The always-visible status-bar indicator: colour dot, icon and the one-line headline of the shared
// ConnectionPresentation ("Online", "Connection lost", "Not a Tether server"…), with a tooltip
// telling the whole story plus the server, the last close code and the round-trip time.

#include "connectionpresentation.h"

#include <QPointer>
#include <QWidget>

class QLabel;

namespace Tether {

class StatusIndicator : public QWidget
{
    Q_OBJECT

public:
    // Renders presentation (not owned).
    explicit StatusIndicator(ConnectionPresentation *presentation, QWidget *parent = nullptr);

    ConnectionPresentation *presentation() const { return m_presentation; }
    StatusLogic::Headline headline() const { return m_headline; } // the headline shown
    QString text() const;
    QString toolTipText() const;

Q_SIGNALS:
    void headlineChanged(Tether::StatusLogic::Headline headline);

protected:
    void changeEvent(QEvent *event) override;

private:
    void refresh();

    QPointer<ConnectionPresentation> m_presentation;
    StatusLogic::Headline m_headline = StatusLogic::Headline::Offline;
    QLabel *m_dot = nullptr;
    QLabel *m_icon = nullptr;
    QLabel *m_text = nullptr;
};

} // namespace Tether
