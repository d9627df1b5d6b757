#include "diagnosticsreport.h"

#include "connectionmanager.h"
#include "secretredactor.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QNetworkInformation>
#include <QNetworkProxy>
#include <QNetworkProxyFactory>
#include <QSslSocket>
#include <QSysInfo>

namespace Tether {

namespace {
QString reachabilityName(QNetworkInformation::Reachability r)
{
    switch (r) {
    case QNetworkInformation::Reachability::Online: return QStringLiteral("online");
    case QNetworkInformation::Reachability::Site: return QStringLiteral("site");
    case QNetworkInformation::Reachability::Local: return QStringLiteral("local");
    case QNetworkInformation::Reachability::Disconnected: return QStringLiteral("disconnected");
    case QNetworkInformation::Reachability::Unknown: break;
    }
    return QStringLiteral("unknown");
}

QString applicationProxyText()
{
    const QNetworkProxy p = QNetworkProxy::applicationProxy();
    switch (p.type()) {
    case QNetworkProxy::NoProxy: return QStringLiteral("none");
    case QNetworkProxy::DefaultProxy:
        return QNetworkProxyFactory::usesSystemConfiguration() ? QStringLiteral("system") : QStringLiteral("default");
    case QNetworkProxy::Socks5Proxy: return QStringLiteral("socks5://%1:%2").arg(p.hostName()).arg(p.port());
    default: break;
    }
    return QStringLiteral("http://%1:%2").arg(p.hostName()).arg(p.port());
}

QString ms(qint64 value)
{
    return value < 0 ? QStringLiteral("–") : QStringLiteral("%1 ms").arg(value);
}
} // namespace

DiagnosticsSnapshot DiagnosticsSnapshot::fromConnection(const ConnectionManager *connection, int outboxSize)
{
    DiagnosticsSnapshot s;
    if (!connection)
        return s;
    s.valid = true;
    s.state = connection->state();
    s.server = connection->displayUrl();
    s.stats = connection->stats();
    s.outboxSize = outboxSize >= 0 ? outboxSize : connection->queuedCount();
    s.events = connection->events();
    return s;
}

void DiagnosticsReport::setChecks(const QUrl &target, const QList<DiagnosticCheck> &checks)
{
    m_target = target;
    m_checks = checks;
}

QJsonObject DiagnosticsReport::environment(const QString &proxyMode)
{
    QJsonObject env;
    env.insert(QStringLiteral("app_version"), QStringLiteral(TETHER_VERSION));
    env.insert(QStringLiteral("qt_runtime"), QString::fromLatin1(qVersion()));
    env.insert(QStringLiteral("qt_build"), QStringLiteral(QT_VERSION_STR));
    env.insert(QStringLiteral("os"), QSysInfo::prettyProductName());
    env.insert(QStringLiteral("kernel"), QSysInfo::kernelType() + QLatin1Char(' ') + QSysInfo::kernelVersion());
    env.insert(QStringLiteral("cpu"), QSysInfo::currentCpuArchitecture());
    env.insert(QStringLiteral("tls_backend"), QSslSocket::activeBackend());
    env.insert(QStringLiteral("tls_library"), QSslSocket::supportsSsl() ? QSslSocket::sslLibraryVersionString()
                                                                        : QStringLiteral("unavailable"));
    QNetworkInformation *info = QNetworkInformation::instance();
    if (!info && QNetworkInformation::loadDefaultBackend())
        info = QNetworkInformation::instance();
    env.insert(QStringLiteral("network_backend"), info ? info->backendName() : QStringLiteral("none"));
    env.insert(QStringLiteral("network_reachability"),
               info ? reachabilityName(info->reachability()) : QStringLiteral("unknown (assumed online)"));
    env.insert(QStringLiteral("proxy_mode"), SecretRedactor::text(proxyMode));
    env.insert(QStringLiteral("proxy_effective"), applicationProxyText());
    return env;
}

QList<QPair<QString, QString>> DiagnosticsReport::environmentRows(const QString &proxyMode)
{
    const QJsonObject env = environment(proxyMode);
    auto v = [&](const char *key) { return env.value(QLatin1String(key)).toString(); };
    // The JSON keeps stable English values for scripts; people read them in their language.
    auto words = [](const QString &value) {
        if (value == QLatin1String("none"))
            return tr("none");
        if (value == QLatin1String("system"))
            return tr("system");
        if (value == QLatin1String("online"))
            return tr("online");
        if (value == QLatin1String("disconnected"))
            return tr("disconnected");
        if (value == QLatin1String("local") || value == QLatin1String("site"))
            return tr("local network only");
        if (value.startsWith(QLatin1String("unknown")))
            return tr("unknown (assumed online)");
        if (value.startsWith(QLatin1String("manual ")))
            return tr("manual: %1").arg(value.mid(7));
        return value;
    };
    return {
        {tr("Tether version"), v("app_version")},
        {tr("Qt version"), tr("%1 (built with %2)").arg(v("qt_runtime"), v("qt_build"))},
        {tr("Operating system"), QStringLiteral("%1, %2, %3").arg(v("os"), v("kernel"), v("cpu"))},
        {tr("TLS backend"), QStringLiteral("%1 (%2)").arg(v("tls_backend"), v("tls_library"))},
        {tr("Network information"), tr("%1, reachability: %2").arg(words(v("network_backend")), words(v("network_reachability")))},
        {tr("Proxy mode"), tr("%1 (in effect: %2)").arg(words(v("proxy_mode")), words(v("proxy_effective")))},
    };
}

QJsonObject DiagnosticsReport::toJson() const
{
    QJsonObject root;
    root.insert(QStringLiteral("generated"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    root.insert(QStringLiteral("environment"), environment(m_proxyMode));
    if (m_snapshot.valid) {
        const ConnectionStats &st = m_snapshot.stats;
        QJsonObject c;
        c.insert(QStringLiteral("state"), connectionStateName(m_snapshot.state));
        c.insert(QStringLiteral("server"), SecretRedactor::urlString(m_snapshot.server));
        c.insert(QStringLiteral("connected_since"),
                 st.connectedSince.isValid() ? st.connectedSince.toUTC().toString(Qt::ISODate) : QString());
        c.insert(QStringLiteral("rtt_last_ms"), st.rttLastMs);
        c.insert(QStringLiteral("rtt_avg_ms"), st.rttAvgMs);
        c.insert(QStringLiteral("rtt_max_ms"), st.rttMaxMs);
        c.insert(QStringLiteral("connects"), st.connects);
        c.insert(QStringLiteral("reconnects"), qMax(0, st.connects - 1));
        c.insert(QStringLiteral("attempts"), st.attempts);
        c.insert(QStringLiteral("disconnects"), st.disconnects);
        QJsonObject byCode;
        for (auto it = st.disconnectsByCode.cbegin(); it != st.disconnectsByCode.cend(); ++it)
            byCode.insert(QString::number(it.key()), it.value());
        c.insert(QStringLiteral("disconnects_by_code"), byCode);
        c.insert(QStringLiteral("last_close_code"), st.lastCloseCode);
        c.insert(QStringLiteral("last_close_reason"), SecretRedactor::text(st.lastCloseReason));
        c.insert(QStringLiteral("messages_in"), st.messagesIn);
        c.insert(QStringLiteral("messages_out"), st.messagesOut);
        c.insert(QStringLiteral("bytes_in"), st.bytesIn);
        c.insert(QStringLiteral("bytes_out"), st.bytesOut);
        c.insert(QStringLiteral("token_refreshes"), st.tokenRefreshes);
        c.insert(QStringLiteral("outbox"), m_snapshot.outboxSize);
        root.insert(QStringLiteral("connection"), c);
        QJsonArray events;
        for (const ConnectionEvent &e : m_snapshot.events) {
            QJsonObject o;
            o.insert(QStringLiteral("time"), e.time.toUTC().toString(Qt::ISODateWithMs));
            o.insert(QStringLiteral("kind"), connectionEventKindName(e.kind));
            o.insert(QStringLiteral("text"), SecretRedactor::text(e.text));
            events.append(o);
        }
        root.insert(QStringLiteral("events"), events);
    }
    if (!m_checks.isEmpty() || m_target.isValid()) {
        QJsonObject checks;
        checks.insert(QStringLiteral("target"), SecretRedactor::urlString(m_target));
        bool ok = !m_checks.isEmpty();
        QJsonArray list;
        for (const DiagnosticCheck &check : m_checks) {
            ok = ok && check.status != DiagnosticCheck::Status::Failed;
            list.append(check.toJson());
        }
        checks.insert(QStringLiteral("all_passed"), ok);
        checks.insert(QStringLiteral("results"), list);
        root.insert(QStringLiteral("checks"), checks);
    }
    return root;
}

QString DiagnosticsReport::toText() const
{
    QStringList out;
    out << tr("Tether diagnostics report — %1")
               .arg(QLocale().toString(QDateTime::currentDateTime(), QLocale::LongFormat));
    out << QString();
    out << tr("Environment");
    for (const auto &row : environmentRows(m_proxyMode))
        out << QStringLiteral("  %1: %2").arg(row.first, row.second);

    if (m_snapshot.valid) {
        const ConnectionStats &st = m_snapshot.stats;
        out << QString() << tr("Connection");
        out << QStringLiteral("  ") + tr("State: %1").arg(connectionStateName(m_snapshot.state));
        out << QStringLiteral("  ") + tr("Server: %1").arg(SecretRedactor::urlString(m_snapshot.server));
        out << QStringLiteral("  ") + tr("Connected since: %1")
                   .arg(st.connectedSince.isValid() ? QLocale().toString(st.connectedSince.toLocalTime(), QLocale::ShortFormat)
                                                    : tr("not connected"));
        out << QStringLiteral("  ") + tr("Round trip: last %1, average %2, max %3")
                   .arg(ms(st.rttLastMs), st.rttAvgMs < 0 ? QStringLiteral("–") : QStringLiteral("%1 ms").arg(st.rttAvgMs, 0, 'f', 1), ms(st.rttMaxMs));
        out << QStringLiteral("  ") + tr("Reconnects: %1 (attempts: %2)").arg(qMax(0, st.connects - 1)).arg(st.attempts);
        QStringList codes;
        for (auto it = st.disconnectsByCode.cbegin(); it != st.disconnectsByCode.cend(); ++it)
            codes << QStringLiteral("%1×%2").arg(it.key()).arg(it.value());
        out << QStringLiteral("  ") + tr("Disconnects: %1 (by close code: %2)")
                   .arg(st.disconnects).arg(codes.isEmpty() ? tr("none") : codes.join(QStringLiteral(", ")));
        out << QStringLiteral("  ") + tr("Messages in/out: %1 / %2; bytes in/out: %3 / %4")
                   .arg(st.messagesIn).arg(st.messagesOut).arg(st.bytesIn).arg(st.bytesOut);
        out << QStringLiteral("  ") + tr("Outbox: %1").arg(m_snapshot.outboxSize < 0 ? tr("unknown") : QString::number(m_snapshot.outboxSize));
    }

    if (!m_checks.isEmpty()) {
        out << QString() << tr("Checks against %1").arg(SecretRedactor::urlString(m_target));
        for (const DiagnosticCheck &c : m_checks) {
            QString mark;
            switch (c.status) {
            case DiagnosticCheck::Status::Passed: mark = tr("PASS"); break;
            case DiagnosticCheck::Status::Failed: mark = tr("FAIL"); break;
            case DiagnosticCheck::Status::Skipped: mark = tr("SKIP"); break;
            }
            out << QStringLiteral("  [%1] %2 (%3): %4").arg(mark, c.title, ms(c.elapsedMs), c.detail);
            if (!c.hint.isEmpty())
                out << QStringLiteral("         ") + c.hint;
        }
    }

    if (m_snapshot.valid) {
        out << QString() << tr("Recent events (%n)", nullptr, int(m_snapshot.events.size()));
        for (const ConnectionEvent &e : m_snapshot.events)
            out << QStringLiteral("  %1 %2 %3").arg(e.time.toUTC().toString(Qt::ISODateWithMs),
                                                    connectionEventKindName(e.kind), e.text);
    }
    return SecretRedactor::text(out.join(QLatin1Char('\n')));
}

QString DiagnosticsReport::toReport() const
{
    const QString json = QString::fromUtf8(QJsonDocument(toJson()).toJson(QJsonDocument::Indented));
    return toText() + QStringLiteral("\n\n--- JSON ---\n") + SecretRedactor::text(json);
}

} // namespace Tether
