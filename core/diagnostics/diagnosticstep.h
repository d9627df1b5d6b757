#pragma once
// One running diagnostics check: the target, the options, its clock and its one end. Everything a
// check creates is a child of its step or connected with the step as context, so a finished or
// cancelled check can never call back.

#include "diagnosticcheck.h"
#include "diagnosticsoptions.h"

#include <QElapsedTimer>
#include <QObject>
#include <QUrl>

#include <functional>

namespace Tether {

class DiagnosticStep : public QObject
{
    Q_OBJECT
public:
    DiagnosticStep(const QString &id, const QUrl &url, const DiagnosticsOptions &options, QObject *parent = nullptr);

    QString id() const { return m_id; }
    QUrl url() const { return m_url; }
    const DiagnosticsOptions &options() const { return m_options; }
    bool secure() const; // wss:// or https://
    qint64 elapsedMs() const { return m_clock.elapsed(); }

    // A check with this step's id and title, to fill in.
    DiagnosticCheck check() const;
    // The check is done; skipRest (when not empty) skips every later network check with that
    // reason. Only the first call counts.
    void finish(const DiagnosticCheck &check, const QString &skipRest = QString());
    bool isFinished() const { return m_finished; }
    // Runs fn after options().timeoutMs unless the step has finished by then.
    void onTimeout(std::function<void()> fn);

Q_SIGNALS:
    void finished(const Tether::DiagnosticCheck &check, const QString &skipRest);

private:
    QString m_id;
    QUrl m_url;
    DiagnosticsOptions m_options;
    QElapsedTimer m_clock;
    bool m_finished = false;
};

} // namespace Tether
