// The long-polling fallback end to end (issue 13): ChatSessions on a real ChatServer, one of them
// behind a real HTTP proxy that refuses the WebSocket (tinyproxy allowing CONNECT to 443 only), or
// behind a relay that strips the Upgrade header as a proxy without WebSocket support does. Messages
// flow both ways exactly once, and once WebSocket works again the session moves back onto it
// without leaving Connected.
#include "chatsession.h"
#include "chattestutil.h"
#include "connectionmanager.h"
#include "manualnetworkmonitor.h"
#include "pollhub.h"

#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Tether;
using namespace ChatTest;

namespace {

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

// tinyproxy in the foreground, allowing CONNECT to 443 only: a WebSocket through it is refused,
// plain HTTP requests (long polling) are forwarded.
class Tinyproxy
{
public:
    bool start(const QString &dir)
    {
        const QString binary = QStandardPaths::findExecutable(str("tinyproxy"), { str("/usr/bin"), str("/usr/sbin") });
        if (binary.isEmpty())
            return false;
        port = freePort();
        const QString config = dir + str("/tinyproxy.conf");
        QFile f(config);
        if (!f.open(QIODevice::WriteOnly))
            return false;
        f.write(QStringLiteral("Port %1\nListen 127.0.0.1\nTimeout 30\nMaxClients 40\nLogFile \"%2/tinyproxy.log\"\n"
                               "LogLevel Info\nPidFile \"%2/tinyproxy.pid\"\nAllow 127.0.0.1\nConnectPort 443\n")
                        .arg(port)
                        .arg(dir)
                        .toUtf8());
        f.close();
        process.start(binary, { str("-d"), str("-c"), config });
        if (!process.waitForStarted(kTimeout))
            return false;
        return QTest::qWaitFor([this] {
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, port);
            return s.waitForConnected(200);
        }, kTimeout);
    }
    ~Tinyproxy()
    {
        if (process.state() != QProcess::NotRunning) {
            process.terminate();
            if (!process.waitForFinished(5000))
                process.kill();
            process.waitForFinished(5000);
        }
    }
    QProcess process;
    quint16 port = 0;
};

// A relay in front of the server that, while blocking, drops the Upgrade and Connection headers
// of each request (what a proxy without WebSocket support forwards): the server answers 426.
class UpgradeStripper : public QObject
{
public:
    explicit UpgradeStripper(quint16 upstream) : m_upstream(upstream)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *client = m_server.nextPendingConnection())
                relay(client);
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QUrl url() const { return QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_server.serverPort())); }
    bool blocking = true;
    int stripped = 0;

private:
    void relay(QTcpSocket *client)
    {
        client->setParent(this);
        auto *upstream = new QTcpSocket(this);
        auto head = std::make_shared<QByteArray>();
        auto headDone = std::make_shared<bool>(false);
        connect(client, &QTcpSocket::readyRead, this, [this, client, upstream, head, headDone] {
            QByteArray data = client->readAll();
            if (*headDone) {
                upstream->write(data);
                return;
            }
            *head += data;
            const qsizetype end = head->indexOf("\r\n\r\n");
            if (end < 0)
                return;
            *headDone = true;
            QByteArray out = *head;
            if (blocking && head->left(end).toLower().contains("upgrade: websocket")) {
                QList<QByteArray> lines = head->left(end).split('\n');
                lines.removeIf([](const QByteArray &line) {
                    const QByteArray l = line.trimmed().toLower();
                    return l.startsWith("upgrade:") || l.startsWith("connection:");
                });
                out = lines.join('\n') + "\r\nConnection: close\r\n\r\n" + head->mid(end + 4);
                ++stripped;
            }
            upstream->write(out);
        });
        connect(upstream, &QTcpSocket::readyRead, this, [client, upstream] { client->write(upstream->readAll()); });
        connect(upstream, &QTcpSocket::disconnected, client, [client] { client->disconnectFromHost(); });
        connect(client, &QTcpSocket::disconnected, upstream, [upstream] { upstream->disconnectFromHost(); });
        upstream->connectToHost(QHostAddress::LocalHost, m_upstream);
    }
    QTcpServer m_server;
    quint16 m_upstream;
};

struct Peer
{
    ManualNetworkMonitor monitor;
    std::unique_ptr<ConnectionManager> connection;
    std::unique_ptr<ChatSession> session;
    QList<ChatMessage> added;
    QList<ConnectionState> states;

    Peer(const ConnectionConfig &config, const QString &db)
    {
        connection = std::make_unique<ConnectionManager>(config, &monitor);
        ChatSessionConfig chat;
        chat.databasePath = db;
        session = std::make_unique<ChatSession>(connection.get(), chat);
        QObject::connect(session.get(), &ChatSession::messagesAdded, session.get(),
                         [this](const QString &, const QList<ChatMessage> &list) { added.append(list); });
        QObject::connect(connection.get(), &ConnectionManager::stateChanged, connection.get(),
                         [this](ConnectionState state, ConnectionState) { states.append(state); });
    }
    bool openAndSync()
    {
        if (!session->open())
            return false;
        QSignalSpy synced(session.get(), &ChatSession::synced);
        connection->open();
        return synced.wait(kTimeout) || session->isSynced();
    }
    QStringList received(const QString &conversation) const
    {
        QStringList texts;
        for (const ChatMessage &m : added) {
            if (m.conversation == conversation && m.delivery == ChatMessage::Delivery::Received)
                texts.append(m.text);
        }
        return texts;
    }
};

} // namespace

class TestTransportFallback : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    static ConnectionConfig autoConfig(const QUrl &url, const QString &token)
    {
        ConnectionConfig c = fastConfig(url, token);
        c.transportMode = ConnectionConfig::TransportMode::Auto;
        c.pongTimeoutMs = 3000; // pings over long polling take two requests
        return c;
    }

    // Both directions, count messages each, exactly once and in order.
    static void exchange(Peer &a, Peer &b, const QString &tag, int count)
    {
        for (int i = 0; i < count; ++i) {
            QVERIFY(!a.session->send(str("lobby"), QStringLiteral("%1 a%2").arg(tag).arg(i)).isEmpty());
            QVERIFY(!b.session->send(str("lobby"), QStringLiteral("%1 b%2").arg(tag).arg(i)).isEmpty());
        }
        QStringList fromA;
        QStringList fromB;
        for (int i = 0; i < count; ++i) {
            fromA << QStringLiteral("%1 a%2").arg(tag).arg(i);
            fromB << QStringLiteral("%1 b%2").arg(tag).arg(i);
        }
        auto only = [&tag](const QStringList &texts) {
            QStringList out;
            for (const QString &t : texts) {
                if (t.startsWith(tag + QLatin1Char(' ')))
                    out << t;
            }
            return out;
        };
        QTRY_COMPARE_WITH_TIMEOUT(only(b.received(str("lobby"))), fromA, kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(only(a.received(str("lobby"))), fromB, kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(a.session->outboxSize(), 0, kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(b.session->outboxSize(), 0, kTimeout);
    }

private Q_SLOTS:
    void throughAProxyThatRefusesTheUpgrade()
    {
        Tinyproxy proxy;
        if (!proxy.start(m_dir.path()))
            QSKIP("tinyproxy is not installed (scripts/deps installs it)");
        Server server;
        server.config.pollHoldMs = 2000;
        QVERIFY(server.start());
        QVERIFY(server.addUser(str("alice")));
        QVERIFY(server.addUser(str("bob")));
        ConnectionConfig ca = autoConfig(server.server->webSocketUrl(), login(server.server->httpUrl(), str("alice")));
        ca.proxy = QNetworkProxy(QNetworkProxy::HttpProxy, str("127.0.0.1"), proxy.port);
        Peer alice(ca, m_dir.filePath(str("alice-proxy.sqlite")));
        Peer bob(autoConfig(server.server->webSocketUrl(), login(server.server->httpUrl(), str("bob"))),
                 m_dir.filePath(str("bob-proxy.sqlite")));
        QVERIFY(alice.openAndSync());
        QVERIFY(bob.openAndSync());
        QCOMPARE(alice.connection->transport(), str("long-poll"));
        QVERIFY2(alice.connection->fallbackReason().contains(str("proxy")), qPrintable(alice.connection->fallbackReason()));
        QCOMPARE(bob.connection->transport(), str("websocket"));
        QCOMPARE(server.server->pollHub().sessionCount(), 1);
        exchange(alice, bob, str("proxy"), 20);
    }

    void behindARelayThatStripsTheUpgradeAndBack()
    {
        Server server;
        server.config.pollHoldMs = 2000;
        QVERIFY(server.start());
        QVERIFY(server.addUser(str("alice")));
        QVERIFY(server.addUser(str("bob")));
        UpgradeStripper relay(server.server->port());
        QVERIFY(relay.listen());
        ConnectionConfig ca = autoConfig(relay.url(), login(server.server->httpUrl(), str("alice")));
        ca.wsRetryIntervalMs = 400;
        Peer alice(ca, m_dir.filePath(str("alice-relay.sqlite")));
        Peer bob(autoConfig(server.server->webSocketUrl(), login(server.server->httpUrl(), str("bob"))),
                 m_dir.filePath(str("bob-relay.sqlite")));
        QVERIFY(alice.openAndSync());
        QVERIFY(bob.openAndSync());
        QCOMPARE(alice.connection->transport(), str("long-poll"));
        QVERIFY(relay.stripped >= 2);
        QVERIFY2(alice.connection->fallbackReason().contains(str("426")), qPrintable(alice.connection->fallbackReason()));
        exchange(alice, bob, str("fallback"), 10);

        // Trials keep failing while blocked, and the session stays on long polling.
        QTRY_VERIFY_WITH_TIMEOUT(relay.stripped >= 4, kTimeout);
        QCOMPARE(alice.connection->transport(), str("long-poll"));

        // WebSocket works again: moved back while messages keep coming, never leaving Connected.
        const qsizetype statesBefore = alice.states.size();
        QSignalSpy changed(alice.connection.get(), &ConnectionManager::transportChanged);
        for (int i = 0; i < 5; ++i)
            QVERIFY(!bob.session->send(str("lobby"), QStringLiteral("switch b%1").arg(i)).isEmpty());
        relay.blocking = false;
        for (int i = 5; i < 10; ++i)
            QVERIFY(!bob.session->send(str("lobby"), QStringLiteral("switch b%1").arg(i)).isEmpty());
        QVERIFY(changed.wait(kTimeout));
        QCOMPARE(changed.first().first().toString(), str("websocket"));
        QCOMPARE(alice.connection->transport(), str("websocket"));
        QStringList expected;
        for (int i = 0; i < 10; ++i)
            expected << QStringLiteral("switch b%1").arg(i);
        QTRY_COMPARE_WITH_TIMEOUT(alice.received(str("lobby")).filter(str("switch ")), expected, kTimeout);
        exchange(alice, bob, str("back"), 10);
        QCOMPARE(alice.states.size(), statesBefore); // no Reconnecting flash
        QCOMPARE(alice.connection->state(), ConnectionState::Connected);
        QTRY_COMPARE_WITH_TIMEOUT(server.server->pollHub().sessionCount(), 0, kTimeout); // the old link closed
    }

    // Make before break: a network change while connected opens a second connection and moves the
    // session onto it; nothing is lost or doubled and the state never leaves Connected.
    void networkChangeMovesToASecondConnection_data()
    {
        QTest::addColumn<int>("mode");
        QTest::newRow("websocket") << int(ConnectionConfig::TransportMode::WebSocket);
        QTest::newRow("long-poll") << int(ConnectionConfig::TransportMode::LongPoll);
    }
    void networkChangeMovesToASecondConnection()
    {
        QFETCH(int, mode);
        Server server;
        server.config.pollHoldMs = 2000;
        QVERIFY(server.start());
        QVERIFY(server.addUser(str("alice")));
        QVERIFY(server.addUser(str("bob")));
        ConnectionConfig ca = autoConfig(server.server->webSocketUrl(), login(server.server->httpUrl(), str("alice")));
        ca.transportMode = ConnectionConfig::TransportMode(mode);
        const QString tag = QString::fromLatin1(QTest::currentDataTag());
        Peer alice(ca, m_dir.filePath(QStringLiteral("alice-net-%1.sqlite").arg(tag)));
        Peer bob(autoConfig(server.server->webSocketUrl(), login(server.server->httpUrl(), str("bob"))),
                 m_dir.filePath(QStringLiteral("bob-net-%1.sqlite").arg(tag)));
        QVERIFY(alice.openAndSync());
        QVERIFY(bob.openAndSync());
        QTRY_COMPARE_WITH_TIMEOUT(server.server->connectionCount(), 2, kTimeout);
        const qsizetype statesBefore = alice.states.size();
        const int connectsBefore = alice.connection->stats().connects;
        QSignalSpy replaced(alice.connection.get(), &ConnectionManager::linkReplaced);
        for (int i = 0; i < 5; ++i) {
            QVERIFY(!alice.session->send(str("lobby"), QStringLiteral("move a%1").arg(i)).isEmpty());
            QVERIFY(!bob.session->send(str("lobby"), QStringLiteral("move b%1").arg(i)).isEmpty());
        }
        alice.monitor.notifyNetworkChanged();
        for (int i = 5; i < 10; ++i) {
            QVERIFY(!alice.session->send(str("lobby"), QStringLiteral("move a%1").arg(i)).isEmpty());
            QVERIFY(!bob.session->send(str("lobby"), QStringLiteral("move b%1").arg(i)).isEmpty());
        }
        QVERIFY(replaced.count() == 1 || replaced.wait(kTimeout));
        QStringList fromA;
        QStringList fromB;
        for (int i = 0; i < 10; ++i) {
            fromA << QStringLiteral("move a%1").arg(i);
            fromB << QStringLiteral("move b%1").arg(i);
        }
        QTRY_COMPARE_WITH_TIMEOUT(bob.received(str("lobby")).filter(str("move a")), fromA, kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(alice.received(str("lobby")).filter(str("move b")), fromB, kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(alice.session->outboxSize(), 0, kTimeout);
        QCOMPARE(alice.states.size(), statesBefore); // no Reconnecting flash
        QCOMPARE(alice.connection->stats().connects, connectsBefore);
        QTRY_COMPARE_WITH_TIMEOUT(server.server->connectionCount(), 2, kTimeout); // the old link closed
        exchange(alice, bob, QStringLiteral("after-%1").arg(tag), 5);
    }
};

QTEST_GUILESS_MAIN(TestTransportFallback)
#include "tst_transportfallback.moc"
