#include "diagnosticsreport.h"

#include "connectionmanager.h"
#include "secretredactor.h"

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkInformation>
#include <QNetworkProxy>
#include <QNetworkProxyFactory>
#include <QSslSocket>
#include <QSysInfo>

namespace Tether {

using Words = DiagnosticsReport::Words;

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

// The report's own words: the English source as written, or its translation.
QString say(const char *source, Words words, int n = -1)
{
    if (words == Words::Translated)
        return DiagnosticsReport::tr(source, nullptr, n);
    QString text = QString::fromUtf8(source);
    if (n >= 0)
        text.replace(QLatin1String("%n"), QString::number(n));
    return text;
}

QString ms(double value, Words words)
{
    if (value < 0)
        return QStringLiteral("–");
    const QString number = value == qint64(value) ? QString::number(qint64(value)) : QString::number(value, 'f', 1);
    return say(QT_TRANSLATE_NOOP("DiagnosticsReport", "%1 ms"), words).arg(number);
}

// The close code in words.
QString closeCodeText(int code, Words words)
{
    const char *meaning = nullptr;
    switch (code) {
    case 1000: meaning = QT_TRANSLATE_NOOP("DiagnosticsReport", "normal close"); break;
    case 1001: meaning = QT_TRANSLATE_NOOP("DiagnosticsReport", "server going away"); break;
    case 1006: meaning = QT_TRANSLATE_NOOP("DiagnosticsReport", "no close frame: the connection dropped"); break;
    case 1008: meaning = QT_TRANSLATE_NOOP("DiagnosticsReport", "policy violation"); break;
    case 1011: meaning = QT_TRANSLATE_NOOP("DiagnosticsReport", "server error"); break;
    case 1012: meaning = QT_TRANSLATE_NOOP("DiagnosticsReport", "server restarting"); break;
    case 1013: meaning = QT_TRANSLATE_NOOP("DiagnosticsReport", "try again later"); break;
    case 4001: meaning = QT_TRANSLATE_NOOP("DiagnosticsReport", "token expired"); break;
    case 4003: meaning = QT_TRANSLATE_NOOP("DiagnosticsReport", "access refused"); break;
    default: break;
    }
    if (code < 0)
        return say(QT_TRANSLATE_NOOP("DiagnosticsReport", "none"), words);
    return meaning ? QStringLiteral("%1 (%2)").arg(code).arg(say(meaning, words)) : QString::number(code);
}

const struct { const char *id; const char *title; } checkTitles[] = {
    {"dns", QT_TRANSLATE_NOOP("Tether::DiagnosticsRunner", "DNS lookup")},
    {"tcp", QT_TRANSLATE_NOOP("Tether::DiagnosticsRunner", "TCP connect")},
    {"tls", QT_TRANSLATE_NOOP("Tether::DiagnosticsRunner", "TLS handshake")},
    {"http_health", QT_TRANSLATE_NOOP("Tether::DiagnosticsRunner", "HTTP /health")},
    {"websocket", QT_TRANSLATE_NOOP("Tether::DiagnosticsRunner", "WebSocket handshake")},
    {"ping", QT_TRANSLATE_NOOP("Tether::DiagnosticsRunner", "Ping round trips")},
    {"proxy", QT_TRANSLATE_NOOP("Tether::DiagnosticsRunner", "Proxy in use")},
    {"network", QT_TRANSLATE_NOOP("Tether::DiagnosticsRunner", "Network reachability")},
};

QString pickFrom(const QString &text, qsizetype &i, bool english, int depth);

// Reads up to the separator or end of the group that contains position i (not consuming it).
QString readUntilMark(const QString &text, qsizetype &i, bool english, int depth)
{
    QString out;
    while (i < text.size()) {
        const char16_t c = text.at(i).unicode();
        if (c == DiagnosticsReport::BothSeparator || c == DiagnosticsReport::BothEnd)
            return out;
        if (c == DiagnosticsReport::BothBegin) {
            out += pickFrom(text, i, english, depth + 1);
            continue;
        }
        out += text.at(i);
        ++i;
    }
    return out;
}

// text.at(i) is BothBegin: returns the chosen half of that group and moves past it.
QString pickFrom(const QString &text, qsizetype &i, bool english, int depth)
{
    ++i;
    if (depth > 16) // not ours (ours nest two or three deep): drop the marks, keep the words
        return readUntilMark(text, i, english, depth);
    const QString first = readUntilMark(text, i, english, depth);
    QString second = first;
    if (i < text.size() && text.at(i).unicode() == DiagnosticsReport::BothSeparator) {
        ++i;
        second = readUntilMark(text, i, english, depth);
    }
    if (i < text.size() && text.at(i).unicode() == DiagnosticsReport::BothEnd)
        ++i;
    return english ? second : first;
}

} // namespace

QString DiagnosticsReport::both(const QString &translated, const QString &english)
{
    return QChar(BothBegin) + translated + QChar(BothSeparator) + english + QChar(BothEnd);
}

QString DiagnosticsReport::textIn(const QString &text, Words words)
{
    if (!text.contains(QChar(BothBegin)) && !text.contains(QChar(BothSeparator)) && !text.contains(QChar(BothEnd)))
        return text;
    const bool english = words == Words::English;
    QString out;
    qsizetype i = 0;
    while (i < text.size()) {
        const char16_t c = text.at(i).unicode();
        if (c == BothBegin)
            out += pickFrom(text, i, english, 0);
        else {
            if (c != BothSeparator && c != BothEnd) // a stray mark is dropped
                out += text.at(i);
            ++i;
        }
    }
    return out;
}

DiagnosticsSnapshot DiagnosticsSnapshot::fromConnection(const ConnectionManager *connection, int outboxSize)
{
    DiagnosticsSnapshot s;
    if (!connection)
        return s;
    s.valid = true;
    s.state = connection->state();
    s.server = connection->displayUrl();
    s.transport = connection->transport();
    s.fallbackReason = connection->fallbackReason();
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

void DiagnosticsReport::setAccount(bool signedIn, const QString &userName)
{
    m_accountKnown = true;
    m_signedIn = signedIn;
    m_userName = signedIn ? userName : QString();
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

QList<QPair<QString, QString>> DiagnosticsReport::environmentRows(const QString &proxyMode, Words w)
{
    const QJsonObject env = environment(proxyMode);
    auto v = [&](const char *key) { return env.value(QLatin1String(key)).toString(); };
    // The JSON keeps stable English values for scripts; people read them in their language.
    auto words = [w](const QString &value) {
        if (value == QLatin1String("none"))
            return say(QT_TRANSLATE_NOOP("DiagnosticsReport", "none"), w);
        if (value == QLatin1String("system"))
            return say(QT_TRANSLATE_NOOP("DiagnosticsReport", "system"), w);
        if (value == QLatin1String("online"))
            return say(QT_TRANSLATE_NOOP("DiagnosticsReport", "online"), w);
        if (value == QLatin1String("disconnected"))
            return say(QT_TRANSLATE_NOOP("DiagnosticsReport", "disconnected"), w);
        if (value == QLatin1String("local") || value == QLatin1String("site"))
            return say(QT_TRANSLATE_NOOP("DiagnosticsReport", "local network only"), w);
        if (value.startsWith(QLatin1String("unknown")))
            return say(QT_TRANSLATE_NOOP("DiagnosticsReport", "unknown (assumed online)"), w);
        if (value.startsWith(QLatin1String("manual ")))
            return say(QT_TRANSLATE_NOOP("DiagnosticsReport", "manual: %1"), w).arg(value.mid(7));
        return value;
    };
    return {
        {say(QT_TRANSLATE_NOOP("DiagnosticsReport", "Tether version"), w), v("app_version")},
        {say(QT_TRANSLATE_NOOP("DiagnosticsReport", "Qt version"), w),
         say(QT_TRANSLATE_NOOP("DiagnosticsReport", "%1 (built with %2)"), w).arg(v("qt_runtime"), v("qt_build"))},
        {say(QT_TRANSLATE_NOOP("DiagnosticsReport", "Operating system"), w),
         QStringLiteral("%1, %2, %3").arg(v("os"), v("kernel"), v("cpu"))},
        {say(QT_TRANSLATE_NOOP("DiagnosticsReport", "TLS backend"), w),
         QStringLiteral("%1 (%2)").arg(v("tls_backend"), v("tls_library"))},
        {say(QT_TRANSLATE_NOOP("DiagnosticsReport", "Network information"), w),
         say(QT_TRANSLATE_NOOP("DiagnosticsReport", "%1, reachability: %2"), w)
             .arg(words(v("network_backend")), words(v("network_reachability")))},
        {say(QT_TRANSLATE_NOOP("DiagnosticsReport", "Proxy mode"), w),
         say(QT_TRANSLATE_NOOP("DiagnosticsReport", "%1 (in effect: %2)"), w)
             .arg(words(v("proxy_mode")), words(v("proxy_effective")))},
    };
}

QString DiagnosticsReport::stateText(ConnectionState state, Words w)
{
    switch (state) {
    case ConnectionState::Disconnected:
        return say(QT_TRANSLATE_NOOP("DiagnosticsReport", "disconnected (closed on purpose or not started)"), w);
    case ConnectionState::Connecting:
        return say(QT_TRANSLATE_NOOP("DiagnosticsReport", "connecting (an attempt is under way)"), w);
    case ConnectionState::Connected:
        return say(QT_TRANSLATE_NOOP("DiagnosticsReport", "connected"), w);
    case ConnectionState::Reconnecting:
        return say(QT_TRANSLATE_NOOP("DiagnosticsReport", "reconnecting (waiting for the next attempt)"), w);
    case ConnectionState::WaitingForNetwork:
        return say(QT_TRANSLATE_NOOP("DiagnosticsReport", "waiting for the network (the system reports it offline)"), w);
    case ConnectionState::RefreshingToken:
        return say(QT_TRANSLATE_NOOP("DiagnosticsReport", "renewing the sign-in token"), w);
    case ConnectionState::SignedOut:
        return say(QT_TRANSLATE_NOOP("DiagnosticsReport", "signed out (the server refused the sign-in)"), w);
    case ConnectionState::Failed:
        return say(QT_TRANSLATE_NOOP("DiagnosticsReport", "failed (gave up after the allowed attempts)"), w);
    }
    return QString();
}

QString DiagnosticsReport::checkTitle(const QString &id, Words w)
{
    for (const auto &t : checkTitles) {
        if (id == QLatin1String(t.id))
            return w == Words::English ? QString::fromUtf8(t.title)
                                       : textIn(QCoreApplication::translate("Tether::DiagnosticsRunner", t.title),
                                                Words::Translated);
    }
    return id;
}

QString DiagnosticsReport::verdict(Words w) const
{
    const DiagnosticCheck *failed = nullptr;
    for (const DiagnosticCheck &c : m_checks) {
        if (c.status == DiagnosticCheck::Status::Failed) {
            failed = &c;
            break;
        }
    }
    QString line;
    if (!m_checks.isEmpty() && !failed) {
        line = say(QT_TRANSLATE_NOOP("DiagnosticsReport", "every check passed: the way to %1 works end to end."), w)
                   .arg(m_target.host());
    } else if (failed) {
        const QString id = failed->id;
        const int http = failed->data.value(QStringLiteral("http_status")).toInt();
        if (id == QLatin1String("network"))
            line = say(QT_TRANSLATE_NOOP("DiagnosticsReport", "this computer is offline (network layer): connect it to a network first."), w);
        else if (id == QLatin1String("proxy"))
            line = say(QT_TRANSLATE_NOOP("DiagnosticsReport", "the proxy fails (proxy layer): check the proxy settings or try without one."), w);
        else if (id == QLatin1String("dns"))
            line = say(QT_TRANSLATE_NOOP("DiagnosticsReport", "the server name does not resolve (DNS layer): check the address for typos, then the DNS or VPN settings."), w);
        else if (id == QLatin1String("tcp"))
            line = say(QT_TRANSLATE_NOOP("DiagnosticsReport", "nothing accepts connections at the server's address and port (TCP layer): check the address and port, that the server runs, and firewalls."), w);
        else if (id == QLatin1String("tls"))
            line = say(QT_TRANSLATE_NOOP("DiagnosticsReport", "the encrypted connection fails (TLS layer): check the server's certificate, or whether the port speaks TLS at all."), w);
        else if (id == QLatin1String("http_health") && http == 404)
            line = say(QT_TRANSLATE_NOOP("DiagnosticsReport", "an HTTP server answers, but it is not a Tether server (HTTP 404 on /health): check the address and port."), w);
        else if (id == QLatin1String("http_health"))
            line = say(QT_TRANSLATE_NOOP("DiagnosticsReport", "the server's HTTP side is not healthy (HTTP layer): ask the server's administrator."), w);
        else if (id == QLatin1String("websocket"))
            line = say(QT_TRANSLATE_NOOP("DiagnosticsReport", "the server refuses the WebSocket upgrade (WebSocket layer): check the path (usually /ws) and any proxy in between."), w);
        else if (id == QLatin1String("ping"))
            line = say(QT_TRANSLATE_NOOP("DiagnosticsReport", "the connection opens but then stalls or is closed (chat layer): a proxy or firewall may cut it; a close with 4003 means the account or guest access is refused."), w);
        else
            line = say(QT_TRANSLATE_NOOP("DiagnosticsReport", "the check \"%1\" failed: see below."), w).arg(checkTitle(id, w));
    } else if (!m_snapshot.valid) {
        line = say(QT_TRANSLATE_NOOP("DiagnosticsReport", "nothing was checked yet: run the checks."), w);
    } else if (m_snapshot.state == ConnectionState::Connected) {
        line = say(QT_TRANSLATE_NOOP("DiagnosticsReport", "connected; no checks were run."), w);
    } else {
        line = say(QT_TRANSLATE_NOOP("DiagnosticsReport", "not connected (%1) and no checks were run: run the checks to find the failing layer."), w)
                   .arg(stateText(m_snapshot.state, w));
    }
    return say(QT_TRANSLATE_NOOP("DiagnosticsReport", "Verdict: %1"), w).arg(line);
}

QJsonObject DiagnosticsReport::toJson() const
{
    QJsonObject root;
    root.insert(QStringLiteral("generated"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    root.insert(QStringLiteral("verdict"), verdict(Words::English));
    if (m_accountKnown) {
        QJsonObject account;
        account.insert(QStringLiteral("signed_in"), m_signedIn);
        if (m_signedIn && !m_userName.isEmpty())
            account.insert(QStringLiteral("name"), m_userName);
        root.insert(QStringLiteral("account"), account);
    }
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
        c.insert(QStringLiteral("disconnects_by_code"), st.disconnectsByCodeJson());
        c.insert(QStringLiteral("connection_duration_seconds"), st.durationJson());
        c.insert(QStringLiteral("last_close_code"), st.lastCloseCode);
        c.insert(QStringLiteral("last_close_reason"), SecretRedactor::text(st.lastCloseReason));
        c.insert(QStringLiteral("last_socket_error"), st.lastSocketError);
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
            o.insert(QStringLiteral("text"), SecretRedactor::text(textIn(e.text, Words::English)));
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
            QJsonObject o = check.toJson();
            o.insert(QStringLiteral("title"), checkTitle(check.id, Words::English));
            o.insert(QStringLiteral("detail"), textIn(check.detail, Words::English));
            o.insert(QStringLiteral("hint"), textIn(check.hint, Words::English));
            list.append(o);
        }
        checks.insert(QStringLiteral("all_passed"), ok);
        checks.insert(QStringLiteral("results"), list);
        root.insert(QStringLiteral("checks"), checks);
    }
    return root;
}

QString DiagnosticsReport::toText(Words w) const
{
    const QString indent = QStringLiteral("  ");
    QStringList out;
    out << say(QT_TRANSLATE_NOOP("DiagnosticsReport", "Tether diagnostics report — %1"), w)
               .arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'")));
    out << verdict(w);
    if (m_accountKnown) {
        QString account;
        if (!m_signedIn)
            account = say(QT_TRANSLATE_NOOP("DiagnosticsReport", "a guest (not signed in)"), w);
        else if (m_userName.isEmpty())
            account = say(QT_TRANSLATE_NOOP("DiagnosticsReport", "signed in (the name is not shared)"), w);
        else
            account = say(QT_TRANSLATE_NOOP("DiagnosticsReport", "signed in as %1"), w).arg(m_userName);
        out << say(QT_TRANSLATE_NOOP("DiagnosticsReport", "Account: %1"), w).arg(account);
    }

    if (!m_storeMovedTo.isEmpty())
        out << say(QT_TRANSLATE_NOOP("DiagnosticsReport", "Local store: damaged and replaced (%1); %2 unsent messages "
                                                         "kept; the damaged file is at %3"), w)
                   .arg(SecretRedactor::text(m_storeReason))
                   .arg(m_storeSalvaged)
                   .arg(QDir::toNativeSeparators(m_storeMovedTo));

    out << QString() << say(QT_TRANSLATE_NOOP("DiagnosticsReport", "Environment"), w);
    for (const auto &row : environmentRows(m_proxyMode, w))
        out << indent + QStringLiteral("%1: %2").arg(row.first, row.second);

    if (m_snapshot.valid) {
        const ConnectionStats &st = m_snapshot.stats;
        out << QString() << say(QT_TRANSLATE_NOOP("DiagnosticsReport", "Connection"), w);
        out << indent + say(QT_TRANSLATE_NOOP("DiagnosticsReport", "State: %1"), w).arg(stateText(m_snapshot.state, w));
        out << indent + say(QT_TRANSLATE_NOOP("DiagnosticsReport", "Server: %1"), w).arg(SecretRedactor::urlString(m_snapshot.server));
        // Support's first question when a proxy is in the way: is this client on WebSocket at all?
        if (m_snapshot.transport == QLatin1String("long-poll")) {
            const QString how = m_snapshot.fallbackReason.isEmpty()
                    ? say(QT_TRANSLATE_NOOP("DiagnosticsReport", "HTTP long polling (chosen in the settings)"), w)
                    : say(QT_TRANSLATE_NOOP("DiagnosticsReport", "HTTP long polling, fallen back from WebSocket: %1"), w)
                              .arg(m_snapshot.fallbackReason);
            out << indent + say(QT_TRANSLATE_NOOP("DiagnosticsReport", "Transport: %1"), w).arg(how);
        } else if (!m_snapshot.transport.isEmpty()) {
            out << indent + say(QT_TRANSLATE_NOOP("DiagnosticsReport", "Transport: %1"), w).arg(QStringLiteral("WebSocket"));
        }
        out << indent + say(QT_TRANSLATE_NOOP("DiagnosticsReport", "Connected since: %1"), w)
                            .arg(st.connectedSince.isValid() ? st.connectedSince.toUTC().toString(Qt::ISODate)
                                                             : say(QT_TRANSLATE_NOOP("DiagnosticsReport", "not connected"), w));
        out << indent + say(QT_TRANSLATE_NOOP("DiagnosticsReport", "Round trip: last %1, average %2, max %3"), w)
                            .arg(ms(st.rttLastMs, w), ms(st.rttAvgMs, w), ms(st.rttMaxMs, w));
        out << indent + say(QT_TRANSLATE_NOOP("DiagnosticsReport", "Reconnects: %1 (attempts: %2)"), w)
                            .arg(qMax(0, st.connects - 1)).arg(st.attempts);
        QStringList codes;
        for (auto it = st.disconnectsByCode.cbegin(); it != st.disconnectsByCode.cend(); ++it)
            codes << QStringLiteral("%1×%2").arg(it.key()).arg(it.value());
        out << indent + say(QT_TRANSLATE_NOOP("DiagnosticsReport", "Disconnects: %1 (by close code: %2)"), w)
                            .arg(st.disconnects)
                            .arg(codes.isEmpty() ? say(QT_TRANSLATE_NOOP("DiagnosticsReport", "none"), w)
                                                 : codes.join(QStringLiteral(", ")));
        out << indent + (st.durationCount == 0
                                 ? say(QT_TRANSLATE_NOOP("DiagnosticsReport", "Connection lengths: none ended yet"), w)
                                 : say(QT_TRANSLATE_NOOP("DiagnosticsReport", "Connection lengths: %1 ended, average %2 s, longest %3 s"), w)
                                           .arg(st.durationCount)
                                           .arg(st.durationSumS / st.durationCount, 0, 'f', 1)
                                           .arg(st.durationMaxS, 0, 'f', 1));
        out << indent + say(QT_TRANSLATE_NOOP("DiagnosticsReport", "Last close: %1"), w).arg(closeCodeText(st.lastCloseCode, w));
        out << indent + say(QT_TRANSLATE_NOOP("DiagnosticsReport", "Messages in/out: %1 / %2; bytes in/out: %3 / %4"), w)
                            .arg(st.messagesIn).arg(st.messagesOut).arg(st.bytesIn).arg(st.bytesOut);
        out << indent + say(QT_TRANSLATE_NOOP("DiagnosticsReport", "Outbox: %1"), w)
                            .arg(m_snapshot.outboxSize < 0 ? say(QT_TRANSLATE_NOOP("DiagnosticsReport", "unknown"), w)
                                                           : QString::number(m_snapshot.outboxSize));
    }

    if (!m_checks.isEmpty()) {
        out << QString() << say(QT_TRANSLATE_NOOP("DiagnosticsReport", "Checks against %1"), w).arg(SecretRedactor::urlString(m_target));
        for (const DiagnosticCheck &c : m_checks) {
            QString mark;
            switch (c.status) {
            case DiagnosticCheck::Status::Passed: mark = say(QT_TRANSLATE_NOOP("DiagnosticsReport", "PASS"), w); break;
            case DiagnosticCheck::Status::Failed: mark = say(QT_TRANSLATE_NOOP("DiagnosticsReport", "FAIL"), w); break;
            case DiagnosticCheck::Status::Skipped: mark = say(QT_TRANSLATE_NOOP("DiagnosticsReport", "SKIP"), w); break;
            }
            out << indent + QStringLiteral("[%1] %2 (%3): %4")
                                .arg(mark, checkTitle(c.id, w), c.elapsedMs >= 0 ? ms(double(c.elapsedMs), w) : QStringLiteral("–"),
                                     textIn(c.detail, w));
            const QString hint = textIn(c.hint, w);
            if (!hint.isEmpty())
                out << QStringLiteral("         ") + hint;
        }
    }

    if (m_snapshot.valid) {
        out << QString() << say(QT_TRANSLATE_N_NOOP("DiagnosticsReport", "Recent events (%n)"), w, int(m_snapshot.events.size()));
        for (const ConnectionEvent &e : m_snapshot.events)
            out << indent + QStringLiteral("%1 %2 %3").arg(e.time.toUTC().toString(Qt::ISODateWithMs),
                                                           connectionEventKindName(e.kind), textIn(e.text, w));
    }
    return SecretRedactor::text(out.join(QLatin1Char('\n')));
}

QString DiagnosticsReport::toReport(bool withJson) const
{
    QString text = toText(Words::English);
    if (withJson) {
        const QString json = QString::fromUtf8(QJsonDocument(toJson()).toJson(QJsonDocument::Indented));
        text += QStringLiteral("\n\n--- JSON ---\n") + SecretRedactor::text(json);
    }
    return text;
}

} // namespace Tether
