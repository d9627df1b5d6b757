#pragma once
// Runs the connection checks support staff ask for, one after the other, against a server URL:
// DNS lookup, TCP connect, TLS handshake, HTTP /health, WebSocket handshake, ping round trips,
// the proxy in use and network reachability. Headless: used by the diagnostics dialog and by
// `tether --diagnose URL`. The checks themselves live in NetworkPathChecks, ServerChecks and
// LocalChecks; each runs in its own DiagnosticStep.

#include "diagnosticcheck.h"
#include "diagnosticsoptions.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QUrl>

namespace Tether {

class DiagnosticStep;
class Transport;

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
    void onStepFinished(DiagnosticCheck check, const QString &skipRest);

    DiagnosticsOptions m_options;
    QUrl m_url;
    QList<DiagnosticCheck> m_results;
    QStringList m_pending;
    QString m_skipReason;
    bool m_running = false;
    QPointer<DiagnosticStep> m_step;  // the check under way
    QPointer<Transport> m_link;       // opened by the handshake check, pinged by the next one
};

} // namespace Tether
