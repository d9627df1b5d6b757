// A damaged local store: moved aside as <name>.corrupt-<timestamp>, its readable outbox salvaged
// into a fresh store (and sent to the real server on 127.0.0.1), and a store that cannot write makes
// the session back off instead of resyncing in a tight loop.
#include "chatsession.h"
#include "chattestutil.h"
#include "connectionmanager.h"
#include "manualnetworkmonitor.h"
#include "messagestore.h"
#include "storesalvage.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QtTest>

using namespace Tether;
using ChatTest::kTimeout;
using ChatTest::str;

namespace {

bool runSql(const QString &path, const QStringList &statements)
{
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(str("QSQLITE"), str("test-edit"));
        db.setDatabaseName(path);
        ok = db.open();
        for (const QString &sql : statements) {
            QSqlQuery q(db);
            ok = ok && q.exec(sql);
            if (!ok)
                qWarning() << sql << q.lastError().text();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(str("test-edit"));
    return ok;
}

// A store with two unsent messages that this build can no longer open: its meta table became a
// view (what a damaged or foreign-written schema looks like to it), so the write probe fails.
bool makeDamagedStoreWithOutbox(const QString &path)
{
    {
        MessageStore store;
        if (!store.open(path))
            return false;
        for (const char *id : {"salvage-1", "salvage-2"}) {
            MessageStore::OutboxEntry e;
            e.id = str(id);
            e.conversation = str("lobby");
            e.text = str("unsent ") + str(id);
            e.created = QDateTime::currentDateTimeUtc();
            if (!store.enqueue(e, 0))
                return false;
        }
    }
    return runSql(path, {str("DROP TABLE meta"), str("CREATE VIEW meta AS SELECT 'opened_at' AS key, '0' AS value")});
}

QStringList corruptFiles(const QString &dir)
{
    return QDir(dir).entryList({str("*.corrupt-*")}, QDir::Files);
}

} // namespace

class TestStoreSalvage : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ChatTest::Server> m_server;
    QString m_aliceToken;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_server = std::make_unique<ChatTest::Server>();
        m_server->config.rateLimitPerSecond = 0;
        QVERIFY(m_server->start());
        QVERIFY(m_server->addUser(str("alice")));
        m_aliceToken = ChatTest::login(m_server->server->httpUrl(), str("alice"));
        QVERIFY(!m_aliceToken.isEmpty());
    }

    void cleanupTestCase() { m_server.reset(); }

    void garbageIsMovedAside()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(str("chat.sqlite"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, '\x5a'));
        f.close();
        MessageStore probe;
        QString error;
        QVERIFY(!probe.open(path, &error));
        QVERIFY(StoreSalvage::isSalvageable(path, error));
        const QDateTime at(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC);
        const StoreSalvage::Result r = StoreSalvage::salvage(path, error, at);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.movedTo, path + str(".corrupt-20260102-030405"));
        QCOMPARE(r.salvagedOutbox, 0);
        QFile moved(r.movedTo);
        QVERIFY(moved.open(QIODevice::ReadOnly));
        QCOMPARE(moved.readAll(), QByteArray(8192, '\x5a')); // kept as it was, for support
        QVERIFY(probe.open(path, &error)); // a fresh, working store
        // A second salvage at the same second never overwrites the first file aside.
        probe.close();
        QVERIFY(runSql(path, {str("DROP TABLE meta"), str("CREATE VIEW meta AS SELECT 1 AS key, 2 AS value")}));
        QVERIFY(!probe.open(path, &error));
        const StoreSalvage::Result again = StoreSalvage::salvage(path, error, at);
        QVERIFY(again.ok);
        QVERIFY(again.movedTo != r.movedTo);
        QVERIFY(QFile::exists(r.movedTo));
        QVERIFY(QFile::exists(again.movedTo));
        QVERIFY(corruptFiles(dir.path()).contains(QFileInfo(again.movedTo).fileName()));
    }

    void newerSchemaIsNotMovedAside()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(str("chat.sqlite"));
        { MessageStore store; QVERIFY(store.open(path)); }
        QVERIFY(runSql(path, {str("PRAGMA user_version = 99")}));
        MessageStore probe;
        QString error;
        QVERIFY(!probe.open(path, &error));
        QVERIFY(!StoreSalvage::isSalvageable(path, error));
        QVERIFY(!StoreSalvage::isSalvageable(dir.filePath(str("missing.sqlite")), str("x")));
    }

    // The session opens anyway, says what happened once, and the salvaged messages go out.
    void sessionSalvagesTheOutboxAndSendsIt()
    {
        const QString path = m_dir.filePath(str("damaged.sqlite"));
        QVERIFY(makeDamagedStoreWithOutbox(path));
        ManualNetworkMonitor monitor;
        ConnectionManager connection(ChatTest::fastConfig(m_server->server->webSocketUrl(), m_aliceToken), &monitor);
        ChatSessionConfig chat;
        chat.databasePath = path;
        ChatSession session(&connection, chat);
        QString error;
        QVERIFY2(session.open(&error), qPrintable(error));
        const ChatSession::StoreRecovery recovery = session.storeRecovery();
        QVERIFY(recovery.movedTo.startsWith(path + str(".corrupt-")));
        QVERIFY(QFile::exists(recovery.movedTo));
        QVERIFY(!recovery.reason.isEmpty());
        QCOMPARE(recovery.salvagedOutbox, 2);
        QCOMPARE(session.outboxSize(), 2);
        connection.open();
        QTRY_COMPARE_WITH_TIMEOUT(session.outboxSize(), 0, kTimeout);
        QStringList texts;
        for (const ChatMessage &m : session.messages(str("lobby")))
            texts.append(m.text);
        QVERIFY(texts.contains(str("unsent salvage-1")));
        QVERIFY(texts.contains(str("unsent salvage-2")));
    }

    // A store that cannot write: an error, then resyncs that back off; once it writes again the
    // messages arrive.
    void storeThatCannotWriteBacksOff()
    {
        const QString path = m_dir.filePath(str("readonly.sqlite"));
        ManualNetworkMonitor monitor;
        ConnectionManager connection(ChatTest::fastConfig(m_server->server->webSocketUrl(), m_aliceToken), &monitor);
        ChatSessionConfig chat;
        chat.databasePath = path;
        chat.storeRetryMs = 400;
        ChatSession session(&connection, chat);
        QVERIFY(session.open());
        QSignalSpy synced(&session, &ChatSession::synced);
        connection.open();
        QVERIFY(synced.wait(kTimeout));

        // Every write of a message fails from now on (as a full or failing disk would).
        QVERIFY(runSql(path, {str("CREATE TRIGGER no_space BEFORE INSERT ON messages "
                                  "BEGIN SELECT RAISE(ABORT, 'disk full'); END")}));
        QElapsedTimer timer;
        QList<qint64> errorTimes;
        connect(&session, &ChatSession::errorOccurred, this, [&](ChatSession::Error e, const QString &) {
            if (e == ChatSession::Error::StorageError)
                errorTimes.append(timer.elapsed());
        });
        timer.start();
        QVERIFY(m_server->addUser(str("bob-writer")));
        const QString bobToken = ChatTest::login(m_server->server->httpUrl(), str("bob-writer"));
        ManualNetworkMonitor bobMonitor;
        ConnectionManager bobConnection(ChatTest::fastConfig(m_server->server->webSocketUrl(), bobToken), &bobMonitor);
        ChatSessionConfig bobChat;
        bobChat.databasePath = m_dir.filePath(str("bob-writer.sqlite"));
        ChatSession bobSession(&bobConnection, bobChat);
        QVERIFY(bobSession.open());
        bobConnection.open();
        QVERIFY(!bobSession.send(str("lobby"), str("while the disk is full")).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(errorTimes.size() >= 3, kTimeout);
        // Backed off: 3 failures take at least 0.2 + 0.4 s (equal jitter on 400, 800 ms), where an
        // immediate resync would fail again within milliseconds.
        QVERIFY2(errorTimes.at(2) - errorTimes.at(0) >= 550, qPrintable(QString::number(errorTimes.at(2) - errorTimes.at(0))));
        QVERIFY(errorTimes.size() < 10);

        QVERIFY(runSql(path, {str("DROP TRIGGER no_space")}));
        QTRY_VERIFY_WITH_TIMEOUT(
                [&] {
                    for (const ChatMessage &m : session.messages(str("lobby")))
                        if (m.text == str("while the disk is full"))
                            return true;
                    return false;
                }(),
                kTimeout);
    }
};

QTEST_GUILESS_MAIN(TestStoreSalvage)
#include "tst_storesalvage.moc"
