#include "connectionbanner.h"

#include "connectionmanager.h"

#include <QElapsedTimer>
#include <QEvent>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QPushButton>
#include <QTimer>

namespace Tether {

static BannerLogic::Clock steadyClock()
{
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    return [timer] { return timer->elapsed(); };
}

ConnectionBanner::ConnectionBanner(QWidget *parent)
    : ConnectionBanner(BannerLogic::Timing(), {}, parent)
{
}

ConnectionBanner::ConnectionBanner(const BannerLogic::Timing &timing, BannerLogic::Clock clock,
                                   QWidget *parent)
    : QFrame(parent)
    , m_logic(clock ? std::move(clock) : steadyClock(), timing)
{
    setup();
}

void ConnectionBanner::setup()
{
    setObjectName(QStringLiteral("connectionBanner"));
    setFrameShape(QFrame::NoFrame);
    setAutoFillBackground(true);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 10, 6);
    m_icon = new QLabel(this);
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("bannerText"));
    m_action = new QPushButton(this);
    m_action->setObjectName(QStringLiteral("bannerAction"));
    m_action->setAutoDefault(false);
    layout->addWidget(m_icon);
    layout->addWidget(m_text);
    layout->addWidget(m_action); // right after the words it belongs to: "… — [Retry]"
    layout->addStretch(1);
    connect(m_action, &QPushButton::clicked, this, &ConnectionBanner::onAction);

    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    m_timer->setTimerType(Qt::PreciseTimer);
    connect(m_timer, &QTimer::timeout, this, &ConnectionBanner::refresh);

    m_shown = m_logic.view();
    render();
}

void ConnectionBanner::setConnection(ConnectionManager *connection)
{
    if (m_connection)
        disconnect(m_connection, nullptr, this, nullptr);
    m_connection = connection;
    if (!connection)
        return;
    connect(connection, &ConnectionManager::stateChanged, this, [this](ConnectionState state) {
        if (state == ConnectionState::Reconnecting)
            return; // reconnectScheduled carries the delay; msUntilNextAttempt may not be set yet
        setState(state, -1, m_connection->attempt());
    });
    connect(connection, &ConnectionManager::reconnectScheduled, this, [this](int attempt, int delayMs) {
        setState(ConnectionState::Reconnecting, delayMs, attempt);
    });
    connect(this, &ConnectionBanner::retryRequested, connection, &ConnectionManager::reconnectNow);
    const ConnectionState state = connection->state();
    setState(state, state == ConnectionState::Reconnecting ? connection->msUntilNextAttempt() : -1,
             connection->attempt());
}

void ConnectionBanner::setState(ConnectionState state, qint64 nextAttemptInMs, int attempts)
{
    m_logic.setState(state, nextAttemptInMs, attempts);
    refresh();
}

void ConnectionBanner::setTiming(const BannerLogic::Timing &timing)
{
    m_logic.setTiming(timing);
    refresh();
}

void ConnectionBanner::refresh()
{
    const BannerLogic::View v = m_logic.view();
    const bool changed = v != m_shown;
    m_shown = v;
    render();
    const qint64 next = m_logic.msUntilChange();
    if (next > 0)
        m_timer->start(int(qMin<qint64>(next, 60 * 60 * 1000)));
    else
        m_timer->stop();
    if (changed)
        Q_EMIT viewChanged(v);
}

QString ConnectionBanner::text() const
{
    return m_text->text();
}

QString ConnectionBanner::actionText() const
{
    return m_action->isHidden() ? QString() : m_action->text();
}

void ConnectionBanner::render()
{
    using Kind = BannerLogic::Kind;
    QString text;
    QString action;
    QString iconPath = QStringLiteral(":/icons/state-connecting.svg");
    QColor background(0xfd, 0xf3, 0xdc);
    switch (m_shown.kind) {
    case Kind::Hidden:
        break;
    case Kind::Connecting:
        text = tr("Connecting…");
        break;
    case Kind::Countdown:
        // "Connection lost" would be untrue when there never was one (a wrong address, a server down at launch).
        text = m_shown.neverConnected ? tr("Could not reach the server. Retrying in %n s…", nullptr, m_shown.seconds)
                                      : tr("Connection lost. Reconnecting in %n s…", nullptr, m_shown.seconds);
        action = tr("Retry now");
        break;
    case Kind::WaitingForNetwork:
        text = tr("Waiting for network…");
        iconPath = QStringLiteral(":/icons/state-offline.svg");
        background = QColor(0xec, 0xee, 0xf1);
        break;
    case Kind::SessionExpired:
        text = tr("Session expired —");
        action = tr("Sign in");
        iconPath = QStringLiteral(":/icons/state-error.svg");
        background = QColor(0xfb, 0xe3, 0xe1);
        break;
    case Kind::Failed:
        text = tr("Could not connect after %n attempts —", nullptr, m_shown.attempts);
        action = tr("Retry");
        iconPath = QStringLiteral(":/icons/state-error.svg");
        background = QColor(0xfb, 0xe3, 0xe1);
        break;
    case Kind::Restored:
        text = tr("Connected");
        iconPath = QStringLiteral(":/icons/state-connected.svg");
        background = QColor(0xe0, 0xf4, 0xe8);
        break;
    }
    QPalette pal = palette();
    pal.setColor(QPalette::Window, background);
    pal.setColor(QPalette::WindowText, QColor(0x20, 0x22, 0x26));
    setPalette(pal);
    m_icon->setPixmap(QIcon(iconPath).pixmap(QSize(16, 16), devicePixelRatioF()));
    m_text->setText(text);
    m_action->setText(action);
    m_action->setVisible(!action.isEmpty());
    m_action->setAccessibleName(action.isEmpty() ? tr("Connection action") : action);
    m_text->setAccessibleName(text);
    m_icon->setAccessibleName(tr("Connection status icon"));
    setAccessibleName(tr("Connection banner"));
    setAccessibleDescription(text);
    setVisible(m_shown.kind != Kind::Hidden);
}

void ConnectionBanner::onAction()
{
    if (m_shown.kind == BannerLogic::Kind::SessionExpired)
        Q_EMIT signInRequested();
    else
        Q_EMIT retryRequested();
}

void ConnectionBanner::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        render();
    QFrame::changeEvent(event);
}

} // namespace Tether
