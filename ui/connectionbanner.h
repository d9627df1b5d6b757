#pragma once
// The banner above the messages whenever the connection is not fine: what happened, why, the
// attempt under way or the countdown to the next one, "Retry now", "Sign in" and a way into
// diagnostics when the server answers but refuses; "Connected" briefly on restore. What it says is
// the shared ConnectionPresentation's story; this widget only renders it.

#include "connectionpresentation.h"

#include <QFrame>
#include <QPointer>

class QLabel;
class QPushButton;

namespace Tether {

class ConnectionBanner : public QFrame
{
    Q_OBJECT

public:
    // Renders presentation (not owned; it must outlive the banner or be its ancestor's child).
    explicit ConnectionBanner(ConnectionPresentation *presentation, QWidget *parent = nullptr);

    ConnectionPresentation *presentation() const { return m_presentation; }
    StatusLogic::View view() const { return m_presentation->view(); }
    QString text() const;
    // A notice that is not about the connection (e.g. the local store was replaced): shown under
    // the connection's story, with the banner visible, until set empty.
    void setNotice(const QString &notice);
    QString actionText() const; // empty when there is no button
    QPushButton *actionButton() const { return m_action; }
    QPushButton *diagnosticsButton() const { return m_diagnostics; }

Q_SIGNALS:
    void signInRequested();
    void diagnosticsRequested();

protected:
    void changeEvent(QEvent *event) override;

private:
    void render();
    void onAction();

    QPointer<ConnectionPresentation> m_presentation;
    QLabel *m_icon = nullptr;
    QLabel *m_text = nullptr;
    QPushButton *m_action = nullptr;
    QPushButton *m_diagnostics = nullptr;
    QString m_notice;
};

} // namespace Tether
