#pragma once
// One support report: environment, live connection figures, check results and the recent event
// log, as readable text and as JSON, with every secret redacted.

#include "connectionevent.h"
#include "connectionstate.h"
#include "connectionstats.h"
#include "diagnosticcheck.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QUrl>

namespace Tether {

class ConnectionManager;

// The live side of a report, taken from a ConnectionManager (or built by hand in tests).
struct DiagnosticsSnapshot
{
    bool valid = false;
    ConnectionState state = ConnectionState::Disconnected;
    QUrl server;
    ConnectionStats stats;
    int outboxSize = -1; // -1 = unknown
    QList<ConnectionEvent> events;

    static DiagnosticsSnapshot fromConnection(const ConnectionManager *connection, int outboxSize = -1);
};

class DiagnosticsReport
{
    Q_DECLARE_TR_FUNCTIONS(DiagnosticsReport)

public:
    void setConnection(const DiagnosticsSnapshot &snapshot) { m_snapshot = snapshot; }
    void setChecks(const QUrl &target, const QList<DiagnosticCheck> &checks);
    void setProxyMode(const QString &mode) { m_proxyMode = mode; }

    // Label/value rows for display, translated; values redacted.
    static QList<QPair<QString, QString>> environmentRows(const QString &proxyMode);
    static QJsonObject environment(const QString &proxyMode);

    QJsonObject toJson() const;
    QString toText() const;
    // What "Copy report" and "Save report…" produce: the text, then the same data as JSON.
    QString toReport() const;

private:
    DiagnosticsSnapshot m_snapshot;
    QUrl m_target;
    QList<DiagnosticCheck> m_checks;
    QString m_proxyMode = QStringLiteral("system");
};

} // namespace Tether
