// ChatSession catching up, against the real ChatServer on 127.0.0.1 and, for what it never does,
// a scripted QWebSocketServer: resume replays exactly what was missed, big replays are batched,
// replays over the limit are paged, a slow consumer resumes, gaps are fetched, malformed history
// pages are asked again, and garbage from the server is survived.

#include "chatsessionfixture.h"
#include "faultproxy.h"
#include "messagestore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QScopeGuard>

using namespace Tether;
using ChatTest::kTimeout;
using ChatTest::Peer;
using ChatTest::ScriptedServer;
using ChatTest::str;

class TestChatSync : public ChatTest::SessionFixture
{
    Q_OBJECT

private Q_SLOTS:
    void init() { setUp(); }
    void cleanup() { tearDown(); }

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
};

QTEST_GUILESS_MAIN(TestChatSync)
#include "tst_chatsync.moc"
