#pragma once
// ConnectionPresentation is the one presentation of the connection state: fed by a
// ConnectionManager's signals, decided by StatusLogic, and read by the banner, the status
// indicator, the tray and their tooltips, so that all of them tell the same story in the same words.

#include "connectionmanager.h"
#include "connectionstats.h"
#include "statuslogic.h"

#include <QColor>
#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include <functional>

class QTimer;

namespace Tether {

class ConnectionPresentation : public QObject
{
    Q_OBJECT

public:
    using View = StatusLogic::View;
    using Headline = StatusLogic::Headline;
    using Cause = StatusLogic::Cause;

    explicit ConnectionPresentation(QObject *parent = nullptr);
    // For tests and screenshots: custom timing, and a custom clock (empty = the real one).
    explicit ConnectionPresentation(const StatusTiming &timing, StatusLogic::Clock clock = {},
                                    QObject *parent = nullptr);

    // Follows a manager from now on (nullptr detaches).
    void setConnection(ConnectionManager *connection);
    ConnectionManager *connection() const { return m_connection; }

    // The inputs, for tests and screenshots without a manager (a manager feeds them itself).
    void setState(ConnectionState state, int attempt = 0);
    void scheduleRetry(int attempt, qint64 delayMs);
    void attemptFailed(Cause cause, int httpStatus = 0);
    void linkDead();
    void closed(int code, qint64 retryAfterMs = -1);
    void setDetails(const QUrl &server, const ConnectionStats &stats);
    // The transport in use ("websocket", "long-poll") and why auto fell back to HTTP (empty: it did not).
    void setTransport(const QString &transport, const QString &fallbackReason);
    bool isOnHttpFallback() const { return m_transport == QLatin1String("long-poll") && !m_fallbackReason.isEmpty(); }

    void setTiming(const StatusTiming &timing);
    const StatusTiming &timing() const { return m_logic.timing(); }

    View view() const { return m_view; }
    ConnectionState state() const { return m_logic.state(); }
    QUrl server() const { return m_server; }
    ConnectionStats stats() const { return m_stats; }

    // For tests and screenshots: the wall clock "last heard N s ago" is measured against (UTC).
    void setWallClock(std::function<QDateTime()> clock);

    // The words, in the current language.
    // Online on the long-polling fallback: "Connected (HTTP fallback)".
    QString headline() const;
    // The banner's story; while reconnecting it ends with when the server was last heard from.
    QString bannerText() const;
    QString actionText() const { return actionText(m_view.action); }
    QString toolTipText() const;
    QString trayToolTip() const;

    static QString headlineText(Headline headline);
    static QString bannerText(const View &view);
    static QString actionText(StatusLogic::Action action);
    // One sentence on why the link ended or the attempt failed; empty when there is nothing to add.
    static QString causeText(const View &view);
    // "Last heard from the server N s ago." from the time of the last frame; empty if none ever came.
    static QString lastHeardText(const QDateTime &lastFrameAt, const QDateTime &now);
    // Why the link runs over HTTP, from TransportDecider::describe()'s English: one sentence.
    static QString fallbackText(const QString &reason);
    static QColor color(Headline headline);
    static QString iconPath(Headline headline);
    static bool isProblem(Headline headline); // something the user may have to act on (red)

    // What the manager's error means: the socket error code, the HTTP status of a refused upgrade.
    static Cause classify(ConnectionManager::Error error, const QString &message, int socketError,
                          int *httpStatus);

public Q_SLOTS:
    // "Retry now" / "Retry": remembers that the user asked (the banner then says what came of it),
    // then asks the manager.
    void retryNow();
    // Re-evaluates now (the internal timer does this on its own).
    void refresh();

Q_SIGNALS:
    void viewChanged(const Tether::StatusLogic::View &view);
    void detailsChanged();
    void retryRequested();

private:
    void pullDetails();
    bool isReconnecting() const;
    QString lastHeardText() const { return lastHeardText(m_stats.lastFrameAt, m_wallClock()); }

    StatusLogic m_logic;
    View m_view;
    QTimer *m_timer = nullptr;
    QPointer<ConnectionManager> m_connection;
    QUrl m_server;
    ConnectionStats m_stats;
    QString m_transport;
    QString m_fallbackReason;
    std::function<QDateTime()> m_wallClock;
};

} // namespace Tether
