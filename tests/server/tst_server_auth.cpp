// Authentication paths of the reference server: WebSocket header / query / first message / guest,
// expired and forged tokens, HTTP login, refresh rotation and HTTP bad input.

#include "servertestutil.h"

#include <QTcpSocket>

using namespace TestUtil;

class TestServerAuth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void headerToken();
    void queryToken();
    void firstMessageToken();
    void guestWithoutToken();
    void noTokenWithoutGuests();
    void expiredToken_data();
    void expiredToken();
    void forgedToken_data();
    void forgedToken();
    void unknownUserToken();
    void loginAndRefreshRotation();
    void loginFailures();
    void refreshTokenExpires();
    void refreshRetryWithinGraceGetsTheSamePair();
    void refreshReuseAfterGraceRevokesTheFamily();
    void refreshWithoutGrace();
    void loginTokenOpensWebSocket();
    void registration();
    void httpBadInput();
    void health();
    void wrongWebSocketPath();
    void rawHttpGarbage();
};

static Fixture *withUser(Fixture *f)
{
    if (!f->start())
        return nullptr;
    QString error;
    if (!f->server()->addUser(str("alice"), str("s3cret"), &error))
        qWarning("%s", qPrintable(error));
    return f;
}

void TestServerAuth::headerToken()
{
    Fixture f;
    QVERIFY(withUser(&f));
    Client c;
    QVERIFY(c.open(f.ws(), f.token(str("alice"))));
    const QJsonObject welcome = c.hello();
    QCOMPARE(welcome.value(str("user")).toObject().value(str("id")).toString(), str("alice"));
    QCOMPARE(welcome.value(str("user")).toObject().value(str("guest")).toBool(), false);
    QVERIFY(welcome.value(str("heartbeat_ms")).toInt() > 0);
}

void TestServerAuth::queryToken()
{
    Fixture f;
    QVERIFY(withUser(&f));
    QUrl url = f.ws();
    url.setQuery(str("access_token=") + f.token(str("alice")));
    Client c;
    QVERIFY(c.open(url));
    QCOMPARE(c.hello().value(str("user")).toObject().value(str("id")).toString(), str("alice"));
}

void TestServerAuth::firstMessageToken()
{
    Fixture f;
    QVERIFY(withUser(&f));
    Client c;
    QVERIFY(c.open(f.ws()));
    c.send(QJsonObject{ { str("type"), str("auth") }, { str("token"), f.token(str("alice")) } });
    const QJsonObject ok = c.waitFor(str("auth_ok"));
    QCOMPARE(ok.value(str("user")).toObject().value(str("id")).toString(), str("alice"));
    QCOMPARE(c.hello().value(str("user")).toObject().value(str("id")).toString(), str("alice"));
}

void TestServerAuth::guestWithoutToken()
{
    Tether::ServerConfig config;
    config.allowGuests = true;
    Fixture f(config);
    QVERIFY(f.start());
    Client a, b;
    QVERIFY(a.open(f.ws()));
    QVERIFY(b.open(f.ws()));
    const QJsonObject userA = a.hello().value(str("user")).toObject();
    const QJsonObject userB = b.hello().value(str("user")).toObject();
    QVERIFY(userA.value(str("guest")).toBool());
    QVERIFY(userA.value(str("id")).toString().startsWith(str("guest-")));
    QVERIFY(userB.value(str("id")).toString().startsWith(str("guest-")));
    QVERIFY(userA.value(str("id")) != userB.value(str("id")));
}

void TestServerAuth::noTokenWithoutGuests()
{
    Fixture f;
    QVERIFY(withUser(&f));
    Client c;
    QVERIFY(c.open(f.ws()));
    c.send(QJsonObject{ { str("type"), str("hello") }, { str("protocol"), 1 } });
    QVERIFY(c.waitClosed());
    QCOMPARE(c.closeCode(), 4003);
    QVERIFY(c.framesOfType(str("welcome")).isEmpty());
}

void TestServerAuth::expiredToken_data()
{
    QTest::addColumn<int>("transport");
    QTest::newRow("header") << 0;
    QTest::newRow("query") << 1;
    QTest::newRow("first message") << 2;
}

static void openWithTransport(Client *c, const QUrl &ws, const QString &token, int transport)
{
    QUrl url = ws;
    if (transport == 1)
        url.setQuery(str("access_token=") + token);
    c->open(url, transport == 0 ? token : QString());
    if (transport == 2)
        c->send(QJsonObject{ { str("type"), str("auth") }, { str("token"), token } });
}

void TestServerAuth::expiredToken()
{
    QFETCH(int, transport);
    Tether::ServerConfig config;
    config.allowGuests = true; // an expired token is never downgraded to a guest
    Fixture f(config);
    QVERIFY(withUser(&f));
    Client c;
    openWithTransport(&c, f.ws(), f.token(str("alice"), 1000, 5000), transport);
    QVERIFY(c.waitClosed());
    QCOMPARE(c.closeCode(), 4001);
}

void TestServerAuth::forgedToken_data()
{
    QTest::addColumn<int>("transport");
    QTest::addColumn<QString>("kind");
    for (int t = 0; t < 3; ++t) {
        const char *name = t == 0 ? "header" : t == 1 ? "query" : "first message";
        QTest::addRow("%s wrong secret", name) << t << str("secret");
        QTest::addRow("%s tampered payload", name) << t << str("tampered");
        QTest::addRow("%s garbage", name) << t << str("garbage");
    }
}

void TestServerAuth::forgedToken()
{
    QFETCH(int, transport);
    QFETCH(QString, kind);
    Tether::ServerConfig config;
    config.allowGuests = true;
    Fixture f(config);
    QVERIFY(withUser(&f));
    QString token;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (kind == QLatin1String("secret")) {
        token = Tether::TokenService(QByteArrayLiteral("some-other-secret-xxxxxxxx")).issue(str("alice"), str("alice"), now, 60000);
    } else if (kind == QLatin1String("tampered")) {
        // A valid signature over a different payload: swap in a payload naming another user.
        const QStringList good = f.token(str("alice")).split(QLatin1Char('.'));
        const QStringList other = Tether::TokenService(QByteArrayLiteral("x-secret-yyyyyyyyyyyyy")).issue(str("bob"), str("bob"), now, 60000).split(QLatin1Char('.'));
        token = good[0] + QLatin1Char('.') + other[1] + QLatin1Char('.') + good[2];
    } else {
        token = str("not-a-jwt");
    }
    Client c;
    openWithTransport(&c, f.ws(), token, transport);
    QVERIFY(c.waitClosed());
    QCOMPARE(c.closeCode(), 4003);
}

void TestServerAuth::unknownUserToken()
{
    Fixture f;
    QVERIFY(withUser(&f));
    Client c;
    c.open(f.ws(), f.token(str("mallory")));
    QVERIFY(c.waitClosed());
    QCOMPARE(c.closeCode(), 4003);
}

void TestServerAuth::loginAndRefreshRotation()
{
    Fixture f;
    QVERIFY(withUser(&f));
    const HttpResult login = postJson(f.url("/api/auth/login"),
                                      QJsonObject{ { str("username"), str("alice") }, { str("password"), str("s3cret") } });
    QCOMPARE(login.status, 200);
    const QString access = login.body.value(str("access_token")).toString();
    const QString refresh1 = login.body.value(str("refresh_token")).toString();
    QCOMPARE(access.count(QLatin1Char('.')), 2);
    QVERIFY(!refresh1.isEmpty());
    QCOMPARE(login.body.value(str("expires_in")).toDouble(), 900.0);
    Tether::TokenService::Claims claims;
    QCOMPARE(Tether::TokenService(Fixture::secretBytes()).verify(access, QDateTime::currentMSecsSinceEpoch(), &claims),
             Tether::TokenService::Verdict::Valid);
    QCOMPARE(claims.subject, str("alice"));
    QVERIFY(claims.expiresAtMs - claims.issuedAtMs >= 899000);

    const HttpResult r1 = postJson(f.url("/api/auth/refresh"), QJsonObject{ { str("refresh_token"), refresh1 } });
    QCOMPARE(r1.status, 200);
    const QString refresh2 = r1.body.value(str("refresh_token")).toString();
    QVERIFY(!refresh2.isEmpty());
    QVERIFY(refresh2 != refresh1);
    QVERIFY(!r1.body.value(str("access_token")).toString().isEmpty());

    // Rotation: the new token works; the used one is dead once its successor has been used
    // (refreshRetryWithinGraceGetsTheSamePair covers the retry before that).
    const HttpResult r2 = postJson(f.url("/api/auth/refresh"), QJsonObject{ { str("refresh_token"), refresh2 } });
    QCOMPARE(r2.status, 200);
    QVERIFY(r2.body.value(str("refresh_token")).toString() != refresh2);
    const HttpResult unknown = postJson(f.url("/api/auth/refresh"), QJsonObject{ { str("refresh_token"), str("nope") } });
    QCOMPARE(unknown.status, 401);

    // Refresh tokens survive a restart on the same database.
    const QString refresh3 = r2.body.value(str("refresh_token")).toString();
    QVERIFY(f.start());
    QCOMPARE(postJson(f.url("/api/auth/refresh"), QJsonObject{ { str("refresh_token"), refresh3 } }).status, 200);
}

void TestServerAuth::loginFailures()
{
    Fixture f;
    QVERIFY(withUser(&f));
    const HttpResult wrong = postJson(f.url("/api/auth/login"),
                                      QJsonObject{ { str("username"), str("alice") }, { str("password"), str("nope") } });
    QCOMPARE(wrong.status, 401);
    QCOMPARE(wrong.body.value(str("error")).toString(), str("invalid_credentials"));
    QVERIFY(!wrong.raw.contains("nope"));
    const HttpResult unknown = postJson(f.url("/api/auth/login"),
                                        QJsonObject{ { str("username"), str("zed") }, { str("password"), str("x") } });
    QCOMPARE(unknown.status, 401);
    // The bot has no password and can never log in.
    f.config().demo = true;
    QVERIFY(f.start());
    const HttpResult bot = postJson(f.url("/api/auth/login"),
                                    QJsonObject{ { str("username"), str("echo-bot") }, { str("password"), str("x") } });
    QCOMPARE(bot.status, 401);
}

void TestServerAuth::refreshTokenExpires()
{
    Tether::ServerConfig config;
    config.refreshTtlMs = 400;
    Fixture f(config);
    QVERIFY(withUser(&f));
    const HttpResult login = postJson(f.url("/api/auth/login"),
                                      QJsonObject{ { str("username"), str("alice") }, { str("password"), str("s3cret") } });
    QCOMPARE(login.status, 200);
    const qint64 issued = QDateTime::currentMSecsSinceEpoch();
    QVERIFY(QTest::qWaitFor([&] { return QDateTime::currentMSecsSinceEpoch() > issued + 600; }, kTimeout));
    const HttpResult r = postJson(f.url("/api/auth/refresh"),
                                  QJsonObject{ { str("refresh_token"), login.body.value(str("refresh_token")).toString() } });
    QCOMPARE(r.status, 401);
    QCOMPARE(r.body.value(str("error")).toString(), str("invalid_token"));
}

namespace {
HttpResult refreshWith(Fixture &f, const QString &token)
{
    return postJson(f.url("/api/auth/refresh"), QJsonObject{ { str("refresh_token"), token } });
}

QString loginRefreshToken(Fixture &f)
{
    return postJson(f.url("/api/auth/login"), QJsonObject{ { str("username"), str("alice") }, { str("password"), str("s3cret") } })
            .body.value(str("refresh_token"))
            .toString();
}
} // namespace

// A client whose refresh reply was lost retries with the same token: it must get the same pair,
// not a sign-out (OAuth 2.0 security BCP: rotation with reuse detection).
void TestServerAuth::refreshRetryWithinGraceGetsTheSamePair()
{
    Fixture f;
    QVERIFY(withUser(&f));
    const QString first = loginRefreshToken(f);
    QVERIFY(!first.isEmpty());
    const HttpResult rotated = refreshWith(f, first);
    QCOMPARE(rotated.status, 200);
    const HttpResult retried = refreshWith(f, first);
    QCOMPARE(retried.status, 200);
    QCOMPARE(retried.body.value(str("access_token")).toString(), rotated.body.value(str("access_token")).toString());
    QCOMPARE(retried.body.value(str("refresh_token")).toString(), rotated.body.value(str("refresh_token")).toString());
    const double expiresIn = retried.body.value(str("expires_in")).toDouble();
    QVERIFY2(expiresIn > 800 && expiresIn <= 900, qPrintable(QString::number(expiresIn))); // what is left of it
    QVERIFY(!retried.raw.contains(first.toLatin1()));

    // The successor is used: from then on the old token can only be a stolen copy, and the whole
    // family (every token descended from that login) is revoked.
    const HttpResult next = refreshWith(f, rotated.body.value(str("refresh_token")).toString());
    QCOMPARE(next.status, 200);
    const QString other = loginRefreshToken(f); // another login: another family
    const HttpResult stolen = refreshWith(f, first);
    QCOMPARE(stolen.status, 401);
    QCOMPARE(stolen.body.value(str("error")).toString(), str("invalid_token"));
    QCOMPARE(refreshWith(f, next.body.value(str("refresh_token")).toString()).status, 401);
    QCOMPARE(refreshWith(f, rotated.body.value(str("refresh_token")).toString()).status, 401);
    QCOMPARE(refreshWith(f, other).status, 200);
}

void TestServerAuth::refreshReuseAfterGraceRevokesTheFamily()
{
    Tether::ServerConfig config;
    config.refreshGraceMs = 300;
    Fixture f(config);
    QVERIFY(withUser(&f));
    const QString first = loginRefreshToken(f);
    const QString other = loginRefreshToken(f);
    const HttpResult rotated = refreshWith(f, first);
    QCOMPARE(rotated.status, 200);
    const qint64 rotatedAt = QDateTime::currentMSecsSinceEpoch();
    QVERIFY(QTest::qWaitFor([&] { return QDateTime::currentMSecsSinceEpoch() > rotatedAt + 500; }, kTimeout));
    // Late: a replay, not a retry. The live successor goes with it.
    QCOMPARE(refreshWith(f, first).status, 401);
    QCOMPARE(refreshWith(f, rotated.body.value(str("refresh_token")).toString()).status, 401);
    QCOMPARE(refreshWith(f, other).status, 200);
}

void TestServerAuth::refreshWithoutGrace()
{
    Tether::ServerConfig config;
    config.refreshGraceMs = 0;
    Fixture f(config);
    QVERIFY(withUser(&f));
    const QString first = loginRefreshToken(f);
    const HttpResult rotated = refreshWith(f, first);
    QCOMPARE(rotated.status, 200);
    QCOMPARE(refreshWith(f, first).status, 401);
    QCOMPARE(refreshWith(f, rotated.body.value(str("refresh_token")).toString()).status, 401);
}

void TestServerAuth::loginTokenOpensWebSocket()
{
    Tether::ServerConfig config;
    config.accessTtlMs = 2500; // sub-second precision in exp
    Fixture f(config);
    QVERIFY(withUser(&f));
    const HttpResult login = postJson(f.url("/api/auth/login"),
                                      QJsonObject{ { str("username"), str("alice") }, { str("password"), str("s3cret") } });
    QCOMPARE(login.status, 200);
    QCOMPARE(login.body.value(str("expires_in")).toDouble(), 2.5);
    const QString access = login.body.value(str("access_token")).toString();
    Client c;
    QVERIFY(c.open(f.ws(), access));
    QCOMPARE(c.hello().value(str("user")).toObject().value(str("id")).toString(), str("alice"));

    // After the TTL the same token is refused with 4001.
    Tether::TokenService::Claims claims;
    Tether::TokenService(Fixture::secretBytes()).verify(access, 0, &claims);
    QVERIFY(QTest::qWaitFor([&] { return QDateTime::currentMSecsSinceEpoch() > claims.expiresAtMs + 50; }, kTimeout));
    Client late;
    late.open(f.ws(), access);
    QVERIFY(late.waitClosed());
    QCOMPARE(late.closeCode(), 4001);
}

void TestServerAuth::registration()
{
    Fixture closed;
    QVERIFY(closed.start());
    QCOMPARE(postJson(closed.url("/api/auth/register"),
                      QJsonObject{ { str("username"), str("newbie") }, { str("password"), str("pw") } }).status, 403);

    Tether::ServerConfig config;
    config.openRegistration = true;
    Fixture open(config);
    QVERIFY(open.start());
    const HttpResult created = postJson(open.url("/api/auth/register"),
                                        QJsonObject{ { str("username"), str("newbie") }, { str("password"), str("pw") } });
    QCOMPARE(created.status, 201);
    QVERIFY(!created.body.value(str("access_token")).toString().isEmpty());
    QCOMPARE(postJson(open.url("/api/auth/register"),
                      QJsonObject{ { str("username"), str("newbie") }, { str("password"), str("pw") } }).status, 409);
    QCOMPARE(postJson(open.url("/api/auth/register"),
                      QJsonObject{ { str("username"), str("guest-1") }, { str("password"), str("pw") } }).status, 400);
    QCOMPARE(postJson(open.url("/api/auth/login"),
                      QJsonObject{ { str("username"), str("newbie") }, { str("password"), str("pw") } }).status, 200);
}

void TestServerAuth::httpBadInput()
{
    Fixture f;
    QVERIFY(withUser(&f));
    struct Case { QByteArray method; const char *path; QByteArray body; int status; const char *error; };
    const Case cases[] = {
        { "GET", "/api/auth/login", QByteArray(), 405, "method_not_allowed" },
        { "PUT", "/api/auth/refresh", "{}", 405, "method_not_allowed" },
        { "POST", "/health", "{}", 405, "method_not_allowed" },
        { "POST", "/api/auth/login", "{not json", 400, "bad_json" },
        { "POST", "/api/auth/login", "[1,2]", 400, "bad_json" },
        { "POST", "/api/auth/login", "{\"username\":\"alice\"}", 400, "missing_field" },
        { "POST", "/api/auth/login", "{\"username\":5,\"password\":\"x\"}", 400, "missing_field" },
        { "POST", "/api/auth/refresh", "{}", 400, "missing_field" },
        { "GET", "/nope", QByteArray(), 404, "not_found" },
        { "POST", "/api/auth/login", QByteArray(70 * 1024, 'x'), 413, "too_large" },
    };
    for (const Case &c : cases) {
        const HttpResult r = http(c.method, f.url(c.path), c.body);
        QVERIFY2(r.status == c.status, qPrintable(QStringLiteral("%1 %2 -> %3").arg(QString::fromLatin1(c.method), str(c.path)).arg(r.status)));
        QCOMPARE(r.body.value(str("error")).toString(), str(c.error));
        QVERIFY(!r.body.value(str("message")).toString().isEmpty());
    }
    // Still serving afterwards.
    QCOMPARE(http("GET", f.url("/health")).status, 200);
}

void TestServerAuth::health()
{
    Tether::ServerConfig config;
    config.allowGuests = true;
    Fixture f(config);
    QVERIFY(f.start());
    Client c;
    QVERIFY(c.open(f.ws()));
    QVERIFY(!c.hello().isEmpty());
    const HttpResult r = http("GET", f.url("/health"));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.value(str("status")).toString(), str("ok"));
    QCOMPARE(r.body.value(str("version")).toString(), str(TETHER_VERSION));
    QVERIFY(r.body.value(str("uptime_s")).isDouble());
    QCOMPARE(r.body.value(str("connections")).toInt(), 1);
}

void TestServerAuth::wrongWebSocketPath()
{
    Tether::ServerConfig config;
    config.allowGuests = true;
    Fixture f(config);
    QVERIFY(f.start());
    QUrl url = f.ws();
    url.setPath(str("/elsewhere"));
    Client c;
    QVERIFY(!c.open(url));
    QVERIFY(c.waitClosed());
    // And the right path still works.
    Client ok;
    QVERIFY(ok.open(f.ws()));
}

void TestServerAuth::rawHttpGarbage()
{
    Fixture f;
    QVERIFY(f.start());
    struct Case { QByteArray request; QByteArray status; };
    const Case cases[] = {
        { "BLAH\r\n\r\n", "HTTP/1.1 400" },
        { "GET /health HTTP/1.1\r\nno colon here\r\n\r\n", "HTTP/1.1 400" },
        { "POST /api/auth/login HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", "HTTP/1.1 411" },
        { "GET /health HTTP/1.1\r\nX-Big: " + QByteArray(20000, 'a') + "\r\n\r\n", "HTTP/1.1 431" },
        { "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", "HTTP/1.1 400" }, // no key
        { "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          "Sec-WebSocket-Version: 8\r\n\r\n", "HTTP/1.1 426" },
    };
    for (const Case &c : cases) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, f.server()->port());
        QVERIFY(QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }, kTimeout));
        socket.write(c.request);
        QByteArray response;
        QVERIFY(QTest::qWaitFor([&] {
            response += socket.readAll();
            return response.contains("\r\n\r\n") || socket.state() == QAbstractSocket::UnconnectedState;
        }, kTimeout));
        QVERIFY2(response.startsWith(c.status), (c.request.left(40) + " -> " + response.left(80)).constData());
    }
    QCOMPARE(http("GET", f.url("/health")).status, 200);
}

QTEST_GUILESS_MAIN(TestServerAuth)
#include "tst_server_auth.moc"
