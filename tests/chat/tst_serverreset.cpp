// A server restored from a backup, or reset with a new database: the real ChatServer on 127.0.0.1
// restarts on the same port with an older copy of its file. The client keeps what it had (archived,
// marked), fetches the server's copy, and never drops a new message as "already seen".
#include "chatsession.h"
#include "chattestutil.h"
#include "connectionmanager.h"
#include "manualnetworkmonitor.h"
#include "messagestore.h"

#include <QFile>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QtTest>

using namespace Tether;
using ChatTest::kTimeout;
using ChatTest::str;

namespace {

struct Client
{
    ManualNetworkMonitor monitor;
    std::unique_ptr<ConnectionManager> connection;
    std::unique_ptr<ChatSession> session;

    Client(const QUrl &url, const QString &token, const QString &db)
    {
        connection = std::make_unique<ConnectionManager>(ChatTest::fastConfig(url, token), &monitor);
        ChatSessionConfig chat;
        chat.databasePath = db;
        session = std::make_unique<ChatSession>(connection.get(), chat);
    }
    bool openAndSync()
    {
        if (!session->isOpen() && !session->open())
            return false;
        QSignalSpy synced(session.get(), &ChatSession::synced);
        connection->open();
        return synced.wait(kTimeout) || session->isSynced();
    }
    QStringList texts(const QString &conversation) const
    {
        QStringList list;
        for (const ChatMessage &m : session->messages(conversation))
            list.append(m.text);
        return list;
    }
};

// Sends and waits until the server has acknowledged it.
bool sendAcked(Client &client, const QString &text)
{
    const QString id = client.session->send(str("lobby"), text);
    return !id.isEmpty() && QTest::qWaitFor([&] { return client.session->outboxSize() == 0; }, kTimeout);
}

bool setEpoch(const QString &path, const QString &epoch)
{
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(str("QSQLITE"), str("epoch-edit"));
        db.setDatabaseName(path);
        ok = db.open() && QSqlQuery(db).exec(QStringLiteral("UPDATE meta SET value = '%1' WHERE key = 'epoch'").arg(epoch));
        db.close();
    }
    QSqlDatabase::removeDatabase(str("epoch-edit"));
    return ok;
}

} // namespace

class TestServerReset : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ChatTest::Server> m_server;
    QString m_aliceToken;
    QString m_bobToken;
    QString m_backup;

    bool restart()
    {
        m_server->stop();
        return m_server->start();
    }
    bool restoreBackup(const QString &newEpoch = QString())
    {
        m_server->stop();
        const QString path = m_server->config.databasePath;
        for (const QString &suffix : {str(""), str("-wal"), str("-shm")})
            QFile::remove(path + suffix);
        if (!QFile::copy(m_backup, path))
            return false;
        if (!newEpoch.isEmpty() && !setEpoch(path, newEpoch))
            return false;
        return m_server->start();
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_server = std::make_unique<ChatTest::Server>();
        m_server->config.rateLimitPerSecond = 0;
        QVERIFY(m_server->start());
        QVERIFY(m_server->addUser(str("alice")));
        QVERIFY(m_server->addUser(str("bob")));
        m_aliceToken = ChatTest::login(m_server->server->httpUrl(), str("alice"));
        m_bobToken = ChatTest::login(m_server->server->httpUrl(), str("bob"));
        QVERIFY(!m_aliceToken.isEmpty() && !m_bobToken.isEmpty());
        m_backup = m_dir.filePath(QStringLiteral("backup-%1.sqlite").arg(QLatin1String(QTest::currentTestFunction())));
    }

    void cleanup() { m_server.reset(); }

    // Same epoch, last_seq below what the client holds (a restored backup).
    void restoredBackupIsResynced()
    {
        const QUrl url = m_server->server->webSocketUrl();
        Client alice(url, m_aliceToken, m_dir.filePath(str("alice1.sqlite")));
        Client bob(url, m_bobToken, m_dir.filePath(str("bob1.sqlite")));
        QVERIFY(alice.openAndSync());
        QVERIFY(bob.openAndSync());
        QVERIFY(sendAcked(bob, str("a1")));
        QVERIFY(sendAcked(bob, str("a2")));
        m_server->stop();
        QVERIFY(QFile::copy(m_server->config.databasePath, m_backup)); // closed: the WAL is checkpointed
        QVERIFY(m_server->start());
        QTRY_VERIFY_WITH_TIMEOUT(bob.session->isSynced(), kTimeout);
        QVERIFY(sendAcked(bob, str("lost-in-restore")));
        QTRY_COMPARE_WITH_TIMEOUT(alice.texts(str("lobby")), (QStringList{str("a1"), str("a2"), str("lost-in-restore")}),
                                  kTimeout);

        QSignalSpy reset(alice.session.get(), &ChatSession::conversationReset);
        QVERIFY(restoreBackup());
        QVERIFY(reset.wait(kTimeout));
        QCOMPARE(reset.at(0).at(0).toString(), str("lobby"));
        QTRY_VERIFY_WITH_TIMEOUT(bob.session->isSynced() && alice.session->isSynced(), kTimeout);
        // seq 3 again, with another text: it must be shown, not dropped as a duplicate.
        QVERIFY(sendAcked(bob, str("after-restore")));
        QTRY_COMPARE_WITH_TIMEOUT(alice.texts(str("lobby")), (QStringList{str("a1"), str("a2"), str("after-restore")}),
                                  kTimeout);
        // What we had is kept, marked.
        MessageStore store;
        alice.connection->close();
        alice.session.reset();
        QVERIFY(store.open(m_dir.filePath(str("alice1.sqlite"))));
        QCOMPARE(store.archivedCount(str("lobby")), 3);
    }

    // A new epoch (another database) with more messages than the client holds: last_seq alone would
    // not show it.
    void newEpochIsResynced()
    {
        const QUrl url = m_server->server->webSocketUrl();
        Client alice(url, m_aliceToken, m_dir.filePath(str("alice2.sqlite")));
        Client bob(url, m_bobToken, m_dir.filePath(str("bob2.sqlite")));
        QVERIFY(alice.openAndSync());
        QVERIFY(bob.openAndSync());
        QVERIFY(sendAcked(bob, str("a1")));
        m_server->stop();
        QVERIFY(QFile::copy(m_server->config.databasePath, m_backup));
        QVERIFY(m_server->start());
        QTRY_VERIFY_WITH_TIMEOUT(bob.session->isSynced(), kTimeout);
        QVERIFY(sendAcked(bob, str("old-2")));
        QTRY_COMPARE_WITH_TIMEOUT(alice.texts(str("lobby")), (QStringList{str("a1"), str("old-2")}), kTimeout);

        alice.connection->close();
        QVERIFY(restoreBackup(str("another-server-epoch")));
        QTRY_VERIFY_WITH_TIMEOUT(bob.session->isSynced(), kTimeout);
        QVERIFY(sendAcked(bob, str("new-2")));
        QVERIFY(sendAcked(bob, str("new-3")));
        QSignalSpy reset(alice.session.get(), &ChatSession::conversationReset);
        alice.connection->open();
        QTRY_COMPARE_WITH_TIMEOUT(alice.texts(str("lobby")), (QStringList{str("a1"), str("new-2"), str("new-3")}),
                                  kTimeout);
        QCOMPARE(reset.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestServerReset)
#include "tst_serverreset.moc"
