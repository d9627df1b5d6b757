#include "serveroptions.h"

#include "serverlog.h"

#include <QCommandLineParser>
#include <QUrl>

#include <cmath>

namespace Tether {

namespace {
QList<QCommandLineOption> optionList()
{
    auto value = [](const char *name, const char *description, const char *valueName) {
        return QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(description), QString::fromLatin1(valueName));
    };
    auto flag = [](const char *name, const char *description) {
        return QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(description));
    };
    return {
        value("listen", "Address and port to listen on (default 127.0.0.1:0 = a free port).", "HOST:PORT"),
        value("db", "SQLite database file (default under the user's data dir).", "PATH"),
        value("postgres", "Keep the data in PostgreSQL instead of SQLite, shared by any number of instances; "
                          "libpq key=value form (or env TETHER_POSTGRES, which keeps a password out of ps).", "CONNINFO"),
        value("redis", "Fan out to the other instances through Redis, e.g. redis://127.0.0.1:6379 "
                       "(or env TETHER_REDIS).", "URL"),
        value("instance-id", "This instance's name in /health and logs (default: host name and pid).", "ID"),
        flag("allow-guests", "Accept connections without a token as guests."),
        flag("demo", "Create the public 'lobby' and 'echo' conversations and the echo bot."),
        flag("open-registration", "Allow POST /api/auth/register."),
        value("access-ttl", "Access token lifetime in seconds (default 900).", "S"),
        value("idle-timeout", "Close connections silent this long, seconds (default 60).", "S"),
        value("restart-spread", "Spread reconnects after shutdown over this window, seconds (default 5).", "S"),
        value("max-connections", "Connections held at once (WebSockets and HTTP requests); more get HTTP 503 "
                                 "(default: the descriptor limit minus a reserve; 0 = unlimited).", "N"),
        value("max-per-address", "Connections at once from one address (default 64; 0 = unlimited).", "N"),
        value("auth-timeout", "A WebSocket must authenticate (or a guest say hello) within S seconds "
                              "(default 10; 0 = no limit).", "S"),
        value("poll-hold", "A long poll (GET /api/poll) with nothing to answer is held S seconds (default 25).", "S"),
        value("poll-expiry", "A long-polling session not polled for S seconds ends (default 60).", "S"),
        value("max-poll-sessions", "Long-polling sessions at once; more get HTTP 503 (default 1000; 0 = unlimited).", "N"),
        value("replay-limit", "Messages per conversation replayed after hello; the rest is paged with "
                              "history (default 500; 0 = all).", "N"),
        value("send-buffer", "Unsent bytes one connection may hold before it is closed as a slow consumer, 4008 "
                             "(default 4194304; 0 = unlimited).", "BYTES"),
        value("group-commit", "Sends stored per transaction, acknowledged once on disk (default 1000; "
                              "0 = one transaction per send).", "N"),
        value("synchronous", "SQLite durability: full (an ack survives a power cut; default) or normal "
                             "(survives a crash of the server only).", "MODE"),
        value("login-rate", "Login and registration attempts per address per minute (default 30; 0 = off).", "N"),
        value("login-user-rate", "Login attempts per user name per minute (default 10; 0 = off).", "N"),
        value("max-pending-logins", "Password hashes queued or running at once; more get HTTP 503 "
                                    "(default 64; 0 = unlimited).", "N"),
        value("secret-file", "Token signing secret (default: <db>.secret, generated).", "PATH"),
        value("rate-limit", "Frames per second per connection (default 100; 0 = off).", "N"),
        value("rate-burst", "Burst of the rate limit (default 500).", "N"),
        value("max-text", "Longest message text in UTF-8 bytes (default 65536; 0 = only the frame limit).", "BYTES"),
        value("user-rate", "Sends per second per user, across its connections (default 20; 0 = off).", "N"),
        value("user-burst", "Burst of the per-user send rate (default 100).", "N"),
        value("create-limit", "Conversations one user may create per hour (default 20; 0 = off).", "N"),
        value("refresh-grace", "A rotated refresh token retried within S seconds gets the same tokens (default 30; 0 = never).", "S"),
        value("metrics-token", "GET /metrics wants 'Authorization: Bearer T' (or env TETHER_METRICS_TOKEN; default: loopback peers only).", "T"),
        value("log-format", "Log lines as 'text' (default) or 'json' (one object per line).", "FORMAT"),
        value("add-user", "Store user NAME with the password read from stdin, then exit.", "NAME"),
        value("add-conversation", "Create conversation ID (or change its title and visibility), then exit.", "ID"),
        value("title", "With --add-conversation: its title (default: the id).", "T"),
        flag("public", "With --add-conversation: open to every user and guest (default: members only)."),
        flag("help", "Show this help."),
        flag("version", "Show the version."),
    };
}

bool parseSeconds(const QString &text, int *ms, bool allowZero)
{
    bool ok = false;
    const double seconds = text.toDouble(&ok);
    if (!ok || !std::isfinite(seconds) || seconds < 0 || (!allowZero && seconds == 0) || seconds > 365.0 * 24 * 3600 / 16)
        return false;
    *ms = int(std::llround(seconds * 1000.0));
    return allowZero || *ms > 0;
}
} // namespace

QString ServerOptions::helpText()
{
    QString text = QStringLiteral("Usage: tether-server [options]\n"
                                  "The Tether reference chat server (protocol: docs/protocol.md).\n\nOptions:\n");
    for (const QCommandLineOption &option : optionList()) {
        QString left = QStringLiteral("  --") + option.names().constFirst();
        if (!option.valueName().isEmpty())
            left += QLatin1Char(' ') + option.valueName();
        text += left.leftJustified(28) + QLatin1Char(' ') + option.description() + QLatin1Char('\n');
    }
    return text;
}

bool ServerOptions::parse(const QStringList &arguments, ServerOptions *options, QString *errorMessage)
{
    auto fail = [errorMessage](const QString &message) {
        if (errorMessage)
            *errorMessage = message;
        return false;
    };
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addOptions(optionList());
    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (!parser.positionalArguments().isEmpty())
        return fail(QStringLiteral("unexpected argument: %1").arg(parser.positionalArguments().constFirst()));

    ServerOptions result;
    result.help = parser.isSet(QStringLiteral("help"));
    result.version = parser.isSet(QStringLiteral("version"));
    ServerConfig &config = result.config;

    if (parser.isSet(QStringLiteral("listen"))) {
        const QString listen = parser.value(QStringLiteral("listen"));
        const int colon = int(listen.lastIndexOf(QLatin1Char(':')));
        if (colon <= 0)
            return fail(QStringLiteral("--listen expects HOST:PORT, got \"%1\"").arg(listen));
        QString host = listen.left(colon);
        if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
            host = host.mid(1, host.size() - 2);
        bool ok = false;
        const uint port = listen.mid(colon + 1).toUInt(&ok);
        if (!ok || port > 65535)
            return fail(QStringLiteral("--listen: invalid port in \"%1\"").arg(listen));
        QHostAddress address;
        if (host == QLatin1String("localhost"))
            address = QHostAddress::LocalHost;
        else if (!address.setAddress(host))
            return fail(QStringLiteral("--listen: invalid address \"%1\" (use an IP address)").arg(host));
        config.address = address;
        config.port = quint16(port);
    }
    if (parser.isSet(QStringLiteral("db"))) {
        config.databasePath = parser.value(QStringLiteral("db"));
        if (config.databasePath.isEmpty())
            return fail(QStringLiteral("--db: empty path"));
    }
    if (parser.isSet(QStringLiteral("secret-file"))) {
        config.secretFile = parser.value(QStringLiteral("secret-file"));
        if (config.secretFile.isEmpty())
            return fail(QStringLiteral("--secret-file: empty path"));
    }
    // The environment keeps a password out of the process list; the flag wins when both are given.
    config.postgres = parser.isSet(QStringLiteral("postgres")) ? parser.value(QStringLiteral("postgres"))
                                                               : qEnvironmentVariable("TETHER_POSTGRES");
    config.redis = parser.isSet(QStringLiteral("redis")) ? parser.value(QStringLiteral("redis"))
                                                         : qEnvironmentVariable("TETHER_REDIS");
    if (!config.redis.isEmpty()) {
        const QUrl url(config.redis, QUrl::StrictMode);
        if (!url.isValid() || url.scheme() != QLatin1String("redis") || url.host().isEmpty() || url.port(6379) <= 0)
            return fail(QStringLiteral("--redis expects redis://HOST[:PORT], got \"%1\"").arg(url.toString(QUrl::RemoveUserInfo)));
        if (config.postgres.isEmpty())
            return fail(QStringLiteral("--redis needs --postgres: the instances must share their data"));
    }
    if (parser.isSet(QStringLiteral("instance-id"))) {
        config.instanceId = parser.value(QStringLiteral("instance-id"));
        if (config.instanceId.isEmpty() || config.instanceId.size() > 64 || config.instanceId.contains(QLatin1Char('\n')))
            return fail(QStringLiteral("--instance-id: 1-64 characters on one line"));
    }
    config.allowGuests = parser.isSet(QStringLiteral("allow-guests"));
    config.demo = parser.isSet(QStringLiteral("demo"));
    config.openRegistration = parser.isSet(QStringLiteral("open-registration"));

    struct Duration { const char *name; int *target; bool allowZero; };
    const Duration durations[] = {
        { "access-ttl", &config.accessTtlMs, false },
        { "idle-timeout", &config.idleTimeoutMs, true },
        { "restart-spread", &config.restartSpreadMs, true },
        { "auth-timeout", &config.authTimeoutMs, true },
        { "poll-hold", &config.pollHoldMs, false },
        { "poll-expiry", &config.pollExpiryMs, false },
    };
    for (const Duration &d : durations) {
        const QString name = QString::fromLatin1(d.name);
        if (parser.isSet(name) && !parseSeconds(parser.value(name), d.target, d.allowZero))
            return fail(QStringLiteral("--%1: expected a %2number of seconds, got \"%3\"")
                                .arg(name, d.allowZero ? QString() : QStringLiteral("positive "), parser.value(name)));
    }
    const struct { const char *name; int *target; } counts[] = {
        { "max-connections", &config.maxConnections },
        { "max-per-address", &config.maxPerAddress },
        { "replay-limit", &config.replayLimit },
        { "group-commit", &config.groupCommitMax },
        { "max-pending-logins", &config.maxPendingLogins },
        { "max-text", &config.maxTextBytes },
        { "create-limit", &config.conversationsPerHour },
        { "max-poll-sessions", &config.maxPollSessions },
    };
    for (const auto &c : counts) {
        const QString name = QString::fromLatin1(c.name);
        if (!parser.isSet(name))
            continue;
        bool ok = false;
        const int n = parser.value(name).toInt(&ok);
        if (!ok || n < 0)
            return fail(QStringLiteral("--%1: expected a whole number >= 0, got \"%2\"").arg(name, parser.value(name)));
        *c.target = n;
    }
    if (parser.isSet(QStringLiteral("send-buffer"))) {
        bool ok = false;
        const qint64 n = parser.value(QStringLiteral("send-buffer")).toLongLong(&ok);
        if (!ok || n < 0)
            return fail(QStringLiteral("--send-buffer: expected a number of bytes >= 0, got \"%1\"")
                                .arg(parser.value(QStringLiteral("send-buffer"))));
        config.sendBufferBytes = n;
    }
    if (parser.isSet(QStringLiteral("synchronous"))) {
        const QString mode = parser.value(QStringLiteral("synchronous"));
        if (mode != QLatin1String("full") && mode != QLatin1String("normal"))
            return fail(QStringLiteral("--synchronous: expected full or normal, got \"%1\"").arg(mode));
        config.durableAcks = mode == QLatin1String("full");
    }
    const struct { const char *name; double *target; } rates[] = {
        { "rate-limit", &config.rateLimitPerSecond },
        { "rate-burst", &config.rateLimitBurst },
        { "login-rate", &config.loginRatePerMinute },
        { "login-user-rate", &config.loginUserRatePerMinute },
        { "user-rate", &config.userRatePerSecond },
        { "user-burst", &config.userRateBurst },
    };
    for (const auto &r : rates) {
        const QString name = QString::fromLatin1(r.name);
        if (!parser.isSet(name))
            continue;
        bool ok = false;
        const double v = parser.value(name).toDouble(&ok);
        if (!ok || !std::isfinite(v) || v < 0)
            return fail(QStringLiteral("--%1: expected a number >= 0, got \"%2\"").arg(name, parser.value(name)));
        *r.target = v;
    }
    if (parser.isSet(QStringLiteral("refresh-grace"))) {
        int graceMs = 0;
        if (!parseSeconds(parser.value(QStringLiteral("refresh-grace")), &graceMs, true))
            return fail(QStringLiteral("--refresh-grace: expected a number of seconds, got \"%1\"")
                                .arg(parser.value(QStringLiteral("refresh-grace"))));
        config.refreshGraceMs = graceMs;
    }
    if (parser.isSet(QStringLiteral("add-conversation"))) {
        result.addConversation = parser.value(QStringLiteral("add-conversation"));
        if (result.addConversation.isEmpty())
            return fail(QStringLiteral("--add-conversation: empty id"));
        result.conversationTitle = parser.value(QStringLiteral("title"));
        result.publicConversation = parser.isSet(QStringLiteral("public"));
    } else if (parser.isSet(QStringLiteral("title")) || parser.isSet(QStringLiteral("public"))) {
        return fail(QStringLiteral("--title and --public go with --add-conversation"));
    }
    // The environment keeps the token out of the process list; the flag wins when both are given.
    config.metricsToken = parser.isSet(QStringLiteral("metrics-token")) ? parser.value(QStringLiteral("metrics-token"))
                                                                         : qEnvironmentVariable("TETHER_METRICS_TOKEN");
    if (parser.isSet(QStringLiteral("log-format"))
        && !ServerLog::parseFormat(parser.value(QStringLiteral("log-format")), &result.logFormat))
        return fail(QStringLiteral("--log-format: expected text or json, got \"%1\"").arg(parser.value(QStringLiteral("log-format"))));
    if (parser.isSet(QStringLiteral("add-user"))) {
        result.addUser = parser.value(QStringLiteral("add-user"));
        if (result.addUser.isEmpty())
            return fail(QStringLiteral("--add-user: empty name"));
    }
    *options = result;
    return true;
}

} // namespace Tether
