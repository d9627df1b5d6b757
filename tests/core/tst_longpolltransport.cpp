// LongPollTransport against the reference server (ChatServer on 127.0.0.1:0): the token in each
// of its places, frames both ways with a WebSocket client, pings, the server's close codes, a
// polite close, a refused connection, and a whole ConnectionManager running over it.
#include "chatserver.h"
#include "connectionmanager.h"
#include "longpolltransport.h"
#include "manualnetworkmonitor.h"
#include "pollhub.h"
#include "tokenservice.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>
#include <QWebSocket>

#include <memory>

using namespace Tether;

namespace {

constexpr int Long = 15000;
const QByteArray kSecret = QByteArrayLiteral("test-secret-0123456789abcdef");

QString str(const char *s)
{
    return QString::fromLatin1(s);
}

QString frameText(const QJsonObject &frame)
{
    return QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact));
}

// Every text a transport delivered, parsed.
struct Received
{
    QList<QJsonObject> frames;
    void watch(Transport *t)
    {
        QObject::connect(t, &Transport::textReceived, t, [this](const QString &text) {
            frames.append(QJsonDocument::fromJson(text.toUtf8()).object());
        });
    }
    QJsonObject waitFor(const QString &type, const QString &text = QString())
    {
        QJsonObject found;
        (void)QTest::qWaitFor([&] {
            for (const QJsonObject &f : frames) {
                if (f.value(str("type")).toString() == type && (text.isEmpty() || f.value(str("text")).toString() == text)) {
                    found = f;
                    return true;
                }
            }
            return false;
        }, Long);
        return found;
    }
    int count(const QString &type, const QString &text) const
    {
        int n = 0;
        for (const QJsonObject &f : frames)
            n += f.value(str("type")).toString() == type && f.value(str("text")).toString() == text ? 1 : 0;
        return n;
    }
};

} // namespace

class TestLongPollTransport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ChatServer> m_server;

    bool startServer(int accessTtlMs = 60000)
    {
        ServerConfig config;
        config.databasePath = m_dir.filePath(QStringLiteral("server-%1.sqlite").arg(QUuid::createUuid().toString(QUuid::Id128)));
        config.secretFile = m_dir.filePath(str("secret"));
        config.demo = true;
        config.pollHoldMs = 500;
        config.accessTtlMs = accessTtlMs;
        config.passwordIterations = 1000;
        config.restartSpreadMs = 200;
        QFile secret(config.secretFile);
        if (!secret.exists() && secret.open(QIODevice::WriteOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner))
            secret.write(kSecret);
        secret.close();
        m_server = std::make_unique<ChatServer>(config);
        return m_server->start() && m_server->addUser(str("alice"), str("pw")) && m_server->addUser(str("bob"), str("pw"));
    }
    static QString token(const QString &user, qint64 issuedAgoMs = 0)
    {
        return TokenService(kSecret).issue(user, user, QDateTime::currentMSecsSinceEpoch() - issuedAgoMs, 60000);
    }
    ConnectionConfig config(const QString &user) const
    {
        ConnectionConfig c;
        c.url = m_server->webSocketUrl();
        c.credentials.accessToken = token(user);
        c.connectTimeoutMs = 5000;
        return c;
    }

private Q_SLOTS:
    void cleanup() { m_server.reset(); }

    void baseUrlFollowsTheWebSocketUrl_data()
    {
        QTest::addColumn<QString>("ws");
        QTest::addColumn<QString>("base");
        QTest::newRow("ws") << str("ws://127.0.0.1:8080/ws") << str("http://127.0.0.1:8080");
        QTest::newRow("wss") << str("wss://chat.example:443/ws") << str("https://chat.example:443");
        QTest::newRow("prefix") << str("ws://127.0.0.1:8080/chat/ws?x=1") << str("http://127.0.0.1:8080/chat");
        QTest::newRow("other path") << str("ws://127.0.0.1/socket") << str("http://127.0.0.1/socket");
    }
    void baseUrlFollowsTheWebSocketUrl()
    {
        QFETCH(QString, ws);
        QFETCH(QString, base);
        QCOMPARE(LongPollTransport::baseUrl(QUrl(ws)).toString(), base);
    }

    void framesFlowBothWays_data()
    {
        QTest::addColumn<int>("tokenTransport");
        QTest::newRow("header") << int(ConnectionConfig::TokenTransport::Header);
        QTest::newRow("query") << int(ConnectionConfig::TokenTransport::Query);
        QTest::newRow("auth frame") << int(ConnectionConfig::TokenTransport::Message);
    }
    void framesFlowBothWays()
    {
        QFETCH(int, tokenTransport);
        QVERIFY(startServer());
        LongPollTransport t;
        Received received;
        received.watch(&t);
        QSignalSpy opened(&t, &Transport::opened);
        ConnectionConfig c = config(str("alice"));
        c.tokenTransport = ConnectionConfig::TokenTransport(tokenTransport);
        t.open(c);
        QVERIFY(opened.wait(Long));
        QCOMPARE(t.state(), Transport::State::Open);
        QVERIFY(t.isWritable());
        QVERIFY(t.sendText(frameText({ { str("type"), str("hello") }, { str("protocol"), 1 } })) > 0);
        QVERIFY(!received.waitFor(str("synced")).isEmpty());

        QWebSocket bob;
        QNetworkRequest request(m_server->webSocketUrl());
        request.setRawHeader("Authorization", "Bearer " + token(str("bob")).toLatin1());
        QList<QJsonObject> atBob;
        connect(&bob, &QWebSocket::textMessageReceived, this,
                [&atBob](const QString &text) { atBob.append(QJsonDocument::fromJson(text.toUtf8()).object()); });
        bob.open(request);
        QTRY_COMPARE_WITH_TIMEOUT(bob.state(), QAbstractSocket::ConnectedState, Long);
        bob.sendTextMessage(frameText({ { str("type"), str("hello") }, { str("protocol"), 1 } }));
        QTRY_VERIFY_WITH_TIMEOUT(!atBob.isEmpty() && atBob.last().value(str("type")).toString() == str("synced"), Long);

        // Several sends in one pass go in one POST, in order.
        for (int i = 0; i < 3; ++i)
            t.sendText(frameText({ { str("type"), str("send") }, { str("id"), str("lp-%1").arg(i) },
                                   { str("conversation"), str("lobby") }, { str("text"), str("poll %1").arg(i) } }));
        QTRY_COMPARE_WITH_TIMEOUT(int(std::count_if(atBob.cbegin(), atBob.cend(), [](const QJsonObject &f) {
                                      return f.value(str("type")).toString() == str("message");
                                  })), 3, Long);
        QCOMPARE(atBob.last().value(str("text")).toString(), str("poll 2"));

        bob.sendTextMessage(frameText({ { str("type"), str("send") }, { str("id"), str("ws-1") },
                                        { str("conversation"), str("lobby") }, { str("text"), str("from bob") } }));
        QCOMPARE(received.waitFor(str("message"), str("from bob")).value(str("from")).toString(), str("bob"));
        QCOMPARE(received.count(str("message"), str("from bob")), 1);
        bob.abort();
    }

    void pingIsAnsweredByTheServer()
    {
        QVERIFY(startServer());
        LongPollTransport t;
        Received received;
        received.watch(&t);
        QSignalSpy opened(&t, &Transport::opened);
        QSignalSpy pong(&t, &Transport::pongReceived);
        t.open(config(str("alice")));
        QVERIFY(opened.wait(Long));
        QVERIFY(t.ping("\x01payload"));
        QVERIFY(pong.wait(Long));
        QCOMPARE(pong.first().first().toByteArray(), QByteArray("\x01payload"));
        QCOMPARE(received.frames.size(), 0); // the transport's own pong is not passed up
    }

    void expiredTokenEndsAs4001()
    {
        QVERIFY(startServer());
        LongPollTransport t;
        QSignalSpy closed(&t, &Transport::closed);
        ConnectionConfig c = config(str("alice"));
        c.credentials.accessToken = token(str("alice"), 120000);
        t.open(c);
        QVERIFY(closed.wait(Long));
        const TransportEnd end = t.end();
        QCOMPARE(end.close.code, 4001);
        QVERIFY(end.wasOpen);
        QVERIFY(end.closedByServer);
        QCOMPARE(t.lastHttpStatus(), 401);
    }

    void politeCloseEndsTheSession()
    {
        QVERIFY(startServer());
        LongPollTransport t;
        QSignalSpy opened(&t, &Transport::opened);
        QSignalSpy closed(&t, &Transport::closed);
        t.open(config(str("alice")));
        QVERIFY(opened.wait(Long));
        QCOMPARE(m_server->pollHub().sessionCount(), 1);
        t.close(1000, str("bye"));
        QVERIFY(closed.count() == 1 || closed.wait(Long));
        QCOMPARE(t.end().close.code, 1000);
        QVERIFY(!t.end().closedByServer);
        QTRY_COMPARE_WITH_TIMEOUT(m_server->pollHub().sessionCount(), 0, Long);
    }

    void serverRestartSaysWhy()
    {
        QVERIFY(startServer());
        LongPollTransport t;
        QSignalSpy opened(&t, &Transport::opened);
        QSignalSpy closed(&t, &Transport::closed);
        t.open(config(str("alice")));
        QVERIFY(opened.wait(Long));
        // A poll caught between two requests when the listener closes sees a refused connection
        // (1006, and a reconnect); the goodbye reaches a held one.
        QTRY_COMPARE_WITH_TIMEOUT(m_server->pollHub().heldPolls(), 1, Long);
        m_server->shutdown();
        QVERIFY(closed.wait(Long));
        QCOMPARE(t.end().close.code, 1012);
        QVERIFY(t.end().closedByServer);
        QVERIFY(t.end().close.reason.contains(str("retry_after_ms")));
    }

    void refusedConnectionIsASocketError()
    {
        QTcpServer reserve; // a free port with nobody listening once it is closed
        QVERIFY(reserve.listen(QHostAddress::LocalHost, 0));
        const quint16 port = reserve.serverPort();
        reserve.close();
        LongPollTransport t;
        QSignalSpy closed(&t, &Transport::closed);
        ConnectionConfig c;
        c.url = QUrl(str("ws://127.0.0.1:%1/ws").arg(port));
        t.open(c);
        QVERIFY(closed.wait(Long));
        QCOMPARE(t.end().close.code, 1006);
        QVERIFY(!t.end().wasOpen);
        QCOMPARE(t.end().socketError, int(QAbstractSocket::ConnectionRefusedError));
        QVERIFY2(t.end().error.contains(str("Connection refused")), qPrintable(t.end().error));
    }

    void sessionLostIsAnAbnormalEnd()
    {
        QVERIFY(startServer());
        LongPollTransport t;
        QSignalSpy opened(&t, &Transport::opened);
        QSignalSpy closed(&t, &Transport::closed);
        t.open(config(str("alice")));
        QVERIFY(opened.wait(Long));
        m_server.reset(); // gone without a word: the held poll fails
        QVERIFY(closed.wait(Long));
        QCOMPARE(t.end().close.code, 1006);
        QVERIFY(!t.end().closedByServer);
    }

    // A hostile or broken server: an answer far over the bound ends the link instead of filling memory.
    void oversizedAnswerEndsTheLink()
    {
        QTcpServer hostile;
        QVERIFY(hostile.listen(QHostAddress::LocalHost, 0));
        connect(&hostile, &QTcpServer::newConnection, this, [&hostile] {
            while (QTcpSocket *s = hostile.nextPendingConnection()) {
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
                connect(s, &QTcpSocket::readyRead, s, [s] {
                    const QByteArray head = s->peek(4096);
                    if (!head.contains("\r\n\r\n"))
                        return;
                    s->readAll();
                    if (head.startsWith("POST /api/poll/open")) {
                        const QByteArray body = R"({"session":"s1","cursor":0,"hold_ms":1000})";
                        s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                                 + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
                        s->disconnectFromHost();
                        return;
                    }
                    // 8 MiB of one endless "frame".
                    s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 8388608\r\n\r\n");
                    s->write(QByteArray(8 * 1024 * 1024, 'x'));
                });
            }
        });
        LongPollTransport t;
        QSignalSpy opened(&t, &Transport::opened);
        QSignalSpy closed(&t, &Transport::closed);
        ConnectionConfig c;
        c.url = QUrl(str("ws://127.0.0.1:%1/ws").arg(hostile.serverPort()));
        t.open(c);
        QVERIFY(opened.wait(Long));
        QVERIFY(closed.wait(Long));
        QCOMPARE(t.end().close.code, 1006);
        QVERIFY(!t.end().closedByServer);
    }

    void connectionManagerRunsOverIt()
    {
        QVERIFY(startServer());
        ManualNetworkMonitor monitor;
        ConnectionConfig c = config(str("alice"));
        c.heartbeatIntervalMs = 300;
        c.pongTimeoutMs = 3000;
        c.backoff.initialMs = 50;
        c.backoff.maxMs = 200;
        ConnectionManager cm(c, &monitor);
        cm.setTransportFactory([] { return new LongPollTransport; });
        QSignalSpy pongs(&cm, &ConnectionManager::pongReceived);
        QList<QJsonObject> frames;
        connect(&cm, &ConnectionManager::textMessageReceived, this,
                [&frames](const QString &text) { frames.append(QJsonDocument::fromJson(text.toUtf8()).object()); });
        cm.open();
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        QTRY_VERIFY_WITH_TIMEOUT(pongs.count() >= 2, Long); // transport pings through the poll
        cm.send(frameText({ { str("type"), str("hello") }, { str("protocol"), 1 } }));
        QTRY_VERIFY_WITH_TIMEOUT(!frames.isEmpty() && frames.last().value(str("type")).toString() == str("synced"), Long);
        // The server restarts: the manager reconnects over long polling again.
        const quint16 port = m_server->port();
        m_server->shutdown();
        QTRY_VERIFY_WITH_TIMEOUT(cm.state() != ConnectionState::Connected, Long);
        m_server.reset();
        ServerConfig config;
        config.databasePath = m_dir.filePath(str("restarted.sqlite"));
        config.secretFile = m_dir.filePath(str("secret"));
        config.port = port;
        config.pollHoldMs = 500;
        m_server = std::make_unique<ChatServer>(config);
        QVERIFY(m_server->start());
        QVERIFY(m_server->addUser(str("alice"), str("pw")));
        QTRY_COMPARE_WITH_TIMEOUT(cm.state(), ConnectionState::Connected, Long);
        QCOMPARE(m_server->pollHub().sessionCount(), 1);
        cm.close();
        QTRY_COMPARE_WITH_TIMEOUT(m_server->pollHub().sessionCount(), 0, Long);
    }
};

QTEST_GUILESS_MAIN(TestLongPollTransport)
#include "tst_longpolltransport.moc"
