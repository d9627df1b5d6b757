#include "statusindicator.h"

#include "connectionmanager.h"
#include "statepresentation.h"

#include <QEvent>
#include <QHBoxLayout>
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

StatusIndicator::StatusIndicator(QWidget *parent)
    : QWidget(parent)
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
    setFocusPolicy(Qt::TabFocus); // reachable by keyboard so screen readers can announce it
    refresh();
}

void StatusIndicator::setConnection(ConnectionManager *connection)
{
    if (m_connection)
        disconnect(m_connection, nullptr, this, nullptr);
    m_connection = connection;
    if (!connection)
        return;
    connect(connection, &ConnectionManager::stateChanged, this, [this] { pullFromConnection(); });
    connect(connection, &ConnectionManager::statsChanged, this, [this] { pullFromConnection(); });
    connect(connection, &ConnectionManager::closed, this, [this] { pullFromConnection(); });
    pullFromConnection();
}

void StatusIndicator::pullFromConnection()
{
    if (!m_connection)
        return;
    m_state = m_connection->state();
    m_server = m_connection->displayUrl();
    m_stats = m_connection->stats();
    refresh();
}

void StatusIndicator::setState(ConnectionState state)
{
    m_state = state;
    refresh();
}

void StatusIndicator::setDetails(const QUrl &server, const ConnectionStats &stats)
{
    m_server = server;
    m_stats = stats;
    refresh();
}

QString StatusIndicator::text() const
{
    return m_text->text();
}

QString StatusIndicator::toolTipText() const
{
    QStringList lines;
    lines << tr("Connection: %1").arg(StatePresentation::text(m_state));
    lines << tr("Server: %1").arg(m_server.isEmpty() ? tr("not set")
                                                      : m_server.toDisplayString());
    QString close = StatePresentation::closeCodeText(m_stats.lastCloseCode);
    if (m_stats.lastCloseCode >= 0 && !m_stats.lastCloseReason.isEmpty())
        close += QStringLiteral(" — ") + m_stats.lastCloseReason;
    lines << tr("Last close: %1").arg(close);
    lines << (m_stats.rttLastMs >= 0 ? tr("Round trip: %1 ms").arg(m_stats.rttLastMs)
                                     : tr("Round trip: not measured yet"));
    return lines.join(QLatin1Char('\n'));
}

void StatusIndicator::refresh()
{
    const qreal dpr = devicePixelRatioF();
    m_dot->setPixmap(dotPixmap(StatePresentation::color(m_state), dpr));
    m_icon->setPixmap(StatePresentation::icon(m_state).pixmap(QSize(16, 16), dpr));
    m_text->setText(StatePresentation::text(m_state));
    const QString tip = toolTipText();
    setToolTip(tip);
    setAccessibleName(tr("Connection status: %1").arg(m_text->text()));
    setAccessibleDescription(tip);
    m_dot->setAccessibleName(tr("Status colour"));
    m_icon->setAccessibleName(tr("Status icon"));
}

void StatusIndicator::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        refresh();
    QWidget::changeEvent(event);
}

} // namespace Tether
