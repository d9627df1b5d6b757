// AuthClient against the reference server (tether_server, in-process on 127.0.0.1, real accounts,
// real rotating refresh tokens) and against a hand-written HTTP endpoint for the answers a real
// server does not give (5xx, not JSON, no access token, no rotation).
#include "authclient.h"
#include "chatserver.h"
#include "testpeers.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Tether;
using namespace TestPeers;
using E = AuthClient::Error;
using Result = AuthClient::Result;

namespace {
constexpr int Long = 15000;
const QString Password = QStringLiteral("secret-pw");
} // namespace

class TestAuthClient : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<ChatServer> m_server;

    std::unique_ptr<ChatServer> makeServer(bool openRegistration)
    {
        ServerConfig config;
        config.databasePath = m_dir.filePath(QStringLiteral("server-%1.sqlite").arg(openRegistration));
        config.passwordIterations = 1000;
        config.openRegistration = openRegistration;
        auto server = std::make_unique<ChatServer>(config);
        QString error;
        if (!server->start(&error)) {
            qWarning("server: %s", qPrintable(error));
            return nullptr;
        }
        return server;
    }

    // Runs one request and returns its result (a failed wait leaves the default: NetworkError).
    static Result run(AuthClient &client, const std::function<bool()> &start)
    {
        QSignalSpy finished(&client, &AuthClient::finished);
        if (!start() || !finished.wait(Long))
            return Result();
        return finished.at(0).at(0).value<Result>();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_server = makeServer(false);
        QVERIFY(m_server);
        QVERIFY(m_server->addUser(QStringLiteral("alice"), Password));
    }

    void cleanupTestCase() { m_server.reset(); }

    void httpBase_data()
    {
        QTest::addColumn<QString>("server");
        QTest::addColumn<QString>("base");
        QTest::newRow("ws") << QStringLiteral("ws://127.0.0.1:5000/ws") << QStringLiteral("http://127.0.0.1:5000");
        QTest::newRow("wss") << QStringLiteral("wss://chat.example.com:8443/ws") << QStringLiteral("https://chat.example.com:8443");
        QTest::newRow("wss default port") << QStringLiteral("wss://chat.example.com/ws") << QStringLiteral("https://chat.example.com");
        QTest::newRow("http kept") << QStringLiteral("http://127.0.0.1:5000/") << QStringLiteral("http://127.0.0.1:5000");
        QTest::newRow("https kept") << QStringLiteral("https://chat.example.com/x") << QStringLiteral("https://chat.example.com");
        QTest::newRow("upper case") << QStringLiteral("WSS://chat.example.com/ws") << QStringLiteral("https://chat.example.com");
        QTest::newRow("secrets dropped") << QStringLiteral("ws://bob:pw@h:1/ws?access_token=abc#f") << QStringLiteral("http://h:1");
    }

    void httpBase()
    {
        QFETCH(QString, server);
        QFETCH(QString, base);
        QCOMPARE(AuthClient::httpBaseFor(QUrl(server)).toString(), base);
        QCOMPARE(AuthClient::refreshUrlFor(QUrl(server)).toString(), base + QStringLiteral("/api/auth/refresh"));
        AuthClient client;
        client.setServer(QUrl(server));
        QCOMPARE(client.server().toString(), base);
    }

    void loginThenRefreshRotates()
    {
        AuthClient client;
        client.setServer(m_server->webSocketUrl());
        const Result login = run(client, [&] { return client.login(QStringLiteral("alice"), Password); });
        QCOMPARE(login.error, E::NoError);
        QVERIFY(login.succeeded());
        QCOMPARE(login.operation, AuthClient::Operation::Login);
        QCOMPARE(login.httpStatus, 200);
        QVERIFY(login.credentials.accessToken.startsWith(QLatin1String("eyJ")));
        QVERIFY(!login.credentials.refreshToken.isEmpty());
        QCOMPARE(login.credentials.refreshUrl, AuthClient::refreshUrlFor(m_server->webSocketUrl()));
        QCOMPARE(login.userName, QStringLiteral("alice"));
        QVERIFY(login.expiresInMs > 0);
        QVERIFY(login.errorString().isEmpty());

        const Result refreshed = run(client, [&] {
            return client.refresh(login.credentials.refreshUrl, login.credentials.refreshToken);
        });
        QCOMPARE(refreshed.error, E::NoError);
        QCOMPARE(refreshed.operation, AuthClient::Operation::Refresh);
        QVERIFY(!refreshed.credentials.accessToken.isEmpty());
        QVERIFY(refreshed.credentials.refreshToken != login.credentials.refreshToken); // rotated
        QCOMPARE(refreshed.credentials.refreshUrl, login.credentials.refreshUrl);

        // A retry with the used token (as after a lost answer) gets the same pair...
        const Result retried = run(client, [&] {
            return client.refresh(login.credentials.refreshUrl, login.credentials.refreshToken);
        });
        QCOMPARE(retried.error, E::NoError);
        QCOMPARE(retried.credentials.refreshToken, refreshed.credentials.refreshToken);
        QCOMPARE(retried.credentials.accessToken, refreshed.credentials.accessToken);
        // ...until the new one is used: from then on the used token is dead.
        const Result next = run(client, [&] {
            return client.refresh(refreshed.credentials.refreshUrl, refreshed.credentials.refreshToken);
        });
        QCOMPARE(next.error, E::NoError);
        const Result reused = run(client, [&] {
            return client.refresh(login.credentials.refreshUrl, login.credentials.refreshToken);
        });
        QCOMPARE(reused.error, E::InvalidToken);
        QCOMPARE(reused.httpStatus, 401);
        QVERIFY(!reused.isTransient());
        QCOMPARE(reused.errorString(), QStringLiteral("refresh rejected (HTTP 401)"));
        QVERIFY(!reused.errorString().contains(login.credentials.refreshToken));
    }

    void wrongPassword()
    {
        AuthClient client;
        client.setServer(m_server->httpUrl());
        const Result r = run(client, [&] { return client.login(QStringLiteral("alice"), QStringLiteral("wrong-pw")); });
        QCOMPARE(r.error, E::InvalidCredentials);
        QCOMPARE(r.httpStatus, 401);
        QCOMPARE(r.serverError, QStringLiteral("invalid_credentials"));
        QVERIFY(!r.isTransient());
        QVERIFY(r.credentials.accessToken.isEmpty());
        QCOMPARE(r.errorString(), QStringLiteral("login refused (HTTP 401): invalid_credentials"));
        QVERIFY(!r.errorString().contains(QLatin1String("wrong-pw")));
    }

    void registration()
    {
        AuthClient closed;
        closed.setServer(m_server->webSocketUrl());
        const Result refused = run(closed, [&] { return closed.registerAccount(QStringLiteral("bob"), Password); });
        QCOMPARE(refused.error, E::RegistrationClosed);
        QCOMPARE(refused.httpStatus, 403);

        const auto open = makeServer(true);
        QVERIFY(open);
        AuthClient client;
        client.setServer(open->webSocketUrl());
        const Result created = run(client, [&] { return client.registerAccount(QStringLiteral("bob"), Password); });
        QCOMPARE(created.error, E::NoError);
        QCOMPARE(created.operation, AuthClient::Operation::Register);
        QCOMPARE(created.httpStatus, 201);
        QCOMPARE(created.userName, QStringLiteral("bob"));
        QVERIFY(!created.credentials.accessToken.isEmpty());
        QCOMPARE(created.credentials.refreshUrl, AuthClient::refreshUrlFor(open->webSocketUrl()));

        const Result taken = run(client, [&] { return client.registerAccount(QStringLiteral("bob"), Password); });
        QCOMPARE(taken.error, E::UserExists);
        QCOMPARE(taken.httpStatus, 409);
        QCOMPARE(taken.errorString(), QStringLiteral("registration refused (HTTP 409): user_exists"));

        const Result badName = run(client, [&] { return client.registerAccount(QStringLiteral("guest-x"), Password); });
        QCOMPARE(badName.error, E::RequestRefused);
        QCOMPARE(badName.httpStatus, 400);

        const Result login = run(client, [&] { return client.login(QStringLiteral("bob"), Password); });
        QCOMPARE(login.error, E::NoError);
    }

    void unreachableIsTransient()
    {
        AuthClient client;
        client.setServer(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(unusedPort())));
        const Result r = run(client, [&] { return client.login(QStringLiteral("alice"), Password); });
        QCOMPARE(r.error, E::NetworkError);
        QCOMPARE(r.httpStatus, 0);
        QVERIFY(r.isTransient());
        QVERIFY(!r.networkError.isEmpty());
        QVERIFY(r.errorString().startsWith(QLatin1String("login failed: ")));
    }

    // Answers only a hand-written endpoint gives.
    void refreshAnswers_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("error");
        QTest::addColumn<QString>("access");
        QTest::addColumn<QString>("refresh");
        QTest::addColumn<qint64>("expiresInMs");
        QTest::newRow("full answer") << 200 << QByteArray(R"({"access_token":"A2","refresh_token":"R2","expires_in":900})")
                                     << int(E::NoError) << QStringLiteral("A2") << QStringLiteral("R2") << qint64(900000);
        QTest::newRow("fractional expires_in") << 200 << QByteArray(R"({"access_token":"A2","expires_in":0.25})")
                                               << int(E::NoError) << QStringLiteral("A2") << QString() << qint64(250);
        QTest::newRow("no rotation") << 200 << QByteArray(R"({"access_token":"A2"})") << int(E::NoError)
                                     << QStringLiteral("A2") << QString() << qint64(-1);
        QTest::newRow("401") << 401 << QByteArray(R"({"error":"invalid_token"})") << int(E::InvalidToken) << QString()
                             << QString() << qint64(-1);
        QTest::newRow("400") << 400 << QByteArray("{}") << int(E::InvalidToken) << QString() << QString() << qint64(-1);
        // Only an explicit 400/401 means the token is bad: a 403 (a proxy, a firewall) is retried.
        QTest::newRow("403") << 403 << QByteArray("{}") << int(E::ServerError) << QString() << QString() << qint64(-1);
        QTest::newRow("429") << 429 << QByteArray("{}") << int(E::ServerError) << QString() << QString() << qint64(-1);
        QTest::newRow("500") << 500 << QByteArray("oops") << int(E::ServerError) << QString() << QString() << qint64(-1);
        QTest::newRow("not json") << 200 << QByteArray("<html>") << int(E::InvalidAnswer) << QString() << QString()
                                  << qint64(-1);
        QTest::newRow("no access token") << 200 << QByteArray(R"({"refresh_token":"R2"})") << int(E::InvalidAnswer)
                                         << QString() << QString() << qint64(-1);
        QTest::newRow("access token not a string") << 200 << QByteArray(R"({"access_token":7})") << int(E::InvalidAnswer)
                                                   << QString() << QString() << qint64(-1);
    }

    void refreshAnswers()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(int, error);
        QFETCH(QString, access);
        QFETCH(QString, refresh);
        QFETCH(qint64, expiresInMs);
        HttpServer http;
        QVERIFY(http.listen());
        http.responder = [status, body](const HttpServer::Request &) { return qMakePair(status, body); };
        AuthClient client;
        client.setTimeoutMs(5000);
        const Result r = run(client, [&] { return client.refresh(http.url(), QStringLiteral("R1-secret")); });
        QCOMPARE(int(r.error), error);
        QCOMPARE(r.credentials.accessToken, access);
        QCOMPARE(r.credentials.refreshToken, refresh);
        QCOMPARE(r.expiresInMs, expiresInMs);
        QCOMPARE(r.httpStatus, status);
        QCOMPARE(r.isTransient(), error == int(E::ServerError) || error == int(E::InvalidAnswer));
        QVERIFY(!r.errorString().contains(QStringLiteral("R1-secret")));
        QCOMPARE(http.requests().size(), 1);
        QCOMPARE(http.requests().at(0).path, QByteArray("/api/auth/refresh"));
        QCOMPARE(http.requests().at(0).body, QByteArray(R"({"refresh_token":"R1-secret"})"));
        QVERIFY(!client.isRunning());
    }

    void oversizedServerErrorIsBounded()
    {
        HttpServer http;
        QVERIFY(http.listen());
        const QByteArray huge = "{\"error\":\"" + QByteArray(100000, 'x') + "\"}";
        http.responder = [huge](const HttpServer::Request &) { return qMakePair(401, huge); };
        AuthClient client;
        client.setServer(http.url());
        const Result r = run(client, [&] { return client.login(QStringLiteral("alice"), Password); });
        QCOMPARE(r.error, E::InvalidCredentials);
        QVERIFY(r.serverError.size() <= 64);
        QCOMPARE(http.requests().at(0).path, QByteArray("/api/auth/login"));
    }

    void hugeAnswerIsCutOff()
    {
        HttpServer http;
        QVERIFY(http.listen());
        const QJsonObject answer { { QStringLiteral("access_token"), QStringLiteral("A2") },
                                   { QStringLiteral("padding"), QString(4 * 1024 * 1024, QLatin1Char('p')) } };
        const QByteArray huge = QJsonDocument(answer).toJson(QJsonDocument::Compact);
        http.responder = [huge](const HttpServer::Request &) { return qMakePair(200, huge); };
        AuthClient client;
        const Result r = run(client, [&] { return client.refresh(http.url(), QStringLiteral("R1")); });
        QCOMPARE(r.error, E::InvalidAnswer);
        QVERIFY(r.isTransient());
        QVERIFY(r.credentials.accessToken.isEmpty());
        QVERIFY(!client.isRunning());
    }

    void oneRequestAtATime()
    {
        HttpServer http;
        QVERIFY(http.listen());
        AuthClient client;
        QSignalSpy finished(&client, &AuthClient::finished);
        QVERIFY(client.refresh(http.url(), QStringLiteral("R1")));
        QVERIFY(client.isRunning());
        QVERIFY(!client.refresh(http.url(), QStringLiteral("R1")));                  // joins the running one
        QVERIFY(!client.login(QStringLiteral("alice"), QStringLiteral("pw")));       // and so must this
        QVERIFY(finished.wait(Long));
        QTest::qWait(100);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(http.requests().size(), 1);
    }

    void cancelledRequestIsSilent()
    {
        RawServer stall(RawServer::Mode::Stall);
        QVERIFY(stall.listen());
        AuthClient client;
        client.setServer(stall.url());
        QSignalSpy finished(&client, &AuthClient::finished);
        QVERIFY(client.login(QStringLiteral("alice"), Password));
        QTRY_COMPARE_WITH_TIMEOUT(stall.acceptedCount(), 1, Long);
        client.cancel();
        QVERIFY(!client.isRunning());
        QTest::qWait(200);
        QCOMPARE(finished.size(), 0);
        // A new request can start at once.
        client.setServer(m_server->webSocketUrl());
        const Result r = run(client, [&] { return client.login(QStringLiteral("alice"), Password); });
        QCOMPARE(r.error, E::NoError);
    }

    void timeoutIsANetworkError()
    {
        RawServer stall(RawServer::Mode::Stall);
        QVERIFY(stall.listen());
        AuthClient client;
        client.setServer(stall.url());
        client.setTimeoutMs(300);
        QCOMPARE(client.timeoutMs(), 300);
        const Result r = run(client, [&] { return client.login(QStringLiteral("alice"), Password); });
        QCOMPARE(r.error, E::NetworkError);
        QVERIFY(r.isTransient());
    }
};

QTEST_GUILESS_MAIN(TestAuthClient)
#include "tst_authclient.moc"
