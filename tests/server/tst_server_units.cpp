// The server's pure parts: rate limiter, restart spread, JWT, password hashing, HTTP head parsing
// and the command line.

#include "httprequest.h"
#include "passwordhasher.h"
#include "ratelimiter.h"
#include "restartspread.h"
#include "serveroptions.h"
#include "tokenservice.h"

#include <QRandomGenerator>
#include <QSet>
#include <QTest>

#include <algorithm>

using namespace Tether;

class TestServerUnits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rateLimiterBurstAndRefill();
    void rateLimiterDisabled();
    void spreadIsEvenAndRandom_data();
    void spreadIsEvenAndRandom();
    void jwtRoundTrip();
    void jwtRejects();
    void jwtFractionalExpiry();
    void passwordHash();
    void httpHead();
    void options_data();
    void options();
    void optionsValues();
    void optionsClusterFromEnvironment();
    void optionsLoadBounds();
};

void TestServerUnits::rateLimiterBurstAndRefill()
{
    RateLimiter limiter(10, 5); // 10/s, burst 5
    for (int i = 0; i < 5; ++i)
        QVERIFY(limiter.allow(1000));
    QVERIFY(!limiter.allow(1000));
    QVERIFY(!limiter.allow(1050));
    QCOMPARE(limiter.consecutiveRejections(), 2);
    QVERIFY(limiter.allow(1100)); // 100 ms at 10/s = one token
    QCOMPARE(limiter.consecutiveRejections(), 0);
    QVERIFY(!limiter.allow(1100));
    // A long pause refills only up to the burst.
    int allowed = 0;
    for (int i = 0; i < 20; ++i)
        allowed += limiter.allow(100000) ? 1 : 0;
    QCOMPARE(allowed, 5);
    // A clock going backwards never mints tokens.
    QVERIFY(!limiter.allow(50));
}

void TestServerUnits::rateLimiterDisabled()
{
    RateLimiter limiter(0, 0);
    QVERIFY(!limiter.isEnabled());
    for (int i = 0; i < 10000; ++i)
        QVERIFY(limiter.allow(0));
}

void TestServerUnits::spreadIsEvenAndRandom_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("window");
    QTest::newRow("one") << 1 << 5000;
    QTest::newRow("few") << 3 << 5000;
    QTest::newRow("many") << 200 << 5000;
    QTest::newRow("more clients than ms") << 50 << 10;
    QTest::newRow("zero window") << 7 << 0;
}

void TestServerUnits::spreadIsEvenAndRandom()
{
    QFETCH(int, count);
    QFETCH(int, window);
    QRandomGenerator random(42);
    const QList<int> delays = spreadRetryDelays(count, window, &random);
    QCOMPARE(delays.size(), count);
    for (int d : delays) {
        QVERIFY(d >= 0);
        QVERIFY(window == 0 ? d == 0 : d < window);
    }
    if (window > 0) {
        // Exactly one delay per stratum [i*w/n, (i+1)*w/n).
        QList<int> sorted = delays;
        std::sort(sorted.begin(), sorted.end());
        for (int i = 0; i < count; ++i) {
            QVERIFY(sorted[i] >= int(double(i) * window / count) - 1);
            QVERIFY(sorted[i] <= int(double(i + 1) * window / count));
        }
        // Different seeds give different assignments.
        QRandomGenerator other(7);
        if (count >= 3)
            QVERIFY(spreadRetryDelays(count, window, &other) != delays);
    }
}

void TestServerUnits::jwtRoundTrip()
{
    TokenService tokens(QByteArrayLiteral("unit-secret-abcdefghijklmnop"));
    const qint64 now = 1700000000000;
    const QString token = tokens.issue(QStringLiteral("alice"), QStringLiteral("Alice"), now, 60000);
    const QStringList parts = token.split(QLatin1Char('.'));
    QCOMPARE(parts.size(), 3);
    for (const QString &p : parts) {
        QVERIFY(!p.contains(QLatin1Char('=')));
        QVERIFY(!p.contains(QLatin1Char('+')));
        QVERIFY(!p.contains(QLatin1Char('/')));
    }
    TokenService::Claims claims;
    QCOMPARE(tokens.verify(token, now + 1000, &claims), TokenService::Verdict::Valid);
    QCOMPARE(claims.subject, QStringLiteral("alice"));
    QCOMPARE(claims.name, QStringLiteral("Alice"));
    QCOMPARE(claims.expiresAtMs, now + 60000);
    QCOMPARE(tokens.verify(token, now + 60000), TokenService::Verdict::Expired);
    QCOMPARE(tokens.verify(token, now + 59999), TokenService::Verdict::Valid);
    // Header is the standard HS256 one.
    const auto header = QByteArray::fromBase64(parts[0].toLatin1(), QByteArray::Base64UrlEncoding);
    QVERIFY(header.contains("\"alg\":\"HS256\""));
}

void TestServerUnits::jwtRejects()
{
    TokenService tokens(QByteArrayLiteral("unit-secret-abcdefghijklmnop"));
    const qint64 now = 1700000000000;
    const QString token = tokens.issue(QStringLiteral("alice"), QStringLiteral("alice"), now, 60000);
    QCOMPARE(TokenService(QByteArrayLiteral("another-secret-xxxxxxxxxx")).verify(token, now), TokenService::Verdict::Invalid);
    // Forged AND expired is Invalid, not Expired.
    QCOMPARE(TokenService(QByteArrayLiteral("another-secret-xxxxxxxxxx")).verify(token, now + 999999), TokenService::Verdict::Invalid);
    QString flipped = token;
    flipped[flipped.size() - 2] = flipped[flipped.size() - 2] == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
    QCOMPARE(tokens.verify(flipped, now), TokenService::Verdict::Invalid);
    QCOMPARE(tokens.verify(QString(), now), TokenService::Verdict::Invalid);
    QCOMPARE(tokens.verify(QStringLiteral("a.b"), now), TokenService::Verdict::Invalid);
    QCOMPARE(tokens.verify(QStringLiteral("a.b.c.d"), now), TokenService::Verdict::Invalid);
    QCOMPARE(tokens.verify(QStringLiteral("!!.??.**"), now), TokenService::Verdict::Invalid);
    // alg=none with an empty signature.
    const QByteArray none = TokenService::base64Url(QByteArrayLiteral("{\"alg\":\"none\"}")) + '.'
            + TokenService::base64Url(QByteArrayLiteral("{\"sub\":\"alice\",\"exp\":9999999999}")) + '.';
    QCOMPARE(tokens.verify(QString::fromLatin1(none), now), TokenService::Verdict::Invalid);
    QCOMPARE(TokenService().verify(token, now), TokenService::Verdict::Invalid); // no secret: nothing is valid
}

void TestServerUnits::jwtFractionalExpiry()
{
    TokenService tokens(QByteArrayLiteral("unit-secret-abcdefghijklmnop"));
    const qint64 now = 1700000000123;
    const QString token = tokens.issue(QStringLiteral("a"), QStringLiteral("a"), now, 250);
    TokenService::Claims claims;
    QCOMPARE(tokens.verify(token, now + 249, &claims), TokenService::Verdict::Valid);
    QCOMPARE(claims.expiresAtMs, now + 250);
    QCOMPARE(tokens.verify(token, now + 250), TokenService::Verdict::Expired);
}

void TestServerUnits::passwordHash()
{
    const PasswordHasher::Hash h = PasswordHasher::hash(QStringLiteral("correct horse"), 1000);
    QCOMPARE(h.salt.size(), 16);
    QCOMPARE(h.key.size(), 32);
    QVERIFY(!h.key.contains("correct horse"));
    QVERIFY(PasswordHasher::verify(QStringLiteral("correct horse"), h));
    QVERIFY(!PasswordHasher::verify(QStringLiteral("correct horsE"), h));
    QVERIFY(!PasswordHasher::verify(QString(), h));
    const PasswordHasher::Hash h2 = PasswordHasher::hash(QStringLiteral("correct horse"), 1000);
    QVERIFY(h2.salt != h.salt);
    QVERIFY(h2.key != h.key);
    QVERIFY(!PasswordHasher::verify(QStringLiteral("x"), PasswordHasher::Hash()));
    QVERIFY(TokenService::constantTimeEquals("abc", "abc"));
    QVERIFY(!TokenService::constantTimeEquals("abc", "abd"));
    QVERIFY(!TokenService::constantTimeEquals("abc", "abcd"));
}

void TestServerUnits::httpHead()
{
    QCOMPARE(HttpRequest::parseHead("GET /health HTTP/1.1\r\nHost: x\r\n").state(), HttpRequest::State::Incomplete);
    const HttpRequest get = HttpRequest::parseHead("GET /ws?access_token=a%2Bb&x=1 HTTP/1.1\r\nHost: x\r\n"
                                                   "Upgrade: WebSocket\r\nConnection: Upgrade\r\n\r\nrest");
    QCOMPARE(get.state(), HttpRequest::State::Complete);
    QCOMPARE(get.method(), QByteArray("GET"));
    QCOMPARE(get.path(), QByteArray("/ws"));
    QCOMPARE(get.query().queryItemValue(QStringLiteral("access_token"), QUrl::FullyDecoded), QStringLiteral("a+b"));
    QVERIFY(get.isWebSocketUpgrade());
    QCOMPARE(get.headLength(), qsizetype(strlen("GET /ws?access_token=a%2Bb&x=1 HTTP/1.1\r\nHost: x\r\n"
                                                "Upgrade: WebSocket\r\nConnection: Upgrade\r\n\r\n")));
    const HttpRequest post = HttpRequest::parseHead("POST /api/auth/login HTTP/1.1\r\ncontent-LENGTH: 12\r\n\r\n");
    QCOMPARE(post.contentLength(), 12);
    QCOMPARE(post.header("Content-Length"), QByteArray("12"));
    QVERIFY(!post.isWebSocketUpgrade());
    QCOMPARE(HttpRequest::parseHead("garbage\r\n\r\n").state(), HttpRequest::State::Malformed);
    QCOMPARE(HttpRequest::parseHead("GET noslash HTTP/1.1\r\n\r\n").state(), HttpRequest::State::Malformed);
    QCOMPARE(HttpRequest::parseHead("GET / HTTP/1.1\r\nbadheader\r\n\r\n").state(), HttpRequest::State::Malformed);
    QCOMPARE(HttpRequest::parseHead("POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n").state(), HttpRequest::State::Malformed);
    QCOMPARE(HttpRequest::parseHead("POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n").state(), HttpRequest::State::Malformed);
}

void TestServerUnits::options_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<bool>("ok");
    auto row = [](const char *name, std::initializer_list<const char *> args, bool ok) {
        QStringList list{ QStringLiteral("tether-server") };
        for (const char *a : args)
            list.append(QString::fromLatin1(a));
        QTest::newRow(name) << list << ok;
    };
    row("none", {}, true);
    row("all", { "--listen", "127.0.0.1:0", "--db", "/tmp/x.db", "--allow-guests", "--demo", "--access-ttl", "0.5",
                 "--idle-timeout", "2", "--restart-spread", "0", "--max-connections", "3", "--secret-file", "/tmp/s" }, true);
    row("ipv6", { "--listen", "[::1]:8080" }, true);
    row("unknown flag", { "--bogus" }, false);
    row("positional", { "extra" }, false);
    row("listen no port", { "--listen", "127.0.0.1" }, false);
    row("listen bad port", { "--listen", "127.0.0.1:70000" }, false);
    row("listen bad host", { "--listen", "nohost.example:80" }, false);
    row("listen missing value", { "--listen" }, false);
    row("ttl text", { "--access-ttl", "soon" }, false);
    row("ttl zero", { "--access-ttl", "0" }, false);
    row("ttl negative", { "--access-ttl", "-1" }, false);
    row("idle negative", { "--idle-timeout", "-3" }, false);
    row("max connections text", { "--max-connections", "many" }, false);
    row("max connections negative", { "--max-connections", "-1" }, false);
    row("rate limit negative", { "--rate-limit", "-1" }, false);
    row("add-user empty", { "--add-user", "" }, false);
    row("cluster", { "--postgres", "host=127.0.0.1 dbname=t", "--redis", "redis://127.0.0.1:6379", "--instance-id", "n1" }, true);
    row("redis without postgres", { "--redis", "redis://127.0.0.1:6379" }, false);
    row("redis not a redis url", { "--postgres", "dbname=t", "--redis", "http://127.0.0.1:6379" }, false);
    row("redis without host", { "--postgres", "dbname=t", "--redis", "redis://" }, false);
    row("instance id empty", { "--instance-id", "" }, false);
}

void TestServerUnits::options()
{
    QFETCH(QStringList, args);
    QFETCH(bool, ok);
    ServerOptions options;
    QString error;
    QCOMPARE(ServerOptions::parse(args, &options, &error), ok);
    QCOMPARE(error.isEmpty(), ok);
}

// The connection strings may come from the environment (a password stays out of ps); a flag wins.
void TestServerUnits::optionsClusterFromEnvironment()
{
    qputenv("TETHER_POSTGRES", "host=127.0.0.1 dbname=env password=p");
    qputenv("TETHER_REDIS", "redis://127.0.0.1:7000");
    ServerOptions options;
    QString error;
    QVERIFY2(ServerOptions::parse({ QStringLiteral("tether-server") }, &options, &error), qPrintable(error));
    QCOMPARE(options.config.postgres, QStringLiteral("host=127.0.0.1 dbname=env password=p"));
    QCOMPARE(options.config.redis, QStringLiteral("redis://127.0.0.1:7000"));
    QVERIFY(ServerOptions::parse({ QStringLiteral("tether-server"), QStringLiteral("--postgres"), QStringLiteral("dbname=flag") },
                                 &options, &error));
    QCOMPARE(options.config.postgres, QStringLiteral("dbname=flag"));
    qunsetenv("TETHER_POSTGRES");
    qunsetenv("TETHER_REDIS");
    QVERIFY(ServerOptions::parse({ QStringLiteral("tether-server") }, &options, &error));
    QVERIFY(options.config.postgres.isEmpty());
    QVERIFY(options.config.redis.isEmpty());
}

void TestServerUnits::optionsValues()
{
    ServerOptions options;
    QString error;
    QVERIFY(ServerOptions::parse({ QStringLiteral("tether-server"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:4567"),
                                   QStringLiteral("--access-ttl"), QStringLiteral("1.25"), QStringLiteral("--idle-timeout"),
                                   QStringLiteral("0.2"), QStringLiteral("--restart-spread"), QStringLiteral("3"),
                                   QStringLiteral("--max-connections"), QStringLiteral("9"), QStringLiteral("--demo"),
                                   QStringLiteral("--allow-guests"), QStringLiteral("--add-user"), QStringLiteral("bob") },
                                 &options, &error));
    QCOMPARE(options.config.address, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(options.config.port, quint16(4567));
    QCOMPARE(options.config.accessTtlMs, 1250);
    QCOMPARE(options.config.idleTimeoutMs, 200);
    QCOMPARE(options.config.restartSpreadMs, 3000);
    QCOMPARE(options.config.maxConnections, 9);
    QVERIFY(options.config.demo);
    QVERIFY(options.config.allowGuests);
    QVERIFY(!options.config.openRegistration);
    QCOMPARE(options.addUser, QStringLiteral("bob"));
    QVERIFY(ServerOptions::helpText().contains(QStringLiteral("--restart-spread")));
}

// Issue 10's bounds: each has a default, a flag, and 0 turns it off.
void TestServerUnits::optionsLoadBounds()
{
    ServerOptions defaults;
    QString error;
    QVERIFY(ServerOptions::parse({ QStringLiteral("tether-server") }, &defaults, &error));
    QCOMPARE(defaults.config.maxConnections, ServerConfig::AutoMaxConnections);
    QCOMPARE(defaults.config.maxPerAddress, 64);
    QCOMPARE(defaults.config.authTimeoutMs, 10000);
    QCOMPARE(defaults.config.replayLimit, 500);
    QCOMPARE(defaults.config.sendBufferBytes, qint64(4 * 1024 * 1024));
    QCOMPARE(defaults.config.groupCommitMax, 1000);
    QVERIFY(defaults.config.durableAcks);
    QVERIFY(defaults.config.loginRatePerMinute > 0);
    QVERIFY(defaults.config.loginUserRatePerMinute > 0);

    ServerOptions options;
    QVERIFY2(ServerOptions::parse({ QStringLiteral("tether-server"), QStringLiteral("--max-connections"), QStringLiteral("0"),
                                    QStringLiteral("--max-per-address"), QStringLiteral("0"), QStringLiteral("--auth-timeout"),
                                    QStringLiteral("0.5"), QStringLiteral("--replay-limit"), QStringLiteral("0"),
                                    QStringLiteral("--send-buffer"), QStringLiteral("65536"), QStringLiteral("--group-commit"),
                                    QStringLiteral("0"), QStringLiteral("--synchronous"), QStringLiteral("normal"),
                                    QStringLiteral("--login-rate"), QStringLiteral("0"), QStringLiteral("--login-user-rate"),
                                    QStringLiteral("3"), QStringLiteral("--max-pending-logins"), QStringLiteral("5") },
                                  &options, &error), qPrintable(error));
    QCOMPARE(options.config.maxConnections, 0);
    QCOMPARE(options.config.maxPerAddress, 0);
    QCOMPARE(options.config.authTimeoutMs, 500);
    QCOMPARE(options.config.replayLimit, 0);
    QCOMPARE(options.config.sendBufferBytes, qint64(65536));
    QCOMPARE(options.config.groupCommitMax, 0);
    QVERIFY(!options.config.durableAcks);
    QCOMPARE(options.config.loginRatePerMinute, 0.0);
    QCOMPARE(options.config.loginUserRatePerMinute, 3.0);
    QCOMPARE(options.config.maxPendingLogins, 5);

    for (const QStringList &bad : { QStringList{ QStringLiteral("--max-per-address"), QStringLiteral("-1") },
                                    QStringList{ QStringLiteral("--send-buffer"), QStringLiteral("4M") },
                                    QStringList{ QStringLiteral("--synchronous"), QStringLiteral("off") },
                                    QStringList{ QStringLiteral("--auth-timeout"), QStringLiteral("soon") },
                                    QStringList{ QStringLiteral("--replay-limit"), QStringLiteral("many") } }) {
        ServerOptions refused;
        QVERIFY2(!ServerOptions::parse(QStringList{ QStringLiteral("tether-server") } + bad, &refused, &error),
                 qPrintable(bad.join(QLatin1Char(' '))));
        QVERIFY(error.contains(bad.constFirst()));
    }
}

QTEST_GUILESS_MAIN(TestServerUnits)
#include "tst_server_units.moc"
