#pragma once
// Runs the connection checks support staff ask for, one after the other, against a server URL:
// DNS lookup, TCP connect, TLS handshake, HTTP /health, WebSocket handshake, ping round trips,
// the proxy in use and network reachability. Headless: used by the diagnostics dialog and by
// `tether --diagnose URL`.

#include "diagnosticcheck.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include <functional>

QT_BEGIN_NAMESPACE
class QWebSocket;
QT_END_NAMESPACE

namespace Tether {

struct DiagnosticsOptions
{
    int timeoutMs = 5000; // per network step
    int pings = 5;
    QString accessToken;  // optional: sent as a Bearer header on the WebSocket handshake, never shown
};

class DiagnosticsRunner : public QObject
{
    Q_OBJECT

public:
    explicit DiagnosticsRunner(QObject *parent = nullptr);
    ~DiagnosticsRunner() override;

    void setOptions(const DiagnosticsOptions &options) { m_options = options; }
    const DiagnosticsOptions &options() const { return m_options; }

    // url: the WebSocket URL (ws:// or wss://); http(s):// is accepted and mapped to /ws.
    void start(const QUrl &url);
    void cancel();
    bool isRunning() const { return m_running; }
    QUrl url() const { return m_url; }

    QList<DiagnosticCheck> results() const { return m_results; }
    bool allPassed() const; // no check failed (skipped ones do not count)

    // The checks in the order they run, with their translated titles.
    static QStringList checkIds();
    static QString checkTitle(const QString &id);

Q_SIGNALS:
    void checkStarted(const QString &id, const QString &title);
    void checkFinished(const Tether::DiagnosticCheck &check);
    void finished();

private:
    void next();
    void finish(DiagnosticCheck check);
    void skipRest(const QString &reason);
    DiagnosticCheck begin(const QString &id);
    // Runs fn after ms unless the step has already ended (generation changed).
    void guardTimeout(const std::function<void()> &fn);

    void checkNetwork();
    void checkProxy();
    void checkDns();
    void checkTcp();
    void checkTls();
    void checkHttp();
    void checkWebSocket();
    void checkPing();

    QUrl httpBaseUrl() const;
    bool secure() const;

    DiagnosticsOptions m_options;
    QUrl m_url;
    QList<DiagnosticCheck> m_results;
    QStringList m_pending;
    QString m_skipReason;
    QElapsedTimer m_stepTimer;
    quint64 m_generation = 0;
    bool m_running = false;
    bool m_webSocketOk = false;
    QObject *m_stepObjects = nullptr; // parent of everything a step creates; deleted when it ends
    QPointer<QWebSocket> m_webSocket; // opened by the handshake check, pinged by the next one
};

} // namespace Tether
