#include "connectionpresentation.h"

#include "transportdecider.h"

#include "closepolicy.h"
#include "statepresentation.h"

#include <QAbstractSocket>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTimer>

#include <memory>

namespace Tether {

using Action = StatusLogic::Action;
using Progress = StatusLogic::Progress;
using RetryOutcome = StatusLogic::RetryOutcome;

static StatusLogic::Clock steadyClock()
{
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    return [timer] { return timer->elapsed(); };
}

ConnectionPresentation::ConnectionPresentation(QObject *parent)
    : ConnectionPresentation(StatusTiming(), {}, parent)
{
}

ConnectionPresentation::ConnectionPresentation(const StatusTiming &timing, StatusLogic::Clock clock, QObject *parent)
    : QObject(parent)
    , m_logic(clock ? std::move(clock) : steadyClock(), timing)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    m_timer->setTimerType(Qt::PreciseTimer); // a countdown is on screen
    connect(m_timer, &QTimer::timeout, this, &ConnectionPresentation::refresh);
    m_view = m_logic.view();
    setWallClock({});
}

void ConnectionPresentation::setWallClock(std::function<QDateTime()> clock)
{
    m_wallClock = clock ? std::move(clock) : [] { return QDateTime::currentDateTimeUtc(); };
}

void ConnectionPresentation::setConnection(ConnectionManager *connection)
{
    if (m_connection)
        disconnect(m_connection, nullptr, this, nullptr);
    m_connection = connection;
    if (!connection)
        return;
    connect(connection, &ConnectionManager::stateChanged, this, [this](ConnectionState state) {
        setState(state, m_connection->attempt());
    });
    // Comes just before stateChanged(Reconnecting), with the wait.
    connect(connection, &ConnectionManager::reconnectScheduled, this,
            [this](int attempt, int delayMs) { m_logic.scheduleRetry(attempt, delayMs); });
    connect(connection, &ConnectionManager::errorOccurred, this,
            [this](ConnectionManager::Error error, const QString &message) {
                if (error == ConnectionManager::Error::PongTimeout) {
                    linkDead();
                    return;
                }
                const ConnectionState state = m_connection->state();
                // Errors of an open connection end in closed(); a refresh failing while connected is
                // retried quietly by the manager. Only failed attempts are news here.
                if (state != ConnectionState::Connecting && state != ConnectionState::RefreshingToken)
                    return;
                int http = 0;
                const Cause cause = classify(error, message, m_connection->stats().lastSocketError, &http);
                if (cause != Cause::None)
                    attemptFailed(cause, http);
            });
    connect(connection, &ConnectionManager::closed, this, [this](int code, const QString &reason) {
        closed(code, retryAfterFromReason(reason));
    });
    connect(connection, &ConnectionManager::statsChanged, this, &ConnectionPresentation::pullDetails);
    connect(connection, &ConnectionManager::transportChanged, this, [this] {
        pullDetails();
        refresh();
    });
    const ConnectionState state = connection->state();
    if (state == ConnectionState::Reconnecting)
        m_logic.scheduleRetry(connection->attempt(), qMax<qint64>(0, connection->msUntilNextAttempt()));
    pullDetails();
    setState(state, connection->attempt());
}

void ConnectionPresentation::pullDetails()
{
    if (!m_connection)
        return;
    m_server = m_connection->displayUrl();
    m_stats = m_connection->stats();
    m_stats.lastFrameAt = m_connection->lastFrameAt();
    m_transport = m_connection->transport();
    m_fallbackReason = m_connection->fallbackReason();
    Q_EMIT detailsChanged();
}

void ConnectionPresentation::setTransport(const QString &transport, const QString &fallbackReason)
{
    m_transport = transport;
    m_fallbackReason = fallbackReason;
    Q_EMIT detailsChanged();
}

QString ConnectionPresentation::headline() const
{
    // On long polling the status says so: fallen back to (and why, in the tooltip), or chosen in
    // Settings; either way not WebSocket, and support asks which.
    if (m_view.headline == Headline::Online && state() == ConnectionState::Connected
        && m_transport == QLatin1String("long-poll"))
        return isOnHttpFallback() ? tr("Connected (HTTP fallback)") : tr("Connected (HTTP long-polling)");
    return headlineText(m_view.headline);
}

QString ConnectionPresentation::fallbackText(const QString &reason)
{
    const int status = TransportDecider::httpStatusIn(reason);
    if (status != 0)
        return tr("WebSocket is blocked on the way to the server (HTTP %1 to the upgrade): messages go over HTTP.").arg(status);
    if (reason.contains(QLatin1String("proxy")))
        return tr("The proxy does not let WebSocket through: messages go over HTTP.");
    if (reason.contains(QLatin1String("reset")))
        return tr("The WebSocket upgrade is cut off on the way to the server: messages go over HTTP.");
    return tr("The WebSocket upgrade gets no answer: messages go over HTTP.");
}

void ConnectionPresentation::setDetails(const QUrl &server, const ConnectionStats &stats)
{
    m_server = server;
    m_stats = stats;
    Q_EMIT detailsChanged();
}

void ConnectionPresentation::setState(ConnectionState state, int attempt)
{
    m_logic.setState(state, attempt);
    refresh();
}

void ConnectionPresentation::scheduleRetry(int attempt, qint64 delayMs)
{
    m_logic.scheduleRetry(attempt, delayMs);
    refresh();
}

void ConnectionPresentation::attemptFailed(Cause cause, int httpStatus)
{
    m_logic.attemptFailed(cause, httpStatus);
    refresh();
}

void ConnectionPresentation::linkDead()
{
    m_logic.linkDead();
    refresh();
}

void ConnectionPresentation::closed(int code, qint64 retryAfterMs)
{
    m_logic.closed(code, retryAfterMs);
    refresh();
}

void ConnectionPresentation::setTiming(const StatusTiming &timing)
{
    m_logic.setTiming(timing);
    refresh();
}

void ConnectionPresentation::retryNow()
{
    // First the note, then the request: the manager announces the new attempt synchronously.
    m_logic.retryRequested();
    Q_EMIT retryRequested();
    if (m_connection)
        m_connection->reconnectNow();
    refresh();
}

void ConnectionPresentation::refresh()
{
    const View v = m_logic.view();
    const bool changed = v != m_view;
    m_view = v;
    const qint64 next = m_logic.msUntilChange();
    if (next > 0)
        m_timer->start(int(qMin<qint64>(next, 60 * 60 * 1000)));
    else
        m_timer->stop();
    if (changed)
        Q_EMIT viewChanged(v);
}

ConnectionPresentation::Cause ConnectionPresentation::classify(ConnectionManager::Error error, const QString &message,
                                                               int socketError, int *httpStatus)
{
    if (httpStatus)
        *httpStatus = 0;
    switch (error) {
    case ConnectionManager::Error::HandshakeTimeout:
        return Cause::NoAnswer;
    case ConnectionManager::Error::TokenRefreshFailed:
        return Cause::NetworkError;
    case ConnectionManager::Error::SocketError:
        break;
    default:
        return Cause::None;
    }
    // Qt 6.4 reports a refused upgrade only in its (untranslated) QWebSocket error string:
    // "QWebSocketPrivate::processHandshake: Unhandled http status code: 404 (Not Found)."
    static const QRegularExpression status(QStringLiteral("status code: (\\d{3})\\b"));
    const QRegularExpressionMatch m = status.match(message);
    if (m.hasMatch()) {
        const int code = m.captured(1).toInt();
        if (code == 401)
            return Cause::None; // the manager refreshes and retries, or signs out: its own story
        if (httpStatus)
            *httpStatus = code;
        return Cause::HttpStatus;
    }
    if (message.startsWith(QLatin1String("TLS"))) // the manager's prefix for certificate errors
        return Cause::Certificate;
    switch (QAbstractSocket::SocketError(socketError)) {
    case QAbstractSocket::ConnectionRefusedError:
        return Cause::NothingListening;
    case QAbstractSocket::HostNotFoundError:
        return Cause::HostNotFound;
    case QAbstractSocket::SocketTimeoutError:
        return Cause::NoAnswer;
    case QAbstractSocket::RemoteHostClosedError:
        return Cause::Dropped;
    case QAbstractSocket::ProxyAuthenticationRequiredError:
    case QAbstractSocket::ProxyConnectionRefusedError:
    case QAbstractSocket::ProxyConnectionClosedError:
    case QAbstractSocket::ProxyConnectionTimeoutError:
    case QAbstractSocket::ProxyNotFoundError:
    case QAbstractSocket::ProxyProtocolError:
        return Cause::ProxyError;
    default:
        break;
    }
    return Cause::NetworkError;
}

QString ConnectionPresentation::headlineText(Headline headline)
{
    switch (headline) {
    case Headline::Offline: return tr("Offline");
    case Headline::Online: return tr("Online");
    case Headline::Connecting: return tr("Connecting…");
    case Headline::SigningIn: return tr("Signing in…");
    case Headline::Lost: return tr("Connection lost");
    case Headline::Unreachable: return tr("Server unreachable");
    case Headline::NotTether: return tr("Not a Tether server");
    case Headline::ServerRefused: return tr("Server refused");
    case Headline::Certificate: return tr("Certificate not trusted");
    case Headline::Restarting: return tr("Server restarting");
    case Headline::NoNetwork: return tr("No network");
    case Headline::AccessRefused: return tr("Access refused");
    case Headline::SessionExpired: return tr("Signed out");
    case Headline::Failed: return tr("Connection failed");
    }
    return QString();
}

QString ConnectionPresentation::causeText(const View &v)
{
    switch (v.cause) {
    case Cause::DeadLink: return tr("The server stopped answering.");
    case Cause::NothingListening: return tr("Nothing answers at this address.");
    case Cause::HostNotFound: return tr("The server name was not found.");
    case Cause::NoAnswer: return tr("The server did not answer in time.");
    case Cause::NetworkError: return tr("The network connection failed.");
    case Cause::ProxyError: return tr("The proxy did not let the connection through.");
    case Cause::ServerBusy: return tr("The server is busy.");
    case Cause::Certificate: return tr("The server's certificate is not trusted.");
    case Cause::HttpStatus:
        return v.httpStatus == 404 ? tr("Not a Tether server at this address (HTTP %1).").arg(v.httpStatus)
                                   : tr("The server refused the connection (HTTP %1).").arg(v.httpStatus);
    case Cause::AccessRefused: return tr("Access refused by the server (%1).").arg(v.closeCode);
    case Cause::ServerRestart: return tr("The server is restarting.");
    case Cause::Dropped:
    case Cause::None:
        break;
    }
    return QString();
}

QString ConnectionPresentation::bannerText(const View &v)
{
    if (!v.banner)
        return QString();
    if (v.progress == Progress::Restored)
        return tr("Connected");

    QStringList parts;
    bool withCause = false;
    switch (v.headline) {
    case Headline::Lost:
        parts << tr("Connection lost.");
        withCause = true;
        break;
    case Headline::Unreachable:
        parts << tr("Could not reach the server.");
        withCause = true;
        break;
    case Headline::NotTether:
    case Headline::ServerRefused:
    case Headline::Certificate:
    case Headline::AccessRefused:
        parts << causeText(v); // the refusal is the news
        break;
    case Headline::Restarting:
        // One sentence: the server said when it will be back.
        if (v.progress == Progress::Countdown)
            return tr("Server restarting — back in %n s.", nullptr, v.seconds);
        return tr("Server restarting — connecting… (attempt %1)").arg(v.attempt);
    case Headline::NoNetwork:
        return tr("Waiting for network…");
    case Headline::SessionExpired:
        return tr("Session expired: sign in again to keep chatting.");
    case Headline::Failed:
        parts << tr("Could not connect after %n attempts.", nullptr, v.attempt);
        withCause = true;
        break;
    case Headline::Connecting:
    case Headline::SigningIn:
    case Headline::Online:
    case Headline::Offline:
        break;
    }
    if (v.retry == RetryOutcome::Failed)
        parts << tr("Tried again just now, without success.");
    if (withCause) {
        const QString cause = causeText(v);
        if (!cause.isEmpty())
            parts << cause;
    }
    switch (v.progress) {
    case Progress::Countdown:
        parts << (v.headline == Headline::Lost ? tr("Reconnecting in %n s…", nullptr, v.seconds)
                                               : tr("Retrying in %n s…", nullptr, v.seconds));
        break;
    case Progress::Attempt:
        if (v.retry == RetryOutcome::Trying)
            parts << tr("Trying again now… (attempt %1)").arg(v.attempt);
        else if (v.attempt <= 0)
            parts << tr("Connecting…");
        else if (v.seconds <= 0)
            parts << tr("Connecting… (attempt %1)").arg(v.attempt);
        else
            parts << tr("Connecting… (attempt %1, %2 s)").arg(v.attempt).arg(v.seconds);
        break;
    case Progress::SigningIn:
        parts << tr("Signing in…");
        break;
    case Progress::None:
    case Progress::Restored:
        break;
    }
    parts.removeAll(QString());
    return parts.join(QLatin1Char(' '));
}

QString ConnectionPresentation::lastHeardText(const QDateTime &lastFrameAt, const QDateTime &now)
{
    if (!lastFrameAt.isValid())
        return QString();
    // A wall clock set back must not give "-3 s ago".
    const qint64 seconds = qMax<qint64>(0, lastFrameAt.secsTo(now));
    if (seconds < 120)
        return tr("Last heard from the server %n s ago.", nullptr, int(seconds));
    if (seconds < 2 * 3600)
        return tr("Last heard from the server %n min ago.", nullptr, int(seconds / 60));
    return tr("Last heard from the server %n h ago.", nullptr, int(qMin<qint64>(seconds / 3600, 1000000)));
}

bool ConnectionPresentation::isReconnecting() const
{
    switch (m_logic.state()) {
    case ConnectionState::Reconnecting:
    case ConnectionState::Connecting:
    case ConnectionState::RefreshingToken:
    case ConnectionState::WaitingForNetwork:
        return true;
    default:
        return false;
    }
}

QString ConnectionPresentation::bannerText() const
{
    const QString story = bannerText(m_view);
    if (story.isEmpty() || m_view.progress == Progress::Restored || !isReconnecting())
        return story;
    const QString heard = lastHeardText();
    return heard.isEmpty() ? story : story + QLatin1Char(' ') + heard;
}

QString ConnectionPresentation::actionText(StatusLogic::Action action)
{
    switch (action) {
    case Action::RetryNow: return tr("Retry now");
    case Action::Retry: return tr("Retry");
    case Action::SignIn: return tr("Sign in");
    case Action::None: break;
    }
    return QString();
}

QString ConnectionPresentation::toolTipText() const
{
    QStringList lines;
    lines << tr("Connection: %1").arg(headline());
    const QString story = bannerText();
    if (!story.isEmpty() && m_view.progress != Progress::Restored)
        lines << story;
    if (state() == ConnectionState::Connected && isOnHttpFallback())
        lines << fallbackText(m_fallbackReason);
    lines << tr("Server: %1").arg(m_server.isEmpty() ? tr("not set") : m_server.toDisplayString());
    // The close code in words; the server's raw reason text stays in the diagnostics.
    lines << tr("Last close: %1").arg(StatePresentation::closeCodeText(m_stats.lastCloseCode));
    lines << (m_stats.rttLastMs >= 0 ? tr("Round trip: %1 ms").arg(m_stats.rttLastMs)
                                     : tr("Round trip: not measured yet"));
    // The banner's story already says it while reconnecting; otherwise it is a line of its own.
    if (story.isEmpty() || m_view.progress == Progress::Restored || !isReconnecting()) {
        const QString heard = lastHeardText();
        lines << (heard.isEmpty() ? tr("Not heard from the server yet.") : heard);
    }
    return lines.join(QLatin1Char('\n'));
}

QString ConnectionPresentation::trayToolTip() const
{
    const QString story = m_view.banner && m_view.progress != Progress::Restored ? bannerText() : QString();
    return story.isEmpty() ? tr("Tether: %1").arg(headline())
                           : tr("Tether: %1").arg(headline()) + QLatin1Char('\n') + story;
}

bool ConnectionPresentation::isProblem(Headline headline)
{
    switch (headline) {
    case Headline::NotTether:
    case Headline::ServerRefused:
    case Headline::Certificate:
    case Headline::AccessRefused:
    case Headline::SessionExpired:
    case Headline::Failed:
        return true;
    default:
        break;
    }
    return false;
}

QColor ConnectionPresentation::color(Headline headline)
{
    if (isProblem(headline))
        return QColor(0xc8, 0x37, 0x2d);
    switch (headline) {
    case Headline::Online:
        return QColor(0x2e, 0x9e, 0x5b);
    case Headline::Connecting:
    case Headline::SigningIn:
    case Headline::Lost:
    case Headline::Unreachable:
    case Headline::Restarting:
        return QColor(0xd9, 0x8c, 0x00);
    default:
        break;
    }
    return QColor(0x7a, 0x7f, 0x87);
}

QString ConnectionPresentation::iconPath(Headline headline)
{
    if (isProblem(headline))
        return QStringLiteral(":/icons/state-error.svg");
    switch (headline) {
    case Headline::Online:
        return QStringLiteral(":/icons/state-connected.svg");
    case Headline::Connecting:
    case Headline::SigningIn:
    case Headline::Lost:
    case Headline::Unreachable:
    case Headline::Restarting:
        return QStringLiteral(":/icons/state-connecting.svg");
    default:
        break;
    }
    return QStringLiteral(":/icons/state-offline.svg");
}

} // namespace Tether
