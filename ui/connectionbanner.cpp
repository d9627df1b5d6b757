#include "connectionbanner.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QPushButton>

namespace Tether {

using Headline = StatusLogic::Headline;

ConnectionBanner::ConnectionBanner(ConnectionPresentation *presentation, QWidget *parent)
    : QFrame(parent)
    , m_presentation(presentation)
{
    setObjectName(QStringLiteral("connectionBanner"));
    setFrameShape(QFrame::NoFrame);
    setAutoFillBackground(true);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 10, 6);
    m_icon = new QLabel(this);
    m_icon->setAlignment(Qt::AlignTop);
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("bannerText"));
    m_text->setTextFormat(Qt::PlainText); // the story may quote a server's error message
    // The story can take two lines in Russian at the smallest window size: wrap, never clip.
    m_text->setWordWrap(true);
    m_text->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_action = new QPushButton(this);
    m_action->setObjectName(QStringLiteral("bannerAction"));
    m_action->setAutoDefault(false);
    m_diagnostics = new QPushButton(this);
    m_diagnostics->setObjectName(QStringLiteral("bannerDiagnostics"));
    m_diagnostics->setAutoDefault(false);
    layout->addWidget(m_icon);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_action);
    layout->addWidget(m_diagnostics);
    connect(m_action, &QPushButton::clicked, this, &ConnectionBanner::onAction);
    connect(m_diagnostics, &QPushButton::clicked, this, &ConnectionBanner::diagnosticsRequested);
    connect(presentation, &ConnectionPresentation::viewChanged, this, &ConnectionBanner::render);
    // "Last heard N s ago" moves with the details too, not only with the view.
    connect(presentation, &ConnectionPresentation::detailsChanged, this, &ConnectionBanner::render);
    render();
}

QString ConnectionBanner::text() const
{
    return m_text->text();
}

QString ConnectionBanner::actionText() const
{
    return m_action->isHidden() ? QString() : m_action->text();
}

void ConnectionBanner::setNotice(const QString &notice)
{
    m_notice = notice;
    render();
}

void ConnectionBanner::render()
{
    if (!m_presentation)
        return;
    const StatusLogic::View v = m_presentation->view();
    const QString story = m_presentation->bannerText(); // the view's story, and when we last heard
    const QString text = m_notice.isEmpty() ? story
                         : story.isEmpty()  ? m_notice
                                            : story + QLatin1Char('\n') + m_notice;
    const QString action = ConnectionPresentation::actionText(v.action);
    QColor background(0xfd, 0xf3, 0xdc);
    Headline look = v.headline;
    if (v.progress == StatusLogic::Progress::Restored) {
        look = Headline::Online;
        background = QColor(0xe0, 0xf4, 0xe8);
    } else if (ConnectionPresentation::isProblem(v.headline)) {
        background = QColor(0xfb, 0xe3, 0xe1);
    } else if (v.headline == Headline::NoNetwork) {
        background = QColor(0xec, 0xee, 0xf1);
    }
    QPalette pal = palette();
    pal.setColor(QPalette::Window, background);
    pal.setColor(QPalette::WindowText, QColor(0x20, 0x22, 0x26));
    setPalette(pal);
    m_icon->setPixmap(QIcon(ConnectionPresentation::iconPath(look)).pixmap(QSize(16, 16), devicePixelRatioF()));
    m_icon->setAccessibleName(tr("Connection status icon"));
    m_text->setText(text);
    m_text->setAccessibleName(text);
    m_action->setText(action);
    m_action->setVisible(!action.isEmpty());
    // Kept in place while an attempt is under way (no jumping), but there is nothing to skip then.
    m_action->setEnabled(v.actionEnabled);
    m_action->setAccessibleName(action.isEmpty() ? tr("Connection action") : action);
    m_action->setToolTip(v.action == StatusLogic::Action::SignIn ? tr("Sign in again to keep chatting")
                                                                : tr("Try to connect now instead of waiting"));
    m_diagnostics->setText(tr("Diagnostics…"));
    m_diagnostics->setAccessibleName(tr("Open the connection diagnostics"));
    m_diagnostics->setVisible(v.diagnostics);
    // A screen reader hears the whole story when it lands on the banner, and again when it changes.
    setAccessibleName(text.isEmpty() ? tr("Connection banner") : tr("Connection: %1").arg(text));
    setAccessibleDescription(text);
    setVisible(v.banner || !m_notice.isEmpty());
}

void ConnectionBanner::onAction()
{
    if (!m_presentation)
        return;
    if (m_presentation->view().action == StatusLogic::Action::SignIn)
        Q_EMIT signInRequested();
    else
        m_presentation->retryNow();
}

void ConnectionBanner::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        render();
    QFrame::changeEvent(event);
}

} // namespace Tether
