// ChatSession against the real ChatServer on 127.0.0.1: sending and the outbox - acks and
// broadcast, write before send, the outbox across restarts, deduped resends, guests, lost acks,
// failed/retry/discard, typing and unread, error paths, reused ids and the server's send rate.
// Catching up (resume, replay, paging, gaps, garbage) is in tst_chatsync.

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

class TestChatSession : public ChatTest::SessionFixture
{
    Q_OBJECT

private Q_SLOTS:
    void init() { setUp(); }
    void cleanup() { tearDown(); }

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
