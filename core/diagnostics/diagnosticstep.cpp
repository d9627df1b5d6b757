#include "diagnosticstep.h"

#include "diagnosticsrunner.h"

#include <QTimer>

namespace Tether {

DiagnosticStep::DiagnosticStep(const QString &id, const QUrl &url, const DiagnosticsOptions &options, QObject *parent)
    : QObject(parent)
    , m_id(id)
    , m_url(url)
    , m_options(options)
{
    m_clock.start();
}

bool DiagnosticStep::secure() const
{
    return m_url.scheme() == QLatin1String("wss") || m_url.scheme() == QLatin1String("https");
}

DiagnosticCheck DiagnosticStep::check() const
{
    DiagnosticCheck check;
    check.id = m_id;
    check.title = DiagnosticsRunner::checkTitle(m_id);
    return check;
}

void DiagnosticStep::finish(const DiagnosticCheck &check, const QString &skipRest)
{
    if (m_finished)
        return;
    m_finished = true;
    Q_EMIT finished(check, skipRest);
}

void DiagnosticStep::onTimeout(std::function<void()> fn)
{
    QTimer::singleShot(m_options.timeoutMs, this, [this, fn = std::move(fn)] {
        if (!m_finished)
            fn();
    });
}

} // namespace Tether
