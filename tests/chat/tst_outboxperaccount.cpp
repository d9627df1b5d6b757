// The outbox per account (issue 14, finding 3), on real SQLite files against the real ChatServer:
// messages alice queued wait for alice while a guest or another account uses her store, are
// neither sent nor failed meanwhile, and go exactly once when she is back; a schema-1 store's
// entries belong to the account that store was last used by.

#include "chatsession.h"
#include "chattestutil.h"
#include "connectionmanager.h"
#include "manualnetworkmonitor.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSignalSpy>
#include <QtTest>

using namespace Tether;
using ChatTest::kTimeout;
using ChatTest::str;

namespace {

struct Peer
{
    ManualNetworkMonitor monitor;
    std::unique_ptr<ConnectionManager> connection;
    std::unique_ptr<ChatSession> session;
    QList<ChatMessage> added;
    QList<ChatMessage> updates;

    Peer(const ConnectionConfig &config, const QString &db)
    {
        connection = std::make_unique<ConnectionManager>(config, &monitor);
        ChatSessionConfig chat;
        chat.databasePath = db;
        session = std::make_unique<ChatSession>(connection.get(), chat);
        QObject::connect(session.get(), &ChatSession::messagesAdded, session.get(),
                         [this](const QString &, const QList<ChatMessage> &list) { added.append(list); });
        QObject::connect(session.get(), &ChatSession::messageUpdated, session.get(),
                         [this](const ChatMessage &m) { updates.append(m); });
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

    int received(const QString &text) const
    {
        int n = 0;
        for (const ChatMessage &m : added)
            n += (m.delivery == ChatMessage::Delivery::Received && m.text == text) ? 1 : 0;
        return n;
    }

    bool everFailed(const QString &id) const
    {
        for (const ChatMessage &m : updates)
            if (m.id == id && m.delivery == ChatMessage::Delivery::Failed)
                return true;
        return false;
    }

    ChatMessage::Delivery lastDelivery(const QString &id) const
    {
        for (int i = updates.size() - 1; i >= 0; --i)
            if (updates.at(i).id == id)
                return updates.at(i).delivery;
        return ChatMessage::Delivery::Received;
    }

    std::optional<ChatMessage> inOutbox(const QString &id) const
    {
        for (const ChatMessage &m : session->outbox())
            if (m.id == id)
                return m;
        return std::nullopt;
    }
};

} // namespace

class TestOutboxPerAccount : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ChatTest::Server> m_server;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_aliceToken;
    QString m_bobToken;
    std::unique_ptr<Peer> m_watcher; // carol, in the lobby: what the server delivered

    std::unique_ptr<Peer> peer(const QString &token, const QString &dbName, const QUrl &url = QUrl())
    {
        return std::make_unique<Peer>(
            ChatTest::fastConfig(url.isEmpty() ? m_server->server->webSocketUrl() : url, token),
            m_dir->filePath(dbName));
    }

    // Alice, offline, types one message; the process ends with it queued in alice.sqlite.
    QString aliceQueuesOffline(const QString &text)
    {
        {
            auto alice = peer(m_aliceToken, str("alice.sqlite"));
            if (!alice->openAndSync())
                return QString();
        }
        auto offline = peer(m_aliceToken, str("alice.sqlite"), QUrl(str("ws://127.0.0.1:1/ws")));
        if (!offline->session->open())
            return QString();
        offline->connection->open();
        const QString id = offline->session->send(str("lobby"), text);
        if (offline->session->outboxSize() != 1)
            return QString();
        return id;
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_server = std::make_unique<ChatTest::Server>();
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        for (const char *name : {"alice", "bob", "carol"})
            QVERIFY(m_server->addUser(str(name)));
        m_aliceToken = ChatTest::login(m_server->server->httpUrl(), str("alice"));
        m_bobToken = ChatTest::login(m_server->server->httpUrl(), str("bob"));
        const QString carol = ChatTest::login(m_server->server->httpUrl(), str("carol"));
        QVERIFY(!m_aliceToken.isEmpty() && !m_bobToken.isEmpty() && !carol.isEmpty());
        m_watcher = peer(carol, str("carol.sqlite"));
        QVERIFY(m_watcher->openAndSync());
    }

    void cleanup()
    {
        m_watcher.reset();
        m_server.reset();
        m_dir.reset();
    }

    void guestSessionDoesNotFailAlicesOutbox()
    {
        const QString id = aliceQueuesOffline(str("typed offline"));
        QVERIFY(!id.isEmpty());

        // The restart without a keychain: a guest on alice's store first.
        {
            auto guest = peer(QString(), str("alice.sqlite"));
            QVERIFY(guest->openAndSync());
            QVERIFY(guest->session->userName().startsWith(str("guest-")));
            // The guest's own message goes (the link works) ...
            const QString own = guest->session->send(str("lobby"), str("the guest's words"));
            QTRY_COMPARE_WITH_TIMEOUT(guest->lastDelivery(own), ChatMessage::Delivery::Sent, kTimeout);
            QTRY_COMPARE_WITH_TIMEOUT(m_watcher->received(str("the guest's words")), 1, kTimeout);
            // ... alice's neither goes out under the guest's name nor fails.
            QVERIFY(!guest->everFailed(id));
            const auto waiting = guest->inOutbox(id);
            QVERIFY(waiting);
            QCOMPARE(waiting->delivery, ChatMessage::Delivery::Queued);
            QVERIFY2(waiting->errorCode.isEmpty(), qPrintable(waiting->errorCode));
            QCOMPARE(guest->session->outboxSize(), 1);
        }
        QCOMPARE(m_watcher->received(str("typed offline")), 0);

        // Alice signs in again: it goes, exactly once, under her name.
        auto alice = peer(m_aliceToken, str("alice.sqlite"));
        QVERIFY(alice->openAndSync());
        QTRY_COMPARE_WITH_TIMEOUT(alice->lastDelivery(id), ChatMessage::Delivery::Sent, kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(m_watcher->received(str("typed offline")), 1, kTimeout);
        QCOMPARE(alice->session->outboxSize(), 0);
        QVERIFY(!alice->everFailed(id));
        for (const ChatMessage &m : m_watcher->added)
            if (m.text == str("typed offline"))
                QCOMPARE(m.from, str("alice"));
        // A reconnect sends nothing again.
        alice->connection->close();
        QTRY_VERIFY_WITH_TIMEOUT(alice->connection->state() == ConnectionState::Disconnected, kTimeout);
        QVERIFY(alice->openAndSync());
        const QString marker = alice->session->send(str("lobby"), str("after the reconnect"));
        QVERIFY(!marker.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(m_watcher->received(str("after the reconnect")), 1, kTimeout);
        QCOMPARE(m_watcher->received(str("typed offline")), 1);
    }

    void anotherAccountLeavesItWaiting()
    {
        const QString id = aliceQueuesOffline(str("alice's words"));
        QVERIFY(!id.isEmpty());
        {
            auto bob = peer(m_bobToken, str("alice.sqlite"));
            QVERIFY(bob->openAndSync());
            QCOMPARE(bob->session->userName(), str("bob"));
            const QString own = bob->session->send(str("lobby"), str("bob's words"));
            QTRY_COMPARE_WITH_TIMEOUT(bob->lastDelivery(own), ChatMessage::Delivery::Sent, kTimeout);
            QTRY_COMPARE_WITH_TIMEOUT(m_watcher->received(str("bob's words")), 1, kTimeout);
            QVERIFY(!bob->everFailed(id));
            QCOMPARE(bob->inOutbox(id)->delivery, ChatMessage::Delivery::Queued);
        }
        QCOMPARE(m_watcher->received(str("alice's words")), 0);
        auto alice = peer(m_aliceToken, str("alice.sqlite"));
        QVERIFY(alice->openAndSync());
        QTRY_COMPARE_WITH_TIMEOUT(m_watcher->received(str("alice's words")), 1, kTimeout);
        QCOMPARE(alice->lastDelivery(id), ChatMessage::Delivery::Sent);
    }

    void schemaOneEntriesBelongToTheStoresAccount()
    {
        // A store as the previous build wrote it: schema 1, no owner column, last used by alice.
        const QString path = m_dir->filePath(str("legacy.sqlite"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(str("QSQLITE"), str("legacy"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            const QStringList sql = {
                str("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)"),
                str("CREATE TABLE conversations (id TEXT PRIMARY KEY, title TEXT NOT NULL DEFAULT '', "
                    "last_seq INTEGER NOT NULL DEFAULT 0, read_seq INTEGER NOT NULL DEFAULT 0)"),
                str("CREATE TABLE messages (conversation TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, "
                    "sender TEXT NOT NULL, text TEXT NOT NULL, ts INTEGER NOT NULL, outgoing INTEGER NOT NULL DEFAULT 0, "
                    "local INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (conversation, seq))"),
                str("CREATE TABLE outbox (ord INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, "
                    "conversation TEXT NOT NULL, text TEXT NOT NULL, created INTEGER NOT NULL, state TEXT NOT NULL, "
                    "error TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0)"),
                str("INSERT INTO meta VALUES ('user', 'alice'), ('user_name', 'alice'), ('guest', '0')"),
                str("INSERT INTO outbox (id, conversation, text, created, state) "
                    "VALUES ('legacy-1', 'lobby', 'from the old build', 1700000000000, 'queued')"),
                str("PRAGMA user_version = 1"),
            };
            for (const QString &statement : sql)
                QVERIFY2(q.exec(statement), qPrintable(statement));
            db.close();
        }
        QSqlDatabase::removeDatabase(str("legacy"));

        {
            auto guest = peer(QString(), str("legacy.sqlite"));
            QVERIFY(guest->openAndSync());
            QCOMPARE(guest->inOutbox(str("legacy-1"))->delivery, ChatMessage::Delivery::Queued);
            const QString own = guest->session->send(str("lobby"), str("a guest was here"));
            QTRY_COMPARE_WITH_TIMEOUT(m_watcher->received(str("a guest was here")), 1, kTimeout);
            QVERIFY(!own.isEmpty());
            QVERIFY(!guest->everFailed(str("legacy-1")));
        }
        QCOMPARE(m_watcher->received(str("from the old build")), 0);
        auto alice = peer(m_aliceToken, str("legacy.sqlite"));
        QVERIFY(alice->openAndSync());
        QTRY_COMPARE_WITH_TIMEOUT(m_watcher->received(str("from the old build")), 1, kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(alice->session->outboxSize(), 0, kTimeout);
    }
};

QTEST_GUILESS_MAIN(TestOutboxPerAccount)
#include "tst_outboxperaccount.moc"
