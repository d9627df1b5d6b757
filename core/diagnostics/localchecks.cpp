#include "localchecks.h"

#include "authclient.h"
#include "diagnosticstep.h"

#include <QHostAddress>
#include <QNetworkInformation>
#include <QNetworkProxy>
#include <QNetworkProxyFactory>

namespace Tether {

namespace {
QString proxyDescription(const QNetworkProxy &proxy)
{
    switch (proxy.type()) {
    case QNetworkProxy::NoProxy:
        return QStringLiteral("none");
    case QNetworkProxy::DefaultProxy:
        return QStringLiteral("default");
    case QNetworkProxy::Socks5Proxy:
        return QStringLiteral("socks5://%1:%2").arg(proxy.hostName()).arg(proxy.port());
    case QNetworkProxy::HttpProxy:
    case QNetworkProxy::HttpCachingProxy:
        return QStringLiteral("http://%1:%2").arg(proxy.hostName()).arg(proxy.port());
    case QNetworkProxy::FtpCachingProxy:
        break;
    }
    return QStringLiteral("other");
}

bool isLoopback(const QString &host)
{
    QHostAddress address(host);
    return host == QLatin1String("localhost") || (!address.isNull() && address.isLoopback());
}
} // namespace

void LocalChecks::proxy(DiagnosticStep *step)
{
    DiagnosticCheck check = step->check();
    QNetworkProxy app = QNetworkProxy::applicationProxy();
    QNetworkProxy used = app;
    QString source = tr("application setting");
    if (app.type() == QNetworkProxy::DefaultProxy || app.type() == QNetworkProxy::NoProxy) {
        const QUrl target = AuthClient::httpBaseFor(step->url());
        const QList<QNetworkProxy> list = QNetworkProxyFactory::proxyForQuery(QNetworkProxyQuery(target));
        used = list.isEmpty() ? QNetworkProxy(QNetworkProxy::NoProxy) : list.first();
        source = QNetworkProxyFactory::usesSystemConfiguration() ? tr("system settings") : tr("application setting");
    }
    check.elapsedMs = step->elapsedMs();
    check.status = DiagnosticCheck::Status::Passed;
    const QString description = proxyDescription(used);
    check.data.insert(QStringLiteral("proxy"), description);
    check.data.insert(QStringLiteral("source"), QNetworkProxyFactory::usesSystemConfiguration()
                                                    ? QStringLiteral("system") : QStringLiteral("application"));
    if (used.type() == QNetworkProxy::NoProxy || used.type() == QNetworkProxy::DefaultProxy) {
        check.detail = tr("No proxy: connections go directly to the server (%1).").arg(source);
    } else {
        check.detail = tr("Connections go through %1 (%2).").arg(description, source);
        check.hint = tr("If the checks above fail only here, the proxy may not allow WebSocket "
                        "connections or may close idle ones.");
    }
    step->finish(check);
}

void LocalChecks::network(DiagnosticStep *step)
{
    DiagnosticCheck check = step->check();
    QNetworkInformation *info = QNetworkInformation::instance();
    if (!info && QNetworkInformation::loadDefaultBackend())
        info = QNetworkInformation::instance();
    check.elapsedMs = step->elapsedMs();
    if (!info) {
        check.status = DiagnosticCheck::Status::Skipped;
        check.detail = tr("This system offers no network status information to Qt.");
        check.hint = tr("Not a problem by itself: Tether then assumes the network is up.");
        step->finish(check);
        return;
    }
    check.data.insert(QStringLiteral("backend"), info->backendName());
    const auto reachability = info->reachability();
    QString reach;
    switch (reachability) {
    case QNetworkInformation::Reachability::Online: reach = QStringLiteral("online"); break;
    case QNetworkInformation::Reachability::Site: reach = QStringLiteral("site"); break;
    case QNetworkInformation::Reachability::Local: reach = QStringLiteral("local"); break;
    case QNetworkInformation::Reachability::Disconnected: reach = QStringLiteral("disconnected"); break;
    case QNetworkInformation::Reachability::Unknown: reach = QStringLiteral("unknown"); break;
    }
    check.data.insert(QStringLiteral("reachability"), reach);
    check.detail = tr("Backend %1 reports: %2.").arg(info->backendName(), reach);
    if (reachability == QNetworkInformation::Reachability::Disconnected && !isLoopback(step->url().host())) {
        check.status = DiagnosticCheck::Status::Failed;
        check.hint = tr("The system says this computer is offline. Connect to a network (Wi-Fi, cable) first.");
    } else {
        check.status = DiagnosticCheck::Status::Passed;
        if (reachability == QNetworkInformation::Reachability::Local
            || reachability == QNetworkInformation::Reachability::Site)
            check.hint = tr("Only the local network is reachable, not the internet; a captive portal may "
                            "need you to sign in.");
    }
    step->finish(check);
}

} // namespace Tether
