// ChatSession against the real ChatServer on 127.0.0.1 (and, for misbehaving-server cases, a scripted
// QWebSocketServer): outbox persistence, dedupe, gaps, resume, failed/retry/discard, error paths.

#include "chatsession.h"
#include "chattestutil.h"
#include "connectionmanager.h"
#include "faultproxy.h"
#include "manualnetworkmonitor.h"
#include "messagestore.h"

#include <QDir>
#include <QFile>
#include <QLoggingCategory>
#include <QScopeGuard>
#include <QJsonArray>
#include <QSignalSpy>
#include <QWebSocket>
#include <QWebSocketServer>
#include <QtTest>

using namespace Tether;
using ChatTest::kTimeout;
using ChatTest::str;

namespace {

// One chat client: its own network monitor, connection, session and database file.
struct Peer
{
    ManualNetworkMonitor monitor;
    std::unique_ptr<ConnectionManager> connection;
    std::unique_ptr<ChatSession> session;
    QString dbPath;
    QList<ChatMessage> added;          // every messagesAdded payload, in order
    int addedSignals = 0;
    QList<ChatMessage> updates;
    QStringList errors;

    Peer(const ConnectionConfig &config, const QString &db, ChatSessionConfig chatConfig = {})
    {
        dbPath = db;
        connection = std::make_unique<ConnectionManager>(config, &monitor);
        chatConfig.databasePath = db;
        session = std::make_unique<ChatSession>(connection.get(), chatConfig);
        QObject::connect(session.get(), &ChatSession::messagesAdded, session.get(),
                         [this](const QString &, const QList<ChatMessage> &list) {
                             added.append(list);
                             ++addedSignals;
                         });
        QObject::connect(session.get(), &ChatSession::messageUpdated, session.get(),
                         [this](const ChatMessage &m) { updates.append(m); });
        QObject::connect(session.get(), &ChatSession::errorOccurred, session.get(),
                         [this](ChatSession::Error code, const QString &) { errors.append(ChatSession::errorName(code)); });
    }

    bool openAndSync()
    {
        QString error;
        if (!session->isOpen() && !session->open(&error)) {
            qWarning() << error;
            return false;
        }
        QSignalSpy synced(session.get(), &ChatSession::synced);
        connection->open();
        return synced.wait(kTimeout) || session->isSynced();
    }

    // Received texts (not our own pending ones) in the order messagesAdded delivered them.
    QStringList receivedTexts(const QString &conversation) const
    {
        QStringList texts;
        for (const ChatMessage &m : added)
            if (m.conversation == conversation && m.delivery == ChatMessage::Delivery::Received)
                texts.append(m.text);
        return texts;
    }

    ChatMessage lastUpdate(const QString &id) const
    {
        for (int i = updates.size() - 1; i >= 0; --i)
            if (updates.at(i).id == id)
                return updates.at(i);
        return {};
    }

    // The held messages of a conversation: seq order, no duplicate seq or id.
    static bool strictlyOrdered(const QList<ChatMessage> &list, QString *why)
    {
        QSet<QString> ids;
        qint64 last = 0;
        for (const ChatMessage &m : list) {
            if (m.seq == 0)
                continue; // pending
            if (m.seq != last + 1) {
                *why = QStringLiteral("seq %1 follows %2").arg(m.seq).arg(last);
                return false;
            }
            if (ids.contains(m.id)) {
                *why = QStringLiteral("id %1 twice").arg(m.id);
                return false;
            }
            ids.insert(m.id);
            last = m.seq;
        }
        return true;
    }
};

// A scripted protocol peer for behaviour the real server never shows (gaps, garbage).
class ScriptedServer : public QObject
{
public:
    ScriptedServer() : server(QStringLiteral("scripted"), QWebSocketServer::NonSecureMode)
    {
        connect(&server, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *s = server.nextPendingConnection()) {
                s->setParent(this); // the caller owns what nextPendingConnection() returns
                socket = s;
                connect(s, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
                    received.append(QJsonDocument::fromJson(text.toUtf8()).object());
                });
            }
        });
    }
    bool listen() { return server.listen(QHostAddress::LocalHost, 0); }
    QUrl url() const { return QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(server.serverPort())); }
    void send(const QJsonObject &frame)
    {
        socket->sendTextMessage(QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
    }
    QJsonObject waitFor(const QString &type)
    {
        QJsonObject found;
        (void)QTest::qWaitFor([&] {
            for (int i = cursor; i < received.size(); ++i) {
                if (received.at(i).value(QLatin1String("type")).toString() == type) {
                    found = received.at(i);
                    cursor = i + 1;
                    return true;
                }
            }
            return false;
        }, kTimeout);
        return found;
    }
    static QJsonObject message(qint64 seq, const QString &conversation = str("room"))
    {
        return {{str("type"), str("message")}, {str("conversation"), conversation}, {str("seq"), seq},
                {str("id"), QStringLiteral("srv-%1").arg(seq)}, {str("from"), str("bob")},
                {str("text"), QStringLiteral("m%1").arg(seq)}, {str("ts"), 1700000000000.0 + double(seq)}};
    }

    QWebSocketServer server;
    QPointer<QWebSocket> socket;
    QList<QJsonObject> received;
    int cursor = 0;
};

} // namespace

class TestChatSession : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ChatTest::Server> m_server;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_aliceToken;
    QString m_bobToken;

    QString db(const QString &name) const { return m_dir->filePath(name); }

    std::unique_ptr<Peer> peer(const QString &token, const QString &dbName, ChatSessionConfig chat = {},
                               const QUrl &url = QUrl())
    {
        return std::make_unique<Peer>(
                ChatTest::fastConfig(url.isEmpty() ? m_server->server->webSocketUrl() : url, token), db(dbName), chat);
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_server = std::make_unique<ChatTest::Server>();
        m_server->config.rateLimitPerSecond = 0; // the tests flood on purpose
        m_server->config.userRatePerSecond = 0;
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        QVERIFY(m_server->addUser(str("alice")));
        QVERIFY(m_server->addUser(str("bob")));
        m_aliceToken = ChatTest::login(m_server->server->httpUrl(), str("alice"));
        m_bobToken = ChatTest::login(m_server->server->httpUrl(), str("bob"));
        QVERIFY(!m_aliceToken.isEmpty());
        QVERIFY(!m_bobToken.isEmpty());
    }

    void cleanup()
    {
        m_server.reset();
        m_dir.reset();
    }

    void sendAckAndBroadcast()
    {
        auto alice = peer(m_aliceToken, str("alice.sqlite"));
        auto bob = peer(m_bobToken, str("bob.sqlite"));
        QVERIFY(alice->openAndSync());
        QVERIFY(bob->openAndSync());
        QCOMPARE(alice->session->userName(), str("alice"));
        QVERIFY(!alice->session->conversations().isEmpty());

        const QString id = alice->session->send(str("lobby"), str("hello bob"));
        QVERIFY(!id.isEmpty());
        QCOMPARE(alice->added.size(), 1);
        QCOMPARE(alice->added.first().delivery, ChatMessage::Delivery::Queued);
        QVERIFY(alice->added.first().outgoing);
        QTRY_COMPARE_WITH_TIMEOUT(alice->lastUpdate(id).delivery, ChatMessage::Delivery::Sent, kTimeout);
        QVERIFY(alice->lastUpdate(id).seq > 0);
        // queued -> sending -> sent, in that order
        QStringList states;
        for (const ChatMessage &m : alice->updates)
            if (m.id == id)
                states << deliveryName(m.delivery);
        QCOMPARE(states, (QStringList{str("sending"), str("sent")}));
        QCOMPARE(alice->session->outboxSize(), 0);

        QTRY_COMPARE_WITH_TIMEOUT(bob->receivedTexts(str("lobby")), QStringList{str("hello bob")}, kTimeout);
        QCOMPARE(bob->added.last().from, str("alice"));
        QCOMPARE(bob->added.last().seq, alice->lastUpdate(id).seq);
        QVERIFY(!bob->added.last().outgoing);
        // Alice does not get her own message announced twice.
        QTest::qWait(100);
        QCOMPARE(alice->added.size(), 1);
        const auto held = alice->session->messages(str("lobby"));
        QCOMPARE(held.size(), 1);
        QCOMPARE(held.first().delivery, ChatMessage::Delivery::Sent);
    }

    void writeBeforeSend()
    {
        auto alice = peer(m_aliceToken, str("alice.sqlite"));
        QVERIFY(alice->openAndSync());
        // At the moment the message is handed to the socket, it must already be in the file.
        bool onDiskWhenSending = false;
        bool checked = false;
        QObject::connect(alice->session.get(), &ChatSession::messageUpdated, alice->session.get(),
                         [&](const ChatMessage &m) {
                             if (m.delivery != ChatMessage::Delivery::Sending || checked)
                                 return;
                             checked = true;
                             MessageStore reader;
                             onDiskWhenSending = reader.open(alice->dbPath) && reader.outboxEntry(m.id).has_value();
                         });
        const QString id = alice->session->send(str("lobby"), str("durable"));
        QVERIFY(!id.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(checked, kTimeout);
        QVERIFY(onDiskWhenSending);
    }

    void outboxSurvivesRestart()
    {
        QStringList ids;
        {
            // The server is unreachable: everything waits in the outbox when the "process" ends.
            auto offline = peer(m_aliceToken, str("alice.sqlite"), {}, QUrl(str("ws://127.0.0.1:1/ws")));
            QVERIFY(offline->session->open());
            offline->connection->open();
            for (int i = 0; i < 5; ++i)
                ids << offline->session->send(str("lobby"), QStringLiteral("offline %1").arg(i));
            QVERIFY(!ids.contains(QString()));
            QCOMPARE(offline->session->outboxSize(), 5);
            QCOMPARE(offline->session->messages(str("lobby")).size(), 5);
        }
        auto bob = peer(m_bobToken, str("bob.sqlite"));
        QVERIFY(bob->openAndSync());
        auto alice = peer(m_aliceToken, str("alice.sqlite"));
        QVERIFY(alice->session->open());
        QCOMPARE(alice->session->outboxSize(), 5);
        QVERIFY(alice->openAndSync());
        QTRY_COMPARE_WITH_TIMEOUT(alice->session->outboxSize(), 0, kTimeout);
        QStringList expected;
        for (int i = 0; i < 5; ++i)
            expected << QStringLiteral("offline %1").arg(i);
        QTRY_COMPARE_WITH_TIMEOUT(bob->receivedTexts(str("lobby")), expected, kTimeout);
        QString why;
        const auto held = alice->session->messages(str("lobby"));
        QCOMPARE(held.size(), 5);
        QVERIFY2(Peer::strictlyOrdered(held, &why), qPrintable(why));
        for (const ChatMessage &m : held)
            QVERIFY(ids.contains(m.id));
    }

    void resendAfterRestartIsDeduped()
    {
        // The server stored the message but the client died before the ack: the restarted client
        // sends the same id again and must end with one copy.
        const QString id = str("fixed-id-1");
        {
            auto offline = peer(m_aliceToken, str("alice.sqlite"), {}, QUrl(str("ws://127.0.0.1:1/ws")));
            QVERIFY(offline->session->open());
            QCOMPARE(offline->session->sendWithId(id, str("lobby"), str("once")), id);
            // Re-feeding the same id does not queue it twice.
            QCOMPARE(offline->session->sendWithId(id, str("lobby"), str("once")), id);
            QCOMPARE(offline->session->outboxSize(), 1);
        }
        {
            // "Before the crash" the message reached the server through another connection of alice.
            auto other = peer(m_aliceToken, str("alice-other.sqlite"));
            QVERIFY(other->openAndSync());
            QCOMPARE(other->session->sendWithId(id, str("lobby"), str("once")), id);
            QTRY_COMPARE_WITH_TIMEOUT(other->session->outboxSize(), 0, kTimeout);
        }
        auto bob = peer(m_bobToken, str("bob.sqlite"));
        QVERIFY(bob->openAndSync());
        auto alice = peer(m_aliceToken, str("alice.sqlite"));
        QVERIFY(alice->openAndSync());
        QTRY_COMPARE_WITH_TIMEOUT(alice->session->outboxSize(), 0, kTimeout);
        QCOMPARE(alice->lastUpdate(id).delivery, ChatMessage::Delivery::Sent);
        QCOMPARE(alice->lastUpdate(id).seq, 1);
        // A later message proves nothing more is coming for the first one.
        const QString next = alice->session->send(str("lobby"), str("after"));
        QTRY_COMPARE_WITH_TIMEOUT(bob->receivedTexts(str("lobby")), (QStringList{str("once"), str("after")}), kTimeout);
        QCOMPARE(alice->session->messages(str("lobby")).size(), 2);
        QCOMPARE(alice->lastUpdate(next).seq, 2);
    }

    void guestIsTheSameGuestOnEveryConnection()
    {
        // The embedded default is a guest: a guest that resends after a lost ack must be recognised,
        // or the server stores the message twice.
        const QString id = str("guest-fixed-id");
        QString guestName;
        {
            auto guest = peer(QString(), str("guest.sqlite"));
            QVERIFY(guest->openAndSync());
            guestName = guest->session->userName();
            QVERIFY2(guestName.startsWith(str("guest-")), qPrintable(guestName));
            QCOMPARE(guest->session->sendWithId(id, str("lobby"), str("from a guest")), id);
            QTRY_COMPARE_WITH_TIMEOUT(guest->lastUpdate(id).delivery, ChatMessage::Delivery::Sent, kTimeout);
            QCOMPARE(guest->lastUpdate(id).seq, 1);
        }
        auto again = peer(QString(), str("guest.sqlite"));
        QVERIFY(again->openAndSync());
        QCOMPARE(again->session->userName(), guestName);
        // (The server side of a guest's retried id is tested in tst_server_chat.)
        QCOMPARE(again->session->sendWithId(str("guest-fixed-id-2"), str("lobby"), str("marker")), str("guest-fixed-id-2"));
        auto stranger = peer(QString(), str("stranger.sqlite"));
        QVERIFY(stranger->openAndSync());
        QVERIFY(stranger->session->userName() != guestName);
        QTRY_COMPARE_WITH_TIMEOUT(stranger->receivedTexts(str("lobby")), (QStringList{str("from a guest"), str("marker")}),
                                  kTimeout);
        const auto held = again->session->messages(str("lobby"));
        QCOMPARE(held.size(), 2);
        QVERIFY(held.at(0).outgoing); // recognised as our own, by the stable id
        QCOMPARE(held.at(0).from, guestName);
    }

    void resendOnTimeoutIsDeduped()
    {
        // A slow link: the ack takes longer than sendingTimeoutMs, so the same id goes out again.
        FaultProxy proxy;
        proxy.setUpstream(str("127.0.0.1"), m_server->server->port());
        QVERIFY(proxy.listen());
        ChatSessionConfig chat;
        chat.sendingTimeoutMs = 100;
        QUrl url(QStringLiteral("ws://127.0.0.1:%1/ws").arg(proxy.port()));
        auto alice = peer(m_aliceToken, str("alice.sqlite"), chat, url);
        alice->connection->setConfig([&] {
            ConnectionConfig c = ChatTest::fastConfig(url, m_aliceToken);
            c.pongTimeoutMs = 5000;
            return c;
        }());
        auto bob = peer(m_bobToken, str("bob.sqlite"));
        QVERIFY(bob->openAndSync());
        QVERIFY(alice->openAndSync());
        QVERIFY(proxy.setMode(FaultProxy::Mode::Delay, 400));
        const QString id = alice->session->send(str("lobby"), str("slow"));
        QTRY_COMPARE_WITH_TIMEOUT(alice->session->outboxSize(), 0, kTimeout);
        QVERIFY(proxy.setMode(FaultProxy::Mode::Pass));
        alice->session->send(str("lobby"), str("marker"));
        QTRY_COMPARE_WITH_TIMEOUT(bob->receivedTexts(str("lobby")), (QStringList{str("slow"), str("marker")}), kTimeout);
        QCOMPARE(alice->lastUpdate(id).seq, 1);
    }

    void ackLostLinkDropped()
    {
        // The send reaches the server, the ack is lost with the link: the replay after the
        // reconnect confirms the message; nothing is stored twice.
        FaultProxy proxy;
        proxy.setUpstream(str("127.0.0.1"), m_server->server->port());
        QVERIFY(proxy.listen());
        QUrl url(QStringLiteral("ws://127.0.0.1:%1/ws").arg(proxy.port()));
        auto alice = peer(m_aliceToken, str("alice.sqlite"), {}, url);
        alice->connection->setConfig([&] {
            ConnectionConfig c = ChatTest::fastConfig(url, m_aliceToken);
            c.pongTimeoutMs = 5000;
            return c;
        }());
        auto bob = peer(m_bobToken, str("bob.sqlite"));
        QVERIFY(bob->openAndSync());
        QVERIFY(alice->openAndSync());
        QVERIFY(proxy.setMode(FaultProxy::Mode::Delay, 300));
        const QString id = alice->session->send(str("lobby"), str("ack lost"));
        // Bob (direct) sees it: the server has it. Alice's ack is still inside the proxy.
        QTRY_COMPARE_WITH_TIMEOUT(bob->receivedTexts(str("lobby")), QStringList{str("ack lost")}, kTimeout);
        QCOMPARE(alice->session->outboxSize(), 1);
        QSignalSpy synced(alice->session.get(), &ChatSession::synced);
        QVERIFY(proxy.setMode(FaultProxy::Mode::Drop));
        QVERIFY(synced.wait(kTimeout));
        QTRY_COMPARE_WITH_TIMEOUT(alice->session->outboxSize(), 0, kTimeout);
        QCOMPARE(alice->lastUpdate(id).delivery, ChatMessage::Delivery::Sent);
        QVERIFY(alice->session->reconnects() >= 1);
        alice->session->send(str("lobby"), str("next"));
        QTRY_COMPARE_WITH_TIMEOUT(bob->receivedTexts(str("lobby")), (QStringList{str("ack lost"), str("next")}), kTimeout);
        QCOMPARE(alice->session->messages(str("lobby")).size(), 2);
    }

    void resumeReplaysExactlyTheMissed()
    {
        auto alice = peer(m_aliceToken, str("alice.sqlite"));
        auto bob = peer(m_bobToken, str("bob.sqlite"));
        QVERIFY(alice->openAndSync());
        QVERIFY(bob->openAndSync());
        for (int i = 0; i < 3; ++i)
            bob->session->send(str("lobby"), QStringLiteral("before %1").arg(i));
        QTRY_COMPARE_WITH_TIMEOUT(alice->receivedTexts(str("lobby")).size(), 3, kTimeout);
        alice->connection->close();
        QTRY_VERIFY_WITH_TIMEOUT(alice->connection->state() == ConnectionState::Disconnected, kTimeout);
        for (int i = 0; i < 4; ++i)
            bob->session->send(str("lobby"), QStringLiteral("missed %1").arg(i));
        QTRY_COMPARE_WITH_TIMEOUT(bob->session->outboxSize(), 0, kTimeout);
        // A fresh process on the same file: resume from the stored watermark.
        alice.reset();
        alice = peer(m_aliceToken, str("alice.sqlite"));
        QVERIFY(alice->openAndSync());
        QTRY_COMPARE_WITH_TIMEOUT(alice->receivedTexts(str("lobby")),
                                  (QStringList{str("missed 0"), str("missed 1"), str("missed 2"), str("missed 3")}),
                                  kTimeout);
        const auto held = alice->session->messages(str("lobby"));
        QCOMPARE(held.size(), 7);
        QString why;
        QVERIFY2(Peer::strictlyOrdered(held, &why), qPrintable(why));
        QCOMPARE(alice->session->conversations().size(), bob->session->conversations().size());
    }

    void bigReplayIsBatched()
    {
        const int count = 2000;
        ChatSessionConfig fast;
        fast.sendRatePerSecond = 0; // unpaced: this server has no rate limit
        auto bob = peer(m_bobToken, str("bob.sqlite"), fast);
        QVERIFY(bob->openAndSync());
        bob->connection->close();
        for (int i = 0; i < count; ++i)
            QVERIFY(!bob->session->send(str("lobby"), QStringLiteral("bulk %1").arg(i)).isEmpty());
        QVERIFY(bob->openAndSync());
        QTRY_COMPARE_WITH_TIMEOUT(bob->session->outboxSize(), 0, 60000);

        auto alice = peer(m_aliceToken, str("alice.sqlite"));
        QVERIFY(alice->openAndSync());
        QTRY_COMPARE_WITH_TIMEOUT(alice->receivedTexts(str("lobby")).size(), count, kTimeout);
        const QStringList texts = alice->receivedTexts(str("lobby"));
        for (int i = 0; i < count; ++i)
            QCOMPARE(texts.at(i), QStringLiteral("bulk %1").arg(i));
        QVERIFY2(alice->addedSignals <= count / 100, qPrintable(QString::number(alice->addedSignals)));
        int unread = -1;
        for (const Conversation &c : alice->session->conversations())
            if (c.id == QLatin1String("lobby"))
                unread = c.unread;
        QCOMPARE(unread, count);
    }

    // The server replays at most replayLimit messages per conversation and names the rest in
    // synced.more: the client pages them with history, exactly once and in order.
    void replayOverTheLimitIsPaged()
    {
        m_server->stop();
        m_server = std::make_unique<ChatTest::Server>();
        m_server->config.rateLimitPerSecond = 0;
        m_server->config.userRatePerSecond = 0;
        m_server->config.replayLimit = 7;
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        QVERIFY(m_server->addUser(str("alice")));
        QVERIFY(m_server->addUser(str("bob")));
        const QString alice = ChatTest::login(m_server->server->httpUrl(), str("alice"));
        const QString bobToken = ChatTest::login(m_server->server->httpUrl(), str("bob"));
        ChatSessionConfig small;
        small.historyPageLimit = 5; // several pages
        small.sendRatePerSecond = 0;
        auto bob = peer(bobToken, str("bob.sqlite"), small);
        QVERIFY(bob->openAndSync());
        for (int i = 0; i < 40; ++i)
            bob->session->send(str("lobby"), QStringLiteral("paged %1").arg(i));
        QTRY_COMPARE_WITH_TIMEOUT(bob->session->outboxSize(), 0, kTimeout);

        auto reader = peer(alice, str("alice.sqlite"), small);
        QStringList syncedMore;
        QObject::connect(reader->connection.get(), &ConnectionManager::textMessageReceived, reader->connection.get(),
                         [&](const QString &text) {
                             const QJsonObject frame = QJsonDocument::fromJson(text.toUtf8()).object();
                             if (frame.value(str("type")).toString() == str("synced"))
                                 for (const QJsonValue &v : frame.value(str("more")).toArray())
                                     syncedMore.append(v.toString());
                         });
        QVERIFY(reader->openAndSync());
        QTRY_COMPARE_WITH_TIMEOUT(reader->receivedTexts(str("lobby")).size(), 40, kTimeout);
        QCOMPARE(syncedMore, QStringList{ str("lobby") });
        const QStringList texts = reader->receivedTexts(str("lobby"));
        for (int i = 0; i < 40; ++i)
            QCOMPARE(texts.at(i), QStringLiteral("paged %1").arg(i));
        QString why;
        QVERIFY2(Peer::strictlyOrdered(reader->session->messages(str("lobby")), &why), qPrintable(why));
    }

    // A reader that does not read (its path stalls: TCP backpressure up to the server) is closed
    // as a slow consumer (4008) once --send-buffer bytes wait for it; when its path clears it
    // reconnects with backoff and resumes (replay, then history): nothing lost or doubled.
    void slowConsumerReconnectsAndResumes()
    {
        m_server->stop();
        m_server = std::make_unique<ChatTest::Server>();
        m_server->config.rateLimitPerSecond = 0;
        m_server->config.userRatePerSecond = 0; // 1,000 sends at once, in order
        m_server->config.sendBufferBytes = 64 * 1024;
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        QVERIFY(m_server->addUser(str("alice")));
        QVERIFY(m_server->addUser(str("bob")));
        const QString alice = ChatTest::login(m_server->server->httpUrl(), str("alice"));
        const QString bobToken = ChatTest::login(m_server->server->httpUrl(), str("bob"));
        FaultProxy proxy;
        proxy.setUpstream(str("127.0.0.1"), m_server->server->port());
        QVERIFY(proxy.listen());
        QUrl viaProxy = m_server->server->webSocketUrl();
        viaProxy.setPort(proxy.port());
        // Its heartbeat is slow: the reader must not notice the stall and leave by itself.
        ConnectionConfig patient = ChatTest::fastConfig(viaProxy, alice);
        patient.heartbeatIntervalMs = 60000;
        patient.pongTimeoutMs = 60000;
        auto reader = std::make_unique<Peer>(patient, db(str("alice.sqlite")));
        QVERIFY(reader->openAndSync());
        ChatSessionConfig fast;
        fast.sendRatePerSecond = 0;
        fast.sendWindow = 200;
        auto bob = peer(bobToken, str("bob.sqlite"), fast);
        QVERIFY(bob->openAndSync());
        QTRY_COMPARE_WITH_TIMEOUT(m_server->server->connectionCount(), 2, kTimeout);

        // The server's own word for why the reader went (a reader that does not read cannot see it).
        static QAtomicInt slowConsumerClosed;
        slowConsumerClosed = 0;
        static QtMessageHandler previous = nullptr;
        previous = qInstallMessageHandler([](QtMsgType type, const QMessageLogContext &context, const QString &message) {
            if (message.contains(QLatin1String("closing slow consumer")))
                slowConsumerClosed = 1;
            if (type != QtInfoMsg && previous)
                previous(type, context, message);
        });
        QLoggingCategory::setFilterRules(str("tether.server.info=true"));
        auto restore = qScopeGuard([] {
            qInstallMessageHandler(previous);
            QLoggingCategory::setFilterRules(QString());
        });

        QVERIFY(proxy.setMode(FaultProxy::Mode::Stall));
        // More than the kernel holds for a connection nobody reads (up to tcp_wmem's 4 MB here).
        const int count = 1000;
        const QString pad(8000, QLatin1Char('p'));
        for (int i = 0; i < count; ++i)
            bob->session->send(str("lobby"), QStringLiteral("burst %1 ").arg(i) + pad);
        QTRY_COMPARE_WITH_TIMEOUT(bob->session->outboxSize(), 0, 60000);
        // 8 MB of broadcasts for a reader that takes nothing: the server lets it go.
        QTRY_COMPARE_WITH_TIMEOUT(m_server->server->connectionCount(), 1, kTimeout);
        QTRY_VERIFY_WITH_TIMEOUT(slowConsumerClosed.loadRelaxed() == 1, kTimeout);
        QVERIFY(proxy.setMode(FaultProxy::Mode::Pass));
        QTRY_COMPARE_WITH_TIMEOUT(reader->receivedTexts(str("lobby")).size(), count, 60000);
        const QStringList texts = reader->receivedTexts(str("lobby"));
        for (int i = 0; i < count; ++i)
            QCOMPARE(texts.at(i), QStringLiteral("burst %1 ").arg(i) + pad);
        QString why;
        QVERIFY2(Peer::strictlyOrdered(reader->session->messages(str("lobby")), &why), qPrintable(why));
        QVERIFY(reader->session->isSynced());
    }

    void failedRetryDiscard()
    {
        auto alice = peer(m_aliceToken, str("alice.sqlite"));
        QVERIFY(alice->openAndSync());
        const QString id = alice->session->send(str("not-a-room"), str("lost?"));
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(alice->lastUpdate(id).delivery, ChatMessage::Delivery::Failed, kTimeout);
        QCOMPARE(alice->lastUpdate(id).errorCode, str("not_member"));
        QCOMPARE(alice->session->outboxSize(), 1); // failed stays visible until discarded
        const auto pending = alice->session->messages(str("not-a-room"));
        QCOMPARE(pending.size(), 1);
        QCOMPARE(pending.first().delivery, ChatMessage::Delivery::Failed);

        QVERIFY(!alice->session->retry(str("no-such-id")));
        const int before = alice->updates.size();
        QVERIFY(alice->session->retry(id));
        QCOMPARE(alice->updates.at(before).delivery, ChatMessage::Delivery::Queued);
        QTRY_COMPARE_WITH_TIMEOUT(alice->lastUpdate(id).delivery, ChatMessage::Delivery::Failed, kTimeout);
        QVERIFY(alice->updates.size() >= before + 3); // queued, sending, failed

        QSignalSpy removed(alice->session.get(), &ChatSession::messageRemoved);
        QVERIFY(alice->session->discard(id));
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.first().at(1).toString(), id);
        QCOMPARE(alice->session->outboxSize(), 0);
        QVERIFY(!alice->session->discard(id));
        QVERIFY(!alice->session->retry(id));

        // After joining, the same text goes through.
        QSignalSpy conversations(alice->session.get(), &ChatSession::conversationsChanged);
        alice->session->join(str("not-a-room"));
        QTRY_VERIFY_WITH_TIMEOUT(conversations.count() > 0, kTimeout);
        const QString again = alice->session->send(str("not-a-room"), str("now"));
        QTRY_COMPARE_WITH_TIMEOUT(alice->lastUpdate(again).delivery, ChatMessage::Delivery::Sent, kTimeout);
    }

    void discardQueuedWhileOffline()
    {
        auto alice = peer(m_aliceToken, str("alice.sqlite"), {}, QUrl(str("ws://127.0.0.1:1/ws")));
        QVERIFY(alice->session->open());
        const QString a = alice->session->send(str("lobby"), str("a"));
        const QString b = alice->session->send(str("lobby"), str("b"));
        QVERIFY(alice->session->discard(a));
        QCOMPARE(alice->session->outboxSize(), 1);
        QCOMPARE(alice->session->messages(str("lobby")).first().id, b);
    }

    void outboxSizeIsSignalled()
    {
        auto alice = peer(m_aliceToken, str("alice.sqlite"));
        QSignalSpy sizes(alice->session.get(), &ChatSession::outboxSizeChanged);
        QVERIFY(alice->session->open());
        QCOMPARE(sizes.count(), 0); // empty, as before: nothing changed
        const QString a = alice->session->send(str("lobby"), str("a"));
        const QString b = alice->session->send(str("lobby"), str("b"));
        QCOMPARE(sizes.count(), 2);
        QCOMPARE(sizes.at(0).at(0).toInt(), 1);
        QCOMPARE(sizes.at(1).at(0).toInt(), 2);
        QVERIFY(alice->session->discard(a));
        QCOMPARE(sizes.count(), 3);
        QCOMPARE(sizes.last().at(0).toInt(), 1);

        // The ack empties it; queued -> sending -> sent alone is no size change.
        alice->connection->open();
        QTRY_COMPARE_WITH_TIMEOUT(alice->lastUpdate(b).delivery, ChatMessage::Delivery::Sent, kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(sizes.count(), 4, kTimeout);
        QCOMPARE(sizes.last().at(0).toInt(), 0);
        QCOMPARE(alice->session->outboxSize(), 0);

        // A store opened with unsent entries says so at open().
        alice->connection->close();
        QTRY_VERIFY_WITH_TIMEOUT(alice->connection->state() == ConnectionState::Disconnected, kTimeout);
        alice->session->send(str("lobby"), str("c"));
        alice.reset();
        auto again = peer(m_aliceToken, str("alice.sqlite"), {}, QUrl(str("ws://127.0.0.1:1/ws")));
        QSignalSpy reopened(again->session.get(), &ChatSession::outboxSizeChanged);
        QVERIFY(again->session->open());
        QCOMPARE(reopened.count(), 1);
        QCOMPARE(reopened.last().at(0).toInt(), 1);
    }

    void typingAndUnread()
    {
        auto alice = peer(m_aliceToken, str("alice.sqlite"));
        auto bob = peer(m_bobToken, str("bob.sqlite"));
        QVERIFY(alice->openAndSync());
        QVERIFY(bob->openAndSync());
        QSignalSpy typing(alice->session.get(), &ChatSession::typing);
        bob->session->sendTyping(str("lobby"));
        bob->session->sendTyping(str("lobby")); // throttled
        QVERIFY(typing.wait(kTimeout));
        QCOMPARE(typing.first().at(0).toString(), str("lobby"));
        QCOMPARE(typing.first().at(1).toString(), str("bob"));

        QSignalSpy unread(alice->session.get(), &ChatSession::unreadChanged);
        bob->session->send(str("lobby"), str("one"));
        bob->session->send(str("lobby"), str("two"));
        QTRY_VERIFY_WITH_TIMEOUT(!unread.isEmpty() && unread.last().at(1).toInt() == 2, kTimeout);
        alice->session->markRead(str("lobby"));
        QCOMPARE(unread.last().at(1).toInt(), 0);
        // Our own messages never count as unread.
        alice->session->send(str("lobby"), str("mine"));
        QTRY_COMPARE_WITH_TIMEOUT(alice->session->outboxSize(), 0, kTimeout);
        for (const Conversation &c : alice->session->conversations())
            if (c.id == QLatin1String("lobby"))
                QCOMPARE(c.unread, 0);
        QCOMPARE(typing.count(), 1);
    }

    void errorPaths()
    {
        // Not open.
        auto alice = peer(m_aliceToken, str("alice.sqlite"));
        QSignalSpy errors(alice->session.get(), &ChatSession::errorOccurred);
        QString message;
        QVERIFY(alice->session->send(str("lobby"), str("x"), &message).isEmpty());
        QCOMPARE(errors.last().at(0).value<ChatSession::Error>(), ChatSession::Error::NotOpen);
        QVERIFY(!message.isEmpty());
        QCOMPARE(alice->session->outboxSize(), 0);
        QVERIFY(alice->session->conversations().isEmpty());

        QVERIFY(alice->session->open());
        // Bad arguments.
        QVERIFY(alice->session->send(str("lobby"), str("   ")).isEmpty());
        QCOMPARE(errors.last().at(0).value<ChatSession::Error>(), ChatSession::Error::InvalidArgument);
        QVERIFY(alice->session->send(QString(), str("x")).isEmpty());
        QVERIFY(alice->session->send(str("lobby"), QString(70 * 1024, QLatin1Char('x'))).isEmpty());
        QVERIFY(alice->session->sendWithId(QString(200, QLatin1Char('i')), str("lobby"), str("x")).isEmpty());
        QCOMPARE(alice->session->outboxSize(), 0);

        // A full outbox.
        ChatSessionConfig small;
        small.outboxLimit = 2;
        auto limited = peer(m_aliceToken, str("limited.sqlite"), small, QUrl(str("ws://127.0.0.1:1/ws")));
        QSignalSpy limitedErrors(limited->session.get(), &ChatSession::errorOccurred);
        QVERIFY(limited->session->open());
        QVERIFY(!limited->session->send(str("lobby"), str("1")).isEmpty());
        QVERIFY(!limited->session->send(str("lobby"), str("2")).isEmpty());
        QVERIFY(limited->session->send(str("lobby"), str("3"), &message).isEmpty());
        QCOMPARE(limitedErrors.last().at(0).value<ChatSession::Error>(), ChatSession::Error::OutboxFull);
        QVERIFY(message.contains(QLatin1String("limit")));
        QCOMPARE(limited->session->outboxSize(), 2);

        // A broken database file is moved aside (tst_storesalvage); a folder in its place cannot be.
        const QString folder = db(str("folder.sqlite"));
        QVERIFY(QDir().mkpath(folder));
        auto broken = peer(m_aliceToken, str("folder.sqlite"));
        QVERIFY(!broken->session->open(&message));
        QVERIFY2(message.contains(folder), qPrintable(message));
        QVERIFY(!broken->session->isOpen());
        QVERIFY(broken->session->send(str("lobby"), str("x")).isEmpty());
    }

    void gapIsFetched()
    {
        ScriptedServer scripted;
        QVERIFY(scripted.listen());
        auto alice = std::make_unique<Peer>(ChatTest::fastConfig(scripted.url()), db(str("gap.sqlite")));
        QVERIFY(alice->session->open());
        alice->connection->open();
        const QJsonObject hello = scripted.waitFor(str("hello"));
        QCOMPARE(hello.value(QLatin1String("protocol")).toInt(), 1);
        scripted.send({{str("type"), str("welcome")}, {str("protocol"), 1},
                       {str("user"), QJsonObject{{str("id"), str("alice")}, {str("name"), str("alice")}}},
                       {str("conversations"), QJsonArray{QJsonObject{{str("id"), str("room")}, {str("title"), str("Room")},
                                                                     {str("last_seq"), 2}}}},
                       {str("heartbeat_ms"), 20000}});
        scripted.send(ScriptedServer::message(1));
        scripted.send(ScriptedServer::message(2));
        scripted.send({{str("type"), str("synced")}});
        QTRY_COMPARE_WITH_TIMEOUT(alice->receivedTexts(str("room")), (QStringList{str("m1"), str("m2")}), kTimeout);

        // 3 and 4 never arrive live; 5 does: the client must ask for what follows 2.
        scripted.send(ScriptedServer::message(5));
        const QJsonObject history = scripted.waitFor(str("history"));
        QCOMPARE(history.value(QLatin1String("conversation")).toString(), str("room"));
        QCOMPARE(history.value(QLatin1String("after")).toInt(), 2);
        // Nothing beyond the gap is announced meanwhile.
        QCOMPARE(alice->receivedTexts(str("room")).size(), 2);
        scripted.send({{str("type"), str("history")}, {str("conversation"), str("room")},
                       {str("messages"), QJsonArray{ScriptedServer::message(3), ScriptedServer::message(4),
                                                    ScriptedServer::message(5)}},
                       {str("has_more"), false}});
        QTRY_COMPARE_WITH_TIMEOUT(alice->receivedTexts(str("room")),
                                  (QStringList{str("m1"), str("m2"), str("m3"), str("m4"), str("m5")}), kTimeout);
        // A duplicate broadcast changes nothing.
        scripted.send(ScriptedServer::message(4));
        scripted.send(ScriptedServer::message(6));
        QTRY_COMPARE_WITH_TIMEOUT(alice->receivedTexts(str("room")).size(), 6, kTimeout);
        QString why;
        QVERIFY2(Peer::strictlyOrdered(alice->session->messages(str("room")), &why), qPrintable(why));

        // Resume on the next connection carries the watermark.
        scripted.socket->abort();
        const QJsonObject again = scripted.waitFor(str("hello"));
        QCOMPARE(again.value(QLatin1String("resume")).toObject().value(QLatin1String("room")).toInt(), 6);
    }

    void malformedHistoryPageIsAskedAgain()
    {
        ScriptedServer scripted;
        QVERIFY(scripted.listen());
        auto alice = std::make_unique<Peer>(ChatTest::fastConfig(scripted.url()), db(str("badpage.sqlite")));
        QVERIFY(alice->session->open());
        alice->connection->open();
        scripted.waitFor(str("hello"));
        scripted.send({{str("type"), str("welcome")}, {str("protocol"), 1},
                       {str("user"), QJsonObject{{str("id"), str("alice")}, {str("name"), str("alice")}}},
                       {str("conversations"), QJsonArray{QJsonObject{{str("id"), str("room")}, {str("title"), str("Room")},
                                                                     {str("last_seq"), 0}}}}});
        scripted.send({{str("type"), str("synced")}});
        scripted.send(ScriptedServer::message(3)); // 1 and 2 are missing
        const QJsonObject first = scripted.waitFor(str("history"));
        QVERIFY(!first.isEmpty());
        QCOMPARE(first.value(QLatin1String("after")).toInt(), 0);
        // An unreadable answer: a protocol error, and the request is not waited for forever.
        scripted.send({{str("type"), str("history")}, {str("id"), first.value(QLatin1String("id"))},
                       {str("conversation"), str("room")}, {str("messages"), QJsonArray{QJsonObject{{str("seq"), str("x")}}}}});
        QTRY_COMPARE_WITH_TIMEOUT(alice->errors.count(str("protocol_error")), 1, kTimeout);
        scripted.send(ScriptedServer::message(4));
        const QJsonObject again = scripted.waitFor(str("history"));
        QVERIFY(!again.isEmpty());
        QCOMPARE(again.value(QLatin1String("after")).toInt(), 0);
        QVERIFY(again.value(QLatin1String("id")) != first.value(QLatin1String("id")));
        scripted.send({{str("type"), str("history")}, {str("id"), again.value(QLatin1String("id"))},
                       {str("conversation"), str("room")},
                       {str("messages"), QJsonArray{ScriptedServer::message(1), ScriptedServer::message(2)}},
                       {str("has_more"), false}});
        QTRY_COMPARE_WITH_TIMEOUT(alice->receivedTexts(str("room")),
                                  (QStringList{str("m1"), str("m2"), str("m3"), str("m4")}), kTimeout);
    }

    void garbageFromServer()
    {
        ScriptedServer scripted;
        QVERIFY(scripted.listen());
        auto alice = std::make_unique<Peer>(ChatTest::fastConfig(scripted.url()), db(str("garbage-peer.sqlite")));
        QVERIFY(alice->session->open());
        alice->connection->open();
        scripted.waitFor(str("hello"));
        QSignalSpy errors(alice->session.get(), &ChatSession::errorOccurred);
        scripted.socket->sendTextMessage(str("this is not json"));
        scripted.send({{str("type"), str("message"), }, {str("text"), str("no seq")}});
        scripted.send({{str("type"), str("ack"), }, {str("id"), str("nobody")}, {str("seq"), 9}});
        scripted.send({{str("type"), str("from-the-future")}});
        scripted.send({{str("type"), str("error")}, {str("code"), str("rate_limited")}, {str("message"), str("slow down")}});
        scripted.send({{str("type"), str("error")}, {str("code"), str("brand_new")}, {str("message"), str("new here")}});
        QTRY_VERIFY_WITH_TIMEOUT(alice->errors.size() >= 4, kTimeout);
        QCOMPARE(alice->errors.count(str("protocol_error")), 2);
        QVERIFY(alice->errors.contains(str("rate_limited")));
        // A code this build does not know: UnknownServerError, the code named in the message.
        QCOMPARE(errors.last().at(0).value<ChatSession::Error>(), ChatSession::Error::UnknownServerError);
        QVERIFY(errors.last().at(1).toString().contains(QLatin1String("brand_new")));
        QCOMPARE(alice->session->outboxSize(), 0);
    }

    // A send whose id this user already used in another conversation (here from another device
    // with its own store) names another message: the server says id_reused, never acks it, and
    // the message shows as failed with that code.
    void idReusedFromAnotherDeviceFails()
    {
        auto phone = peer(m_aliceToken, str("phone.sqlite"));
        auto laptop = peer(m_aliceToken, str("laptop.sqlite"));
        const QString id = str("0f3c2a9e-reused");
        // The laptop queues while offline, before it has seen the phone's message under that id.
        QVERIFY(laptop->session->open());
        QCOMPARE(laptop->session->sendWithId(id, str("echo"), str("on the laptop")), id);
        QVERIFY(phone->openAndSync());
        QCOMPARE(phone->session->sendWithId(id, str("lobby"), str("on the phone")), id);
        QTRY_COMPARE_WITH_TIMEOUT(phone->lastUpdate(id).delivery, ChatMessage::Delivery::Sent, kTimeout);
        const auto laptopEntry = [&] {
            for (int i = laptop->updates.size() - 1; i >= 0; --i)
                if (laptop->updates.at(i).id == id && laptop->updates.at(i).conversation == QLatin1String("echo"))
                    return laptop->updates.at(i);
            return ChatMessage();
        };
        QVERIFY(laptop->openAndSync());
        QTRY_COMPARE_WITH_TIMEOUT(laptopEntry().delivery, ChatMessage::Delivery::Failed, kTimeout);
        QCOMPARE(laptopEntry().errorCode, ChatSession::errorName(ChatSession::Error::IdReused));
        QCOMPARE(laptop->session->outboxSize(), 1);
        // The phone's message reached the laptop as what it is (lobby, seq 1), and nothing of the
        // laptop's reached the echo conversation.
        QTRY_VERIFY_WITH_TIMEOUT(!laptop->session->messages(str("lobby")).isEmpty(), kTimeout);
        const auto lobby = laptop->session->messages(str("lobby"));
        QCOMPARE(lobby.last().text, str("on the phone"));
        QCOMPARE(lobby.last().seq, qint64(1));
        for (const ChatMessage &m : laptop->session->messages(str("echo")))
            QVERIFY(m.seq == 0); // only the failed entry, never acknowledged
    }

    // A 200-message outbox against a server whose per-user rate is lower than the client's burst:
    // the rate_limited answers are paced and retried, and every message arrives exactly once.
    void outboxDrainsExactlyOnceUnderUserRate()
    {
        m_server.reset();
        m_server = std::make_unique<ChatTest::Server>();
        m_server->config.userRatePerSecond = 40;
        m_server->config.userRateBurst = 10;
        QVERIFY(m_server->start());
        QVERIFY(m_server->addUser(str("alice")));
        QVERIFY(m_server->addUser(str("bob")));
        auto alice = peer(ChatTest::login(m_server->server->httpUrl(), str("alice")), str("alice.sqlite"));
        auto bob = peer(ChatTest::login(m_server->server->httpUrl(), str("bob")), str("bob.sqlite"));
        QVERIFY(alice->session->open());
        constexpr int count = 200;
        QStringList ids;
        for (int i = 0; i < count; ++i)
            ids.append(alice->session->send(str("lobby"), QStringLiteral("queued %1").arg(i)));
        QCOMPARE(alice->session->outboxSize(), count);
        QVERIFY(bob->openAndSync());
        QVERIFY(alice->openAndSync());
        QTRY_COMPARE_WITH_TIMEOUT(alice->session->outboxSize(), 0, 90000);
        // The server refused some (they went back to the queue) ...
        int requeued = 0;
        for (const ChatMessage &m : std::as_const(alice->updates))
            requeued += m.delivery == ChatMessage::Delivery::Queued ? 1 : 0;
        QVERIFY2(requeued > 0, "the server's per-user rate was never reached");
        // ... and every message is held once, on both ends.
        QTRY_COMPARE_WITH_TIMEOUT(bob->receivedTexts(str("lobby")).size(), count, kTimeout);
        const QStringList received = bob->receivedTexts(str("lobby"));
        QCOMPARE(QSet<QString>(received.cbegin(), received.cend()).size(), count);
        const auto held = alice->session->messages(str("lobby"));
        QCOMPARE(held.size(), count);
        QString why;
        QVERIFY2(Peer::strictlyOrdered(held, &why), qPrintable(why));
        QCOMPARE(held.last().seq, qint64(count));
        for (const QString &id : std::as_const(ids))
            QCOMPARE(alice->lastUpdate(id).delivery, ChatMessage::Delivery::Sent);
    }

    void serverRejectsSendAsRateLimitedThenDelivers()
    {
        // With the server's real limit, a burst larger than it allows still ends delivered:
        // rate_limited answers put the entries back in the queue.
        m_server.reset();
        m_server = std::make_unique<ChatTest::Server>();
        m_server->config.rateLimitPerSecond = 20;
        m_server->config.rateLimitBurst = 10;
        m_server->config.rateLimitMaxViolations = 1000000;
        QVERIFY(m_server->start());
        QVERIFY(m_server->addUser(str("alice")));
        const QString token = ChatTest::login(m_server->server->httpUrl(), str("alice"));
        ChatSessionConfig chat;
        chat.sendRatePerSecond = 1000; // deliberately faster than the server allows
        chat.sendBurst = 1000;
        chat.rateLimitedRetryMs = 100;
        auto alice = peer(token, str("alice.sqlite"), chat);
        QVERIFY(alice->openAndSync());
        for (int i = 0; i < 40; ++i)
            alice->session->send(str("lobby"), QStringLiteral("burst %1").arg(i));
        QTRY_COMPARE_WITH_TIMEOUT(alice->session->outboxSize(), 0, 60000);
        const auto held = alice->session->messages(str("lobby"));
        QCOMPARE(held.size(), 40);
        QString why;
        QVERIFY2(Peer::strictlyOrdered(held, &why), qPrintable(why));
    }
};

QTEST_GUILESS_MAIN(TestChatSession)
#include "tst_chatsession.moc"
