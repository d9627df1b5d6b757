#include "statusindicator.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QPainter>
#include <QPixmap>

namespace Tether {

static QPixmap dotPixmap(const QColor &color, qreal dpr)
{
    const int size = 10;
    QPixmap pixmap(QSize(size, size) * dpr);
    pixmap.setDevicePixelRatio(dpr);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    painter.drawEllipse(QRectF(1, 1, size - 2, size - 2));
    return pixmap;
}

StatusIndicator::StatusIndicator(ConnectionPresentation *presentation, QWidget *parent)
    : QWidget(parent)
    , m_presentation(presentation)
    , m_dot(new QLabel(this))
    , m_icon(new QLabel(this))
    , m_text(new QLabel(this))
{
    setObjectName(QStringLiteral("statusIndicator"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->setSpacing(5);
    layout->addWidget(m_dot);
    layout->addWidget(m_icon);
    layout->addWidget(m_text);
    m_text->setObjectName(QStringLiteral("statusText"));
    m_text->setTextFormat(Qt::PlainText);
    setFocusPolicy(Qt::TabFocus); // reachable by keyboard so screen readers can announce it
    connect(presentation, &ConnectionPresentation::viewChanged, this, &StatusIndicator::refresh);
    connect(presentation, &ConnectionPresentation::detailsChanged, this, &StatusIndicator::refresh);
    refresh();
}

QString StatusIndicator::text() const
{
    return m_text->text();
}

QString StatusIndicator::toolTipText() const
{
    return m_presentation ? m_presentation->toolTipText() : QString();
}

void StatusIndicator::refresh()
{
    if (!m_presentation)
        return;
    const StatusLogic::Headline headline = m_presentation->view().headline;
    const qreal dpr = devicePixelRatioF();
    m_dot->setPixmap(dotPixmap(ConnectionPresentation::color(headline), dpr));
    m_icon->setPixmap(QIcon(ConnectionPresentation::iconPath(headline)).pixmap(QSize(16, 16), dpr));
    m_text->setText(m_presentation->headline()); // says "HTTP fallback" too, as the tooltip does
    const QString tip = toolTipText();
    setToolTip(tip);
    setAccessibleName(tr("Connection status: %1").arg(m_text->text()));
    setAccessibleDescription(tip);
    m_dot->setAccessibleName(tr("Status colour"));
    m_icon->setAccessibleName(tr("Status icon"));
    if (headline != m_headline) {
        m_headline = headline;
        Q_EMIT headlineChanged(headline);
    }
}

void StatusIndicator::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        refresh();
    QWidget::changeEvent(event);
}

} // namespace Tether
