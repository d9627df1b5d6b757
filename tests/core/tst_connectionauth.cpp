// ConnectionManager's tokens against real peers on 127.0.0.1 (a QWebSocketServer and a hand-written
// HTTP refresh endpoint): refresh before the handshake, on 4001 and ahead of expiry, what signs the
// user out and what retries, broken tokens, and each token transport (query with redaction, auth
// frame). Millisecond-scale settings, generous upper bounds.
#include "connectionmanager.h"
#include "manualnetworkmonitor.h"
#include "managertestutil.h"
#include "testpeers.h"
#include "websockettransport.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace Tether;
using namespace TestPeers;

class TestConnectionAuth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void expiredTokenIsRefreshedBeforeTheHandshake()
    {
        WsServer server;
        QVERIFY(server.listen());
        HttpServer http;
        QVERIFY(http.listen());
        const QString fresh = makeJwt(3600, QStringLiteral("fresh"));
        http.responder = [fresh](const HttpServer::Request &) {
            const QJsonObject o { { QStringLiteral("access_token"), fresh },
                                  { QStringLiteral("refresh_token"), QStringLiteral("refresh-2") },
                                  { QStringLiteral("expires_in"), 3600 } };
            return qMakePair(200, QJsonDocument(o).toJson(QJsonDocument::Compact));
        };
        ConnectionConfig config = fastConfig(server.url());
        config.credentials.accessToken = makeJwt(-10, QStringLiteral("stale"));
        config.credentials.refreshToken = QStringLiteral("refresh-1");
        config.credentials.refreshUrl = http.url();
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        StateLog log(&cm);
        QSignalSpy refreshed(&cm, &ConnectionManager::tokenRefreshed);
        cm.open();
        QCOMPARE(cm.state(), ConnectionState::RefreshingToken);
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);

        QCOMPARE(refreshed.size(), 1);
        QCOMPARE(http.requests().size(), 1);
        QCOMPARE(http.requests().at(0).method, QByteArray("POST"));
        QCOMPARE(QJsonDocument::fromJson(http.requests().at(0).body).object().value(QStringLiteral("refresh_token")).toString(),
                 QStringLiteral("refresh-1"));
        // The one and only handshake already carried the new token.
        QCOMPARE(server.connectionCount(), 1);
        QCOMPARE(server.requests().at(0).rawHeader("Authorization"), QByteArray("Bearer " + fresh.toUtf8()));
        QCOMPARE(cm.credentials().accessToken, fresh);
        QCOMPARE(cm.credentials().refreshToken, QStringLiteral("refresh-2"));
        QCOMPARE(log.states, (QList<ConnectionState> { ConnectionState::RefreshingToken, ConnectionState::Connecting,
                                                      ConnectionState::Connected }));
        QCOMPARE(cm.stats().tokenRefreshes, 1);
    }

    void close4001RefreshesThenReconnects()
    {
        WsServer server;
        QVERIFY(server.listen());
        connect(&server, &WsServer::clientConnected, &server, [&server](QWebSocket *s) {
            if (server.connectionCount() == 1)
                s->close(QWebSocketProtocol::CloseCode(4001), QStringLiteral("token expired"));
        });
        HttpServer http;
        QVERIFY(http.listen());
        http.responder = [](const HttpServer::Request &) {
            return qMakePair(200, QByteArray(R"({"access_token":"opaque-token-2","expires_in":600})"));
        };
        ConnectionConfig config = fastConfig(server.url());
        config.credentials.accessToken = QStringLiteral("opaque-token-1");
        config.credentials.refreshToken = QStringLiteral("refresh-1");
        config.credentials.refreshUrl = http.url();
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        StateLog log(&cm);
        QSignalSpy closed(&cm, &ConnectionManager::closed);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 2, Long);
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        QCOMPARE(closed.at(0).at(0).toInt(), 4001);
        QCOMPARE(http.requests().size(), 1);
        QCOMPARE(server.requests().at(0).rawHeader("Authorization"), QByteArray("Bearer opaque-token-1"));
        QCOMPARE(server.requests().at(1).rawHeader("Authorization"), QByteArray("Bearer opaque-token-2"));
        QVERIFY(log.states.contains(ConnectionState::RefreshingToken));
        QCOMPARE(cm.credentials().refreshToken, QStringLiteral("refresh-1")); // not rotated: kept
    }

    void proactiveRefreshWhileConnected()
    {
        WsServer server;
        QVERIFY(server.listen());
        HttpServer http;
        QVERIFY(http.listen());
        http.responder = [](const HttpServer::Request &) {
            return qMakePair(200, QByteArray(R"({"access_token":"opaque-2","refresh_token":"refresh-2","expires_in":3600})"));
        };
        ConnectionConfig config = fastConfig(server.url());
        config.credentials.accessToken = makeJwt(5); // issued 60 s ago: past 80 % of its life
        config.credentials.refreshToken = QStringLiteral("refresh-1");
        config.credentials.refreshUrl = http.url();
        config.tokenRefreshSkewMs = 100; // not due before connecting
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        StateLog log(&cm);
        QSignalSpy refreshed(&cm, &ConnectionManager::tokenRefreshed);
        cm.open();
        QCOMPARE(cm.state(), ConnectionState::Connecting);
        QVERIFY(refreshed.wait(Long));
        QCOMPARE(cm.state(), ConnectionState::Connected);
        QCOMPARE(cm.credentials().accessToken, QStringLiteral("opaque-2"));
        QCOMPARE(cm.credentials().refreshToken, QStringLiteral("refresh-2"));
        QCOMPARE(server.connectionCount(), 1); // refreshed in place, no reconnect
        QCOMPARE(log.states, (QList<ConnectionState> { ConnectionState::Connecting, ConnectionState::Connected }));
        QVERIFY(!refreshed.wait(300)); // the new token lives an hour: no second refresh
    }

    void brokenJwtIsAnErrorNotACrash()
    {
        WsServer server;
        QVERIFY(server.listen());
        ConnectionConfig config = fastConfig(server.url());
        config.credentials.accessToken = QStringLiteral("eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24gYXQgYWxs.c2ln"); // payload: "not json at all"
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        QSignalSpy errors(&cm, &ConnectionManager::errorOccurred);
        cm.open();
        QVERIFY(!errors.isEmpty());
        QCOMPARE(errors.at(0).at(0).value<ConnectionManager::Error>(), ConnectionManager::Error::InvalidToken);
        QVERIFY(!errors.at(0).at(1).toString().contains(QStringLiteral("bm90IGpzb24gYXQgYWxs")));
        // Nothing to refresh with: the server gets to decide.
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
    }

    void refusedAgainAfterRefreshSignsOut()
    {
        WsServer server;
        QVERIFY(server.listen());
        connect(&server, &WsServer::clientConnected, &server,
                [](QWebSocket *s) { s->close(QWebSocketProtocol::CloseCode(4001)); });
        HttpServer http;
        QVERIFY(http.listen());
        ConnectionConfig config = fastConfig(server.url());
        config.credentials.accessToken = QStringLiteral("opaque-token-1");
        config.credentials.refreshToken = QStringLiteral("refresh-1");
        config.credentials.refreshUrl = http.url();
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::SignedOut, Long);
        QCOMPARE(server.connectionCount(), 2);
        QCOMPARE(http.requests().size(), 1);
    }

    void refreshAnswering401SignsOutWithoutAttempts()
    {
        WsServer server;
        QVERIFY(server.listen());
        HttpServer http;
        QVERIFY(http.listen());
        http.responder = [](const HttpServer::Request &) {
            return qMakePair(401, QByteArray(R"({"error":"invalid_token"})"));
        };
        ConnectionConfig config = fastConfig(server.url());
        config.credentials.accessToken = makeJwt(-5);
        config.credentials.refreshToken = QStringLiteral("refresh-dead");
        config.credentials.refreshUrl = http.url();
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        QSignalSpy errors(&cm, &ConnectionManager::errorOccurred);
        QSignalSpy scheduled(&cm, &ConnectionManager::reconnectScheduled);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::SignedOut, Long);
        QVERIFY(!scheduled.wait(400));
        QCOMPARE(server.connectionCount(), 0);
        QCOMPARE(cm.stats().attempts, 0);
        QCOMPARE(http.requests().size(), 1);
        bool sawRejection = false;
        for (const auto &e : errors)
            sawRejection |= e.at(0).value<ConnectionManager::Error>() == ConnectionManager::Error::AuthenticationRejected;
        QVERIFY(sawRejection);
        // open() again is allowed (e.g. after a new sign-in) and asks again.
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(http.requests().size(), 2, Long);
    }

    void refreshNetworkErrorRetriesWithBackoff()
    {
        WsServer server;
        QVERIFY(server.listen());
        ConnectionConfig config = fastConfig(server.url());
        config.credentials.accessToken = makeJwt(-5);
        config.credentials.refreshToken = QStringLiteral("refresh-1");
        config.credentials.refreshUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/refresh").arg(unusedPort()));
        config.backoff.maxAttempts = 3;
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        QSignalSpy scheduled(&cm, &ConnectionManager::reconnectScheduled);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Failed, Long);
        QCOMPARE(scheduled.size(), 2);
        QCOMPARE(server.connectionCount(), 0);
    }

    void handshake401RefreshesThenSignsOut()
    {
        RawServer raw(RawServer::Mode::Unauthorized);
        QVERIFY(raw.listen());
        HttpServer http;
        QVERIFY(http.listen());
        ConnectionConfig config = fastConfig(raw.url());
        config.credentials.accessToken = QStringLiteral("opaque-token-1");
        config.credentials.refreshToken = QStringLiteral("refresh-1");
        config.credentials.refreshUrl = http.url();
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::SignedOut, Long);
        QCOMPARE(raw.unauthorizedCount(), 2);
        QCOMPARE(http.requests().size(), 1);
    }

    void queryTransportAndRedaction()
    {
        WsServer server;
        QVERIFY(server.listen());
        ConnectionConfig config = fastConfig(server.url());
        config.tokenTransport = ConnectionConfig::TokenTransport::Query;
        const QString token = QStringLiteral("secret-token-value");
        config.credentials.accessToken = token;
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        const QNetworkRequest request = server.requests().at(0);
        QVERIFY(request.rawHeader("Authorization").isEmpty());
        QCOMPARE(QUrlQuery(request.url()).queryItemValue(QStringLiteral("access_token")), token);
        QVERIFY(!cm.displayUrl().toString().contains(token));
        server.last()->abort();
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 2, Long);
        for (const ConnectionEvent &e : cm.events())
            QVERIFY2(!e.text.contains(token), qPrintable(e.text));

        ConnectionConfig withSecrets = config;
        withSecrets.url = QUrl(QStringLiteral("wss://user:pw@example.org/ws?access_token=abc&room=1"));
        cm.setConfig(withSecrets);
        const QString shown = cm.displayUrl().toString();
        QVERIFY(!shown.contains(QStringLiteral("abc")));
        QVERIFY(!shown.contains(QStringLiteral("pw")));
        QVERIFY(shown.contains(QStringLiteral("room=1")));
    }

    void messageTransportSendsAuthFirst()
    {
        WsServer server;
        QVERIFY(server.listen());
        connect(&server, &WsServer::clientConnected, &server, [](QWebSocket *s) {
            connect(s, &QWebSocket::textMessageReceived, s, [s](const QString &text) {
                if (text.contains(QLatin1String("\"auth\"")))
                    s->sendTextMessage(QStringLiteral(R"({"type":"auth_ok"})"));
            });
        });
        ConnectionConfig config = fastConfig(server.url());
        config.tokenTransport = ConnectionConfig::TokenTransport::Message;
        config.credentials.accessToken = QStringLiteral("message-token");
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        QSignalSpy received(&cm, &ConnectionManager::textMessageReceived);
        cm.open();
        QCOMPARE(cm.send(QStringLiteral("after auth")), ConnectionManager::SendResult::Queued);
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        QTRY_COMPARE_WITH_TIMEOUT(server.received().size(), 2, Long);
        const QJsonObject auth = QJsonDocument::fromJson(server.received().at(0).toUtf8()).object();
        QCOMPARE(auth.value(QStringLiteral("type")).toString(), QStringLiteral("auth"));
        QCOMPARE(auth.value(QStringLiteral("token")).toString(), QStringLiteral("message-token"));
        QCOMPARE(server.received().at(1), QStringLiteral("after auth"));
        QVERIFY(server.requests().at(0).rawHeader("Authorization").isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, Long);
    }
};

QTEST_GUILESS_MAIN(TestConnectionAuth)
#include "tst_connectionauth.moc"
