#include "clioptions.h"

#include "insecureurl.h"
#include "proxyspec.h"
#include "tlstrust.h"

#include <QCommandLineParser>

namespace Tether {

namespace {

bool parseInt(const QString &text, int min, int *out)
{
    bool ok = false;
    const int v = text.toInt(&ok);
    if (!ok || v < min)
        return false;
    *out = v;
    return true;
}

} // namespace

CliOptions::Parsed CliOptions::parse(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
            "Headless Tether client: keeps one WebSocket connection alive, sends each stdin line as a text\n"
            "frame (queued while disconnected) and prints what happens. On stdin EOF it flushes the queue,\n"
            "closes with 1000 and exits 0 (1 if messages could not be sent or the session ended for good)."));
    p.addPositionalArgument(QStringLiteral("URL"), QStringLiteral("ws:// or wss:// URL of the server"));
    const QCommandLineOption help(QStringList { QStringLiteral("h"), QStringLiteral("help") },
                                  QStringLiteral("Show this help."));
    const QCommandLineOption version(QStringLiteral("version"), QStringLiteral("Show the version."));
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("One JSON object per stdout line."));
    const QCommandLineOption verboseOption(QStringList { QStringLiteral("v"), QStringLiteral("verbose") },
                                           QStringLiteral("Log the engine's decisions to stderr."));
    const QCommandLineOption token(QStringLiteral("token"), QStringLiteral("Access token."), QStringLiteral("TOKEN"));
    const QCommandLineOption refreshToken(QStringLiteral("refresh-token"), QStringLiteral("Refresh token."),
                                          QStringLiteral("TOKEN"));
    const QCommandLineOption refreshUrl(QStringLiteral("refresh-url"),
                                        QStringLiteral("URL to POST {\"refresh_token\"} to."), QStringLiteral("URL"));
    const QCommandLineOption transport(QStringLiteral("token-transport"),
                                       QStringLiteral("header (default), query or message."), QStringLiteral("MODE"));
    const QCommandLineOption transportMode(QStringLiteral("transport"),
                                           QStringLiteral("auto (default: WebSocket, HTTP long polling when the upgrade "
                                                          "is blocked), websocket or long-poll."),
                                           QStringLiteral("MODE"));
    const QCommandLineOption wsRetryInterval(QStringLiteral("ws-retry-interval"),
                                             QStringLiteral("On the long-polling fallback, try WebSocket again every MS "
                                                            "(default 180000)."),
                                             QStringLiteral("MS"));
    const QCommandLineOption heartbeat(QStringLiteral("heartbeat"), QStringLiteral("frame (default), json or off."),
                                       QStringLiteral("MODE"));
    const QCommandLineOption heartbeatInterval(QStringLiteral("heartbeat-interval"),
                                               QStringLiteral("Ping every MS (default 20000)."), QStringLiteral("MS"));
    const QCommandLineOption pongTimeout(QStringLiteral("pong-timeout"),
                                         QStringLiteral("Declare the link dead after MS without an answer (default 10000)."),
                                         QStringLiteral("MS"));
    const QCommandLineOption connectTimeout(QStringLiteral("connect-timeout"),
                                            QStringLiteral("Handshake timeout (default 10000)."), QStringLiteral("MS"));
    const QCommandLineOption backoffInitial(QStringLiteral("backoff-initial"),
                                            QStringLiteral("First reconnect delay (default 1000)."), QStringLiteral("MS"));
    const QCommandLineOption backoffMax(QStringLiteral("backoff-max"),
                                        QStringLiteral("Reconnect delay cap (default 30000)."), QStringLiteral("MS"));
    const QCommandLineOption backoffMultiplier(QStringLiteral("backoff-multiplier"),
                                               QStringLiteral("Delay growth factor, >= 1 (default 2)."), QStringLiteral("X"));
    const QCommandLineOption jitter(QStringLiteral("jitter"), QStringLiteral("none, equal or full (default)."),
                                    QStringLiteral("MODE"));
    const QCommandLineOption maxAttempts(QStringLiteral("max-attempts"),
                                         QStringLiteral("Give up after N attempts in a row; 0 = never (default)."),
                                         QStringLiteral("N"));
    const QCommandLineOption queueLimit(QStringLiteral("queue-limit"),
                                        QStringLiteral("Outbound queue bound (default 1000)."), QStringLiteral("N"));
    const QCommandLineOption minUptime(QStringLiteral("min-uptime"),
                                       QStringLiteral("Connected this long resets the attempt counter (default 10000)."),
                                       QStringLiteral("MS"));
    const QCommandLineOption flushTimeout(QStringLiteral("flush-timeout"),
                                          QStringLiteral("On stdin EOF, wait at most MS for queued lines (default 10000)."),
                                          QStringLiteral("MS"));
    // Chat mode (ChatMode, chatmode.h).
    const QCommandLineOption chatOption(QStringLiteral("chat"),
                                        QStringLiteral("Chat mode: stdin lines are chat messages sent through a persistent outbox."));
    const QCommandLineOption userOption(QStringLiteral("user"), QStringLiteral("Chat: log in as NAME (default: guest)."),
                                        QStringLiteral("NAME"));
    const QCommandLineOption passwordOption(QStringLiteral("password"),
                                            QStringLiteral("Chat: password for --user (or set TETHER_PASSWORD)."),
                                            QStringLiteral("PASSWORD"));
    const QCommandLineOption httpOption(QStringLiteral("http"),
                                        QStringLiteral("Chat: the server's HTTP URL for login (default: from the ws URL)."),
                                        QStringLiteral("URL"));
    const QCommandLineOption conversationOption(QStringLiteral("conversation"),
                                                QStringLiteral("Chat: conversation to send to (default lobby)."),
                                                QStringLiteral("ID"));
    const QCommandLineOption dbOption(QStringLiteral("db"), QStringLiteral("Chat: local store and outbox file."),
                                      QStringLiteral("PATH"));
    const QCommandLineOption stdinJsonOption(QStringLiteral("stdin-json"),
                                             QStringLiteral("Chat: stdin lines are {\"text\",\"id\"?,\"conversation\"?}."));
    const QCommandLineOption outboxLimitOption(QStringLiteral("outbox-limit"),
                                               QStringLiteral("Chat: unsent messages kept at most (default 10000)."),
                                               QStringLiteral("N"));
    p.addOptions({ chatOption, userOption, passwordOption, httpOption, conversationOption, dbOption, stdinJsonOption,
                   outboxLimitOption });
    const QCommandLineOption caFileOption(QStringLiteral("ca-file"),
                                          QStringLiteral("Also trust the PEM CA certificates in PATH (self-hosted servers)."),
                                          QStringLiteral("PATH"));
    const QCommandLineOption pinOption(QStringLiteral("pin-sha256"),
                                       QStringLiteral("Trust exactly the server certificate with this SHA-256 fingerprint."),
                                       QStringLiteral("HEX"));
    const QCommandLineOption proxyOption(QStringLiteral("proxy"),
                                         QStringLiteral("system (default), none, http://HOST:PORT or socks5://HOST:PORT."),
                                         QStringLiteral("PROXY"));
    p.addOptions({ caFileOption, pinOption, proxyOption, transportMode, wsRetryInterval });
    p.addOptions({ help, version, jsonOption, verboseOption, token, refreshToken, refreshUrl, transport, heartbeat, heartbeatInterval,
                   pongTimeout, connectTimeout, backoffInitial, backoffMax, backoffMultiplier, jitter, maxAttempts,
                   queueLimit, minUptime, flushTimeout });

    Parsed result;
    auto fail = [&result](const QString &message) {
        result.outcome = Outcome::Error;
        result.text = message;
        return result;
    };

    if (!p.parse(arguments))
        return fail(p.errorText());
    if (p.isSet(help)) {
        result.outcome = Outcome::Help;
        result.text = p.helpText();
        return result;
    }
    if (p.isSet(version)) {
        result.outcome = Outcome::Version;
        result.text = QStringLiteral("tether-cli " TETHER_VERSION);
        return result;
    }

    const QStringList positional = p.positionalArguments();
    if (positional.size() != 1)
        return fail(positional.isEmpty() ? QStringLiteral("missing the server URL (ws://HOST:PORT/PATH)")
                                         : QStringLiteral("expected exactly one URL, got %1 arguments").arg(positional.size()));
    const QUrl url(positional.first(), QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QLatin1String("ws") && url.scheme() != QLatin1String("wss")))
        return fail(QStringLiteral("not a ws:// or wss:// URL: %1").arg(positional.first()));

    ConnectionConfig &c = connection;
    c.url = url;
    warnings.clear();
    if (InsecureUrl::isInsecure(url))
        warnings << InsecureUrl::warning(url);
    if (p.isSet(caFileOption)) {
        QString error;
        if (TlsTrust::loadCaFile(p.value(caFileOption), &error).isEmpty())
            return fail(QStringLiteral("--ca-file: %1").arg(error));
        c.caFile = p.value(caFileOption);
    }
    if (p.isSet(pinOption)) {
        c.pinnedCertificateSha256 = TlsTrust::normalisePin(p.value(pinOption));
        if (c.pinnedCertificateSha256.isEmpty())
            return fail(QStringLiteral("--pin-sha256: expected 32 bytes in hex, got '%1'").arg(p.value(pinOption)));
    }
    if (p.isSet(proxyOption)) {
        QString error;
        const std::optional<QNetworkProxy> proxy = ProxySpec::parse(p.value(proxyOption), &error);
        if (!proxy)
            return fail(QStringLiteral("--proxy: %1").arg(error));
        c.proxy = *proxy;
    }
    c.credentials.accessToken = p.value(token);
    c.credentials.refreshToken = p.value(refreshToken);
    if (p.isSet(refreshUrl)) {
        const QUrl r(p.value(refreshUrl), QUrl::StrictMode);
        if (!r.isValid() || (r.scheme() != QLatin1String("http") && r.scheme() != QLatin1String("https")))
            return fail(QStringLiteral("--refresh-url: not an http(s) URL"));
        c.credentials.refreshUrl = r;
    }
    if (!c.credentials.refreshToken.isEmpty() && !c.credentials.refreshUrl.isValid())
        return fail(QStringLiteral("--refresh-token needs --refresh-url"));

    if (p.isSet(transport)) {
        const QString v = p.value(transport);
        if (v == QLatin1String("header"))
            c.tokenTransport = ConnectionConfig::TokenTransport::Header;
        else if (v == QLatin1String("query"))
            c.tokenTransport = ConnectionConfig::TokenTransport::Query;
        else if (v == QLatin1String("message"))
            c.tokenTransport = ConnectionConfig::TokenTransport::Message;
        else
            return fail(QStringLiteral("--token-transport: expected header, query or message, got '%1'").arg(v));
    }
    c.transportMode = ConnectionConfig::TransportMode::Auto; // the library's default is WebSocket only
    if (p.isSet(transportMode)) {
        const QString v = p.value(transportMode);
        if (v == QLatin1String("auto"))
            c.transportMode = ConnectionConfig::TransportMode::Auto;
        else if (v == QLatin1String("websocket"))
            c.transportMode = ConnectionConfig::TransportMode::WebSocket;
        else if (v == QLatin1String("long-poll"))
            c.transportMode = ConnectionConfig::TransportMode::LongPoll;
        else
            return fail(QStringLiteral("--transport: expected auto, websocket or long-poll, got '%1'").arg(v));
    }
    if (p.isSet(heartbeat)) {
        const QString v = p.value(heartbeat);
        if (v == QLatin1String("frame"))
            c.heartbeatMode = ConnectionConfig::HeartbeatMode::Frame;
        else if (v == QLatin1String("json"))
            c.heartbeatMode = ConnectionConfig::HeartbeatMode::Json;
        else if (v == QLatin1String("off"))
            c.heartbeatMode = ConnectionConfig::HeartbeatMode::Off;
        else
            return fail(QStringLiteral("--heartbeat: expected frame, json or off, got '%1'").arg(v));
    }
    if (p.isSet(jitter)) {
        const QString v = p.value(jitter);
        if (v == QLatin1String("none"))
            c.backoff.jitter = BackoffPolicy::Jitter::None;
        else if (v == QLatin1String("equal"))
            c.backoff.jitter = BackoffPolicy::Jitter::Equal;
        else if (v == QLatin1String("full"))
            c.backoff.jitter = BackoffPolicy::Jitter::Full;
        else
            return fail(QStringLiteral("--jitter: expected none, equal or full, got '%1'").arg(v));
    }

    struct IntOption { const QCommandLineOption *option; int min; int *target; };
    const IntOption ints[] = {
        { &heartbeatInterval, 1, &c.heartbeatIntervalMs }, { &pongTimeout, 1, &c.pongTimeoutMs },
        { &connectTimeout, 1, &c.connectTimeoutMs },       { &backoffInitial, 0, &c.backoff.initialMs },
        { &backoffMax, 0, &c.backoff.maxMs },              { &maxAttempts, 0, &c.backoff.maxAttempts },
        { &queueLimit, 0, &c.queueLimit },                 { &minUptime, 0, &c.minUptimeMs },
        { &flushTimeout, 0, &flushTimeoutMs },             { &wsRetryInterval, 1, &c.wsRetryIntervalMs },
    };
    for (const IntOption &o : ints) {
        if (!p.isSet(*o.option))
            continue;
        if (!parseInt(p.value(*o.option), o.min, o.target))
            return fail(QStringLiteral("--%1: expected an integer >= %2, got '%3'")
                                .arg(o.option->names().constFirst())
                                .arg(o.min)
                                .arg(p.value(*o.option)));
    }
    if (c.backoff.maxMs < c.backoff.initialMs)
        return fail(QStringLiteral("--backoff-max (%1) is below --backoff-initial (%2)")
                            .arg(c.backoff.maxMs)
                            .arg(c.backoff.initialMs));
    if (p.isSet(backoffMultiplier)) {
        bool ok = false;
        const double m = p.value(backoffMultiplier).toDouble(&ok);
        if (!ok || m < 1.0 || m > 100.0)
            return fail(QStringLiteral("--backoff-multiplier: expected a number from 1 to 100, got '%1'")
                                .arg(p.value(backoffMultiplier)));
        c.backoff.multiplier = m;
    }
    chat.enabled = p.isSet(chatOption);
    if (!chat.enabled) {
        for (const QCommandLineOption *o : { &userOption, &passwordOption, &httpOption, &conversationOption, &dbOption,
                                             &stdinJsonOption, &outboxLimitOption }) {
            if (p.isSet(*o))
                return fail(QStringLiteral("--%1 needs --chat").arg(o->names().constFirst()));
        }
    } else {
        chat.user = p.value(userOption);
        chat.password = p.isSet(passwordOption) ? p.value(passwordOption) : qEnvironmentVariable("TETHER_PASSWORD");
        if (p.isSet(passwordOption) && chat.user.isEmpty())
            return fail(QStringLiteral("--password needs --user"));
        if (!chat.user.isEmpty() && chat.password.isEmpty())
            return fail(QStringLiteral("--user needs --password (or TETHER_PASSWORD)"));
        if (!chat.user.isEmpty() && !c.credentials.accessToken.isEmpty())
            return fail(QStringLiteral("--user and --token exclude each other"));
        if (p.isSet(httpOption)) {
            const QUrl h(p.value(httpOption), QUrl::StrictMode);
            if (!h.isValid() || h.host().isEmpty()
                || (h.scheme() != QLatin1String("http") && h.scheme() != QLatin1String("https")))
                return fail(QStringLiteral("--http: not an http(s) URL: %1").arg(p.value(httpOption)));
            chat.httpUrl = h;
            if (InsecureUrl::isInsecure(h))
                warnings << InsecureUrl::warning(h);
        }
        if (p.isSet(conversationOption)) {
            chat.conversation = p.value(conversationOption);
            if (chat.conversation.isEmpty())
                return fail(QStringLiteral("--conversation: empty"));
        }
        chat.databasePath = p.value(dbOption);
        chat.stdinJson = p.isSet(stdinJsonOption);
        if (p.isSet(outboxLimitOption) && !parseInt(p.value(outboxLimitOption), 1, &chat.outboxLimit))
            return fail(QStringLiteral("--outbox-limit: expected an integer >= 1, got '%1'").arg(p.value(outboxLimitOption)));
    }
    json = p.isSet(jsonOption);
    verbose = p.isSet(verboseOption);
    result.outcome = Outcome::Run;
    return result;
}

} // namespace Tether
