#include "diagnosticsrunner.h"

#include "diagnosticstep.h"
#include "endpoints.h"
#include "localchecks.h"
#include "networkpathchecks.h"
#include "secretredactor.h"
#include "serverchecks.h"
#include "websockettransport.h"

#include <QLoggingCategory>
#include <QTimer>

Q_LOGGING_CATEGORY(lcDiagnostics, "tether.diagnostics")

namespace Tether {

DiagnosticsRunner::DiagnosticsRunner(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<Tether::DiagnosticCheck>();
}

DiagnosticsRunner::~DiagnosticsRunner()
{
    cancel();
}

QStringList DiagnosticsRunner::checkIds()
{
    return {QStringLiteral("dns"), QStringLiteral("tcp"), QStringLiteral("tls"),
            QStringLiteral("http_health"), QStringLiteral("websocket"), QStringLiteral("ping"),
            QStringLiteral("proxy"), QStringLiteral("network")};
}

QString DiagnosticsRunner::checkTitle(const QString &id)
{
    if (id == QLatin1String("dns"))
        return tr("DNS lookup");
    if (id == QLatin1String("tcp"))
        return tr("TCP connect");
    if (id == QLatin1String("tls"))
        return tr("TLS handshake");
    if (id == QLatin1String("http_health"))
        return tr("HTTP /health");
    if (id == QLatin1String("websocket"))
        return tr("WebSocket handshake");
    if (id == QLatin1String("ping"))
        return tr("Ping round trips");
    if (id == QLatin1String("proxy"))
        return tr("Proxy in use");
    if (id == QLatin1String("network"))
        return tr("Network reachability");
    return id;
}

bool DiagnosticsRunner::allPassed() const
{
    for (const DiagnosticCheck &c : m_results) {
        if (c.status == DiagnosticCheck::Status::Failed)
            return false;
    }
    return !m_results.isEmpty();
}

void DiagnosticsRunner::start(const QUrl &input)
{
    cancel();
    m_url = input;
    if (m_url.scheme() == QLatin1String("http") || m_url.scheme() == QLatin1String("https")) {
        m_url.setScheme(m_url.scheme() == QLatin1String("https") ? QStringLiteral("wss") : QStringLiteral("ws"));
        if (m_url.path().isEmpty() || m_url.path() == QLatin1String("/"))
            m_url.setPath(Protocol::Path::WebSocket);
    }
    m_results.clear();
    m_pending = checkIds();
    m_skipReason.clear();
    m_running = true;
    qCInfo(lcDiagnostics) << "running checks against" << SecretRedactor::urlString(m_url);
    QTimer::singleShot(0, this, &DiagnosticsRunner::next);
}

void DiagnosticsRunner::cancel()
{
    delete m_step; // with everything the check made: no callback can come
    delete m_link;
    m_running = false;
}

void DiagnosticsRunner::next()
{
    if (!m_running)
        return;
    if (m_pending.isEmpty()) {
        m_running = false;
        qCInfo(lcDiagnostics) << "checks finished;" << (allPassed() ? "all passed" : "some failed");
        Q_EMIT finished();
        return;
    }
    const QString id = m_pending.takeFirst();
    Q_EMIT checkStarted(id, checkTitle(id));
    auto *step = new DiagnosticStep(id, m_url, m_options, this);
    m_step = step;
    connect(step, &DiagnosticStep::finished, this, &DiagnosticsRunner::onStepFinished);

    const bool network = id == QLatin1String("dns") || id == QLatin1String("tcp") || id == QLatin1String("tls")
        || id == QLatin1String("http_health") || id == QLatin1String("websocket") || id == QLatin1String("ping");
    if (network && !m_skipReason.isEmpty()) {
        DiagnosticCheck check = step->check();
        check.status = DiagnosticCheck::Status::Skipped;
        check.elapsedMs = -1;
        check.detail = m_skipReason;
        check.hint = tr("Fix the earlier failing check first.");
        step->finish(check);
        return;
    }
    if (id == QLatin1String("dns")) {
        NetworkPathChecks::dns(step);
    } else if (id == QLatin1String("tcp")) {
        NetworkPathChecks::tcp(step);
    } else if (id == QLatin1String("tls")) {
        NetworkPathChecks::tls(step);
    } else if (id == QLatin1String("http_health")) {
        ServerChecks::health(step);
    } else if (id == QLatin1String("websocket")) {
        delete m_link;
        m_link = new WebSocketTransport(this); // the app's own kind of connection
        ServerChecks::webSocket(step, m_link);
    } else if (id == QLatin1String("ping")) {
        Transport *link = m_link;
        m_link = nullptr;
        ServerChecks::ping(step, link);
    } else if (id == QLatin1String("proxy")) {
        LocalChecks::proxy(step);
    } else {
        LocalChecks::network(step);
    }
}

void DiagnosticsRunner::onStepFinished(DiagnosticCheck check, const QString &skipRest)
{
    DiagnosticStep *step = m_step;
    m_step = nullptr;
    if (step)
        step->deleteLater(); // it may still be on the stack
    if (!skipRest.isEmpty() && m_skipReason.isEmpty())
        m_skipReason = skipRest;
    check.detail = SecretRedactor::text(check.detail);
    qCInfo(lcDiagnostics).noquote() << check.id << DiagnosticCheck::statusName(check.status)
                                    << check.elapsedMs << "ms" << check.detail;
    m_results << check;
    Q_EMIT checkFinished(check);
    QTimer::singleShot(0, this, &DiagnosticsRunner::next);
}

} // namespace Tether
