#include "statusindicator.h"

#include "connectionmanager.h"
#include "statepresentation.h"

#include <QElapsedTimer>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QTimer>

#include <memory>

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

static BannerLogic::Clock steadyClock()
{
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    return [timer] { return timer->elapsed(); };
}

StatusIndicator::StatusIndicator(QWidget *parent)
    : StatusIndicator(BannerLogic::Timing(), {}, parent)
{
}

StatusIndicator::StatusIndicator(const BannerLogic::Timing &timing, BannerLogic::Clock clock, QWidget *parent)
    : QWidget(parent)
    , m_logic(clock ? std::move(clock) : steadyClock(), timing)
    , m_timer(new QTimer(this))
    , m_dot(new QLabel(this))
    , m_icon(new QLabel(this))
    , m_text(new QLabel(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &StatusIndicator::evaluate);
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
    // fed exactly like the banner, so both decide alike
    connect(connection, &ConnectionManager::stateChanged, this, [this](ConnectionState state) {
        if (state != ConnectionState::Reconnecting)
            setConnectionState(state);
    });
    connect(connection, &ConnectionManager::reconnectScheduled, this,
            [this](int, int delayMs) { setConnectionState(ConnectionState::Reconnecting, delayMs); });
    connect(connection, &ConnectionManager::statsChanged, this, [this] { pullFromConnection(); });
    connect(connection, &ConnectionManager::closed, this, [this] { pullFromConnection(); });
    const ConnectionState state = connection->state();
    m_server = connection->displayUrl();
    m_stats = connection->stats();
    setConnectionState(state, state == ConnectionState::Reconnecting ? connection->msUntilNextAttempt() : -1);
}

void StatusIndicator::pullFromConnection()
{
    if (!m_connection)
        return;
    m_server = m_connection->displayUrl();
    m_stats = m_connection->stats();
    refresh();
}

void StatusIndicator::setConnectionState(ConnectionState state, qint64 nextAttemptInMs)
{
    m_logic.setState(state, nextAttemptInMs);
    evaluate();
}

void StatusIndicator::setTiming(const BannerLogic::Timing &timing)
{
    m_logic.setTiming(timing);
    evaluate();
}

void StatusIndicator::evaluate()
{
    display(m_logic.shownState());
    const qint64 next = m_logic.msUntilChange();
    if (next > 0)
        m_timer->start(int(qMin<qint64>(next, 60 * 60 * 1000)));
    else
        m_timer->stop();
}

void StatusIndicator::setState(ConnectionState state)
{
    m_timer->stop();
    display(state);
}

void StatusIndicator::display(ConnectionState state)
{
    if (state == m_state)
        return;
    m_state = state;
    refresh();
    Q_EMIT shownStateChanged(state);
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
