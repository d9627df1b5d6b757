// ConnectionManager against the reference server (tether_server, in-process, 127.0.0.1:0, a
// temporary SQLite file): real JWTs, real rotating refresh tokens, the real goodbye + 1012 spread.
#include "accesstoken.h"
#include "chatserver.h"
#include "connectionmanager.h"
#include "manualnetworkmonitor.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Tether;

namespace {

constexpr int Long = 15000;

struct Tokens
{
    QString access;
    QString refresh;
};

Tokens login(const QUrl &httpUrl, const QString &user, const QString &password)
{
    QNetworkAccessManager nam;
    QNetworkRequest request(httpUrl.resolved(QUrl(QStringLiteral("/api/auth/login"))));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    const QJsonObject body { { QStringLiteral("username"), user }, { QStringLiteral("password"), password } };
    QNetworkReply *reply = nam.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    finished.wait(Long);
    const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return { answer.value(QStringLiteral("access_token")).toString(),
             answer.value(QStringLiteral("refresh_token")).toString() };
}

// An HTTP relay in front of the server that loses the answers to its first requests: each request
// reaches the server (which acts on it), the answer is read and thrown away, and the client's
// connection is reset. Later requests pass both ways. Records every request it relayed.
class ReplyDropper : public QObject
{
public:
    ReplyDropper(quint16 upstreamPort, int drops) : m_upstreamPort(upstreamPort), m_drops(drops)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *client = m_server.nextPendingConnection())
                relay(client);
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QUrl refreshUrl() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/api/auth/refresh").arg(m_server.serverPort())); }

    QList<QByteArray> requests;     // each connection's bytes towards the server
    QList<QByteArray> droppedAnswers;

private:
    void relay(QTcpSocket *client)
    {
        client->setParent(this);
        const bool drop = m_connections++ < m_drops;
        const qsizetype index = requests.size();
        requests.append(QByteArray());
        auto *upstream = new QTcpSocket(this);
        connect(client, &QTcpSocket::readyRead, this, [this, client, upstream, index] {
            const QByteArray data = client->readAll();
            requests[index] += data;
            upstream->write(data);
        });
        auto answer = std::make_shared<QByteArray>();
        connect(upstream, &QTcpSocket::readyRead, this, [client, upstream, drop, answer] {
            const QByteArray data = upstream->readAll();
            if (drop)
                *answer += data;
            else
                client->write(data);
        });
        connect(upstream, &QTcpSocket::disconnected, this, [this, client, drop, answer] {
            if (drop) {
                droppedAnswers.append(*answer);
                client->abort(); // the answer is lost: the client sees its connection reset
            } else {
                client->disconnectFromHost();
            }
        });
        upstream->connectToHost(QHostAddress::LocalHost, m_upstreamPort);
    }

    QTcpServer m_server;
    quint16 m_upstreamPort;
    int m_drops;
    int m_connections = 0;
};

} // namespace

class TestConnectionServer : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ChatServer> m_server;

    bool startServer(int accessTtlMs, int restartSpreadMs = 5000)
    {
        ServerConfig config;
        config.databasePath = m_dir.filePath(QStringLiteral("server-%1.sqlite").arg(QDateTime::currentMSecsSinceEpoch()));
        config.secretFile = m_dir.filePath(QStringLiteral("secret"));
        config.accessTtlMs = accessTtlMs;
        config.restartSpreadMs = restartSpreadMs;
        config.passwordIterations = 1000;
        m_server = std::make_unique<ChatServer>(config);
        QString error;
        if (!m_server->start(&error)) {
            qWarning("server: %s", qPrintable(error));
            return false;
        }
        return m_server->addUser(QStringLiteral("alice"), QStringLiteral("secret-pw"));
    }

    ConnectionConfig clientConfig(const Tokens &tokens) const
    {
        ConnectionConfig config;
        config.url = m_server->webSocketUrl();
        config.credentials.accessToken = tokens.access;
        config.credentials.refreshToken = tokens.refresh;
        config.credentials.refreshUrl = m_server->httpUrl().resolved(QUrl(QStringLiteral("/api/auth/refresh")));
        config.backoff.initialMs = 50;
        config.backoff.maxMs = 200;
        config.minUptimeMs = 0;
        return config;
    }

private Q_SLOTS:
    void init() { QVERIFY(m_dir.isValid()); }
    void cleanup() { m_server.reset(); }

    // The server's tokens live shorter than our 30 s skew: refreshed (and rotated) before connecting.
    void shortLivedTokenIsRefreshedBeforeConnecting()
    {
        QVERIFY(startServer(20000));
        const Tokens tokens = login(m_server->httpUrl(), QStringLiteral("alice"), QStringLiteral("secret-pw"));
        QVERIFY(AccessToken::parse(tokens.access).isJwt());
        QVERIFY(!tokens.refresh.isEmpty());
        ManualNetworkMonitor net;
        ConnectionManager cm(clientConfig(tokens), &net);
        QSignalSpy refreshed(&cm, &ConnectionManager::tokenRefreshed);
        QSignalSpy received(&cm, &ConnectionManager::textMessageReceived);
        cm.open();
        QCOMPARE(cm.state(), ConnectionState::RefreshingToken);
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        QCOMPARE(refreshed.size(), 1);
        QVERIFY(cm.credentials().refreshToken != tokens.refresh); // rotated
        QVERIFY(cm.credentials().accessToken != tokens.access);

        cm.send(QStringLiteral(R"({"type":"hello","protocol":1})"));
        QTRY_VERIFY_WITH_TIMEOUT(!received.isEmpty(), Long);
        const QJsonObject welcome = QJsonDocument::fromJson(received.at(0).at(0).toString().toUtf8()).object();
        QCOMPARE(welcome.value(QStringLiteral("type")).toString(), QStringLiteral("welcome"));
        QCOMPARE(welcome.value(QStringLiteral("user")).toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("alice"));
    }

    // An expired token the client believes fresh: the server closes 4001, we refresh and get in.
    void expiredTokenIsRefusedWith4001ThenRefreshed()
    {
        QVERIFY(startServer(2000));
        const Tokens tokens = login(m_server->httpUrl(), QStringLiteral("alice"), QStringLiteral("secret-pw"));
        const AccessToken parsed = AccessToken::parse(tokens.access);
        QVERIFY(parsed.expiresAt().has_value());
        QTRY_VERIFY_WITH_TIMEOUT(QDateTime::currentDateTimeUtc() > parsed.expiresAt()->addSecs(1), Long);
        ConnectionConfig config = clientConfig(tokens);
        config.tokenRefreshSkewMs = -600000; // pretend the token is fine: let the server say no
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        QSignalSpy closed(&cm, &ConnectionManager::closed);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.stats().tokenRefreshes, 1, Long);
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        QVERIFY(!closed.isEmpty());
        QCOMPARE(closed.at(0).at(0).toInt(), 4001);
        QVERIFY(cm.stats().connects >= 2);
    }

    // The refresh reaches the server but its answer is lost (the server rotated the token). The
    // client tries again with the same refresh token, gets the very same pair within the server's
    // grace period, and connects: a lost reply no longer signs the user out.
    void lostRefreshReplyIsRetriedWithTheSameToken()
    {
        QVERIFY(startServer(20000)); // shorter than the 30 s skew: refreshed before connecting
        const Tokens tokens = login(m_server->httpUrl(), QStringLiteral("alice"), QStringLiteral("secret-pw"));
        QVERIFY(!tokens.refresh.isEmpty());
        // Qt's HTTP stack itself sends a request again on a fresh connection when one is reset
        // before any answer (a few times); enough answers are lost that AuthClient sees the failure.
        ReplyDropper dropper(m_server->port(), 8);
        QVERIFY(dropper.listen());
        ConnectionConfig config = clientConfig(tokens);
        config.credentials.refreshUrl = dropper.refreshUrl();
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        QSignalSpy errors(&cm, &ConnectionManager::errorOccurred);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        QCOMPARE(cm.stats().tokenRefreshes, 1);
        QVERIFY(!errors.isEmpty());
        QCOMPARE(errors.at(0).at(0).value<ConnectionManager::Error>(), ConnectionManager::Error::TokenRefreshFailed);
        // Every request carried the original refresh token; the first lost answer had rotated it,
        // and every answer after it (lost or not) carried the same pair.
        QVERIFY(dropper.requests.size() >= 9);
        for (int i = 0; i < 9; ++i)
            QVERIFY(dropper.requests.at(i).contains(tokens.refresh.toLatin1()));
        QCOMPARE(dropper.droppedAnswers.size(), 8);
        const QByteArray lost = dropper.droppedAnswers.at(0);
        QVERIFY2(lost.startsWith("HTTP/1.1 200"), lost.left(40).constData());
        const QJsonObject lostBody = QJsonDocument::fromJson(lost.mid(lost.indexOf("\r\n\r\n") + 4)).object();
        for (const QByteArray &answer : std::as_const(dropper.droppedAnswers))
            QVERIFY(answer.startsWith("HTTP/1.1 200")
                    && answer.contains(lostBody.value(QStringLiteral("refresh_token")).toString().toLatin1()));
        QCOMPARE(cm.credentials().refreshToken, lostBody.value(QStringLiteral("refresh_token")).toString());
        QCOMPARE(cm.credentials().accessToken, lostBody.value(QStringLiteral("access_token")).toString());
        QVERIFY(cm.credentials().refreshToken != tokens.refresh);
    }

    // Graceful shutdown: goodbye + 1012 with a retry_after spread; the client waits exactly that.
    void shutdownSpreadIsHonoured()
    {
        QVERIFY(startServer(60000, 400));
        const Tokens tokens = login(m_server->httpUrl(), QStringLiteral("alice"), QStringLiteral("secret-pw"));
        ConnectionConfig config = clientConfig(tokens);
        config.backoff.initialMs = 30000; // our own backoff would be far longer than the spread
        config.backoff.maxMs = 30000;
        ManualNetworkMonitor net;
        ConnectionManager cm(config, &net);
        QSignalSpy closed(&cm, &ConnectionManager::closed);
        QSignalSpy scheduled(&cm, &ConnectionManager::reconnectScheduled);
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        m_server->shutdown();
        QVERIFY(scheduled.wait(Long));
        QCOMPARE(closed.at(0).at(0).toInt(), 1012);
        const int delay = scheduled.at(0).at(1).toInt();
        QVERIFY2(delay >= 0 && delay <= 400, qPrintable(QString::number(delay)));
    }
};

QTEST_GUILESS_MAIN(TestConnectionServer)
#include "tst_connectionserver.moc"
