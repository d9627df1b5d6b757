// MessageStore on real SQLite files in a QTemporaryDir: outbox persistence, watermarks, error paths.

#include "messagestore.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

using Tether::ChatMessage;
using Tether::MessageStore;

namespace {

MessageStore::OutboxEntry entry(const QString &id, const QString &conversation = QStringLiteral("lobby"),
                                const QString &text = QStringLiteral("hi"))
{
    MessageStore::OutboxEntry e;
    e.id = id;
    e.conversation = conversation;
    e.text = text;
    e.created = QDateTime::currentDateTimeUtc();
    return e;
}

ChatMessage received(const QString &conversation, qint64 seq, const QString &from = QStringLiteral("bob"))
{
    ChatMessage m;
    m.id = QStringLiteral("m-%1").arg(seq);
    m.conversation = conversation;
    m.seq = seq;
    m.from = from;
    m.text = QStringLiteral("text %1").arg(seq);
    m.timestamp = QDateTime::fromMSecsSinceEpoch(1700000000000 + seq, Qt::UTC);
    return m;
}

} // namespace

class TestMessageStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const QString &name = QStringLiteral("chat.sqlite")) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void createsFileAndFolder()
    {
        MessageStore store;
        QString error;
        const QString file = m_dir.filePath(QStringLiteral("nested/deeper/chat.sqlite"));
        QVERIFY2(store.open(file, &error), qPrintable(error));
        QVERIFY(store.isOpen());
        QVERIFY(QFile::exists(file));
        QCOMPARE(store.path(), file);
        QCOMPARE(store.outboxSize(), 0);
        QVERIFY(store.conversations().isEmpty());
    }

    void outboxSurvivesRestart()
    {
        const QString file = path(QStringLiteral("restart.sqlite"));
        {
            MessageStore store;
            QVERIFY(store.open(file));
            QVERIFY(store.enqueue(entry(QStringLiteral("a"), QStringLiteral("lobby"), QStringLiteral("first")), 10));
            QVERIFY(store.enqueue(entry(QStringLiteral("b"), QStringLiteral("lobby"), QStringLiteral("second")), 10));
            QVERIFY(store.setOutboxState(QStringLiteral("b"), ChatMessage::Delivery::Sending, QString(), true));
            QCOMPARE(store.outboxSize(), 2);
            // No close(): the process "dies" with the store open.
        }
        MessageStore again;
        QString error;
        QVERIFY2(again.open(file, &error), qPrintable(error));
        const auto outbox = again.outbox();
        QCOMPARE(outbox.size(), 2);
        QCOMPARE(outbox.at(0).id, QStringLiteral("a"));
        QCOMPARE(outbox.at(0).text, QStringLiteral("first"));
        QCOMPARE(outbox.at(0).state, ChatMessage::Delivery::Queued);
        QCOMPARE(outbox.at(1).id, QStringLiteral("b"));
        QCOMPARE(outbox.at(1).state, ChatMessage::Delivery::Sending);
        QCOMPARE(outbox.at(1).attempts, 1);
        QVERIFY(again.resetSending());
        QCOMPARE(again.outboxEntry(QStringLiteral("b"))->state, ChatMessage::Delivery::Queued);
    }

    void outboxKeepsWriteOrder()
    {
        MessageStore store;
        QVERIFY(store.open(path(QStringLiteral("order.sqlite"))));
        for (int i = 0; i < 50; ++i)
            QVERIFY(store.enqueue(entry(QStringLiteral("id-%1").arg(49 - i)), 0));
        const auto outbox = store.outbox();
        QCOMPARE(outbox.size(), 50);
        for (int i = 0; i < 50; ++i)
            QCOMPARE(outbox.at(i).id, QStringLiteral("id-%1").arg(49 - i));
    }

    void outboxLimit()
    {
        MessageStore store;
        QVERIFY(store.open(path(QStringLiteral("limit.sqlite"))));
        QVERIFY(store.enqueue(entry(QStringLiteral("1")), 2));
        QVERIFY(store.enqueue(entry(QStringLiteral("2")), 2));
        QString code;
        QVERIFY(!store.enqueue(entry(QStringLiteral("3")), 2, &code));
        QCOMPARE(code, QStringLiteral("outbox_full"));
        QVERIFY(store.lastError().contains(QLatin1String("limit")));
        QCOMPARE(store.outboxSize(), 2);
        QVERIFY(store.removeFromOutbox(QStringLiteral("1")));
        QVERIFY(store.enqueue(entry(QStringLiteral("3")), 2, &code));
    }

    void duplicateOutboxIdIsAnError()
    {
        MessageStore store;
        QVERIFY(store.open(path(QStringLiteral("dupid.sqlite"))));
        QVERIFY(store.enqueue(entry(QStringLiteral("same")), 0));
        QString code;
        QVERIFY(!store.enqueue(entry(QStringLiteral("same")), 0, &code));
        QCOMPARE(code, QStringLiteral("storage_error"));
        QCOMPARE(store.outboxSize(), 1);
    }

    void acknowledgeMovesToMessages()
    {
        MessageStore store;
        QVERIFY(store.open(path(QStringLiteral("ack.sqlite"))));
        QVERIFY(store.setValue(QStringLiteral("user"), QStringLiteral("alice")));
        QVERIFY(store.upsertConversation(QStringLiteral("lobby"), QStringLiteral("Lobby")));
        QVERIFY(store.enqueue(entry(QStringLiteral("x"), QStringLiteral("lobby"), QStringLiteral("mine")), 0));
        const QDateTime ts = QDateTime::fromMSecsSinceEpoch(1700000001234, Qt::UTC);
        QVERIFY(store.acknowledge(QStringLiteral("x"), 1, ts, QStringLiteral("alice")));
        QCOMPARE(store.outboxSize(), 0);
        QCOMPARE(store.advanceWatermark(QStringLiteral("lobby")), 1);
        const auto m = store.message(QStringLiteral("lobby"), 1);
        QVERIFY(m);
        QCOMPARE(m->id, QStringLiteral("x"));
        QCOMPARE(m->text, QStringLiteral("mine"));
        QCOMPARE(m->delivery, ChatMessage::Delivery::Sent);
        QVERIFY(m->outgoing);
        QCOMPARE(m->timestamp, ts);
        // A second ack for the same id (the server's dedupe answer) finds nothing to move.
        QVERIFY(!store.acknowledge(QStringLiteral("x"), 1, ts, QStringLiteral("alice")));
        QCOMPARE(store.messageCount(QStringLiteral("lobby")), 1);
    }

    void watermarkStopsAtGap()
    {
        MessageStore store;
        QVERIFY(store.open(path(QStringLiteral("gap.sqlite"))));
        const QString c = QStringLiteral("c");
        QVERIFY(store.upsertConversation(c, QStringLiteral("C")));
        for (qint64 seq : {1, 2, 3, 5, 6, 9})
            QCOMPARE(store.insertMessage(received(c, seq), false), MessageStore::InsertResult::Inserted);
        QCOMPARE(store.insertMessage(received(c, 2), false), MessageStore::InsertResult::Duplicate);
        QCOMPARE(store.advanceWatermark(c), 3);
        QCOMPARE(store.lastSeq(c), 3);
        QCOMPARE(store.maxSeq(c), 9);
        // Only the gap-free prefix is visible.
        QCOMPARE(store.messages(c).size(), 3);
        QVERIFY(store.insertMessage(received(c, 4), false) == MessageStore::InsertResult::Inserted);
        QCOMPARE(store.advanceWatermark(c), 6);
        const auto range = store.messagesInRange(c, 3, 6, true);
        QCOMPARE(range.size(), 3);
        QCOMPARE(range.first().seq, 4);
        QCOMPARE(range.last().seq, 6);
        for (qint64 seq : {7, 8})
            store.insertMessage(received(c, seq), false);
        QCOMPARE(store.advanceWatermark(c), 9);
    }

    void watermarkOverManyRows()
    {
        MessageStore store;
        QVERIFY(store.open(path(QStringLiteral("many.sqlite"))));
        const QString c = QStringLiteral("big");
        QVERIFY(store.upsertConversation(c, QString()));
        QVERIFY(store.beginTransaction());
        for (qint64 seq = 1; seq <= 2500; ++seq)
            QVERIFY(store.insertMessage(received(c, seq), false) == MessageStore::InsertResult::Inserted);
        QVERIFY(store.commit());
        QCOMPARE(store.advanceWatermark(c), 2500);
    }

    void unreadAndRead()
    {
        MessageStore store;
        QVERIFY(store.open(path(QStringLiteral("unread.sqlite"))));
        const QString c = QStringLiteral("u");
        QVERIFY(store.upsertConversation(c, QString()));
        for (qint64 seq = 1; seq <= 4; ++seq)
            store.insertMessage(received(c, seq), false);
        ChatMessage own = received(c, 5, QStringLiteral("me"));
        own.outgoing = true;
        store.insertMessage(own, false);
        store.insertMessage(received(c, 7), false); // beyond a gap: not counted yet
        store.advanceWatermark(c);
        QCOMPARE(store.unread(c), 4); // our own message is never unread
        QVERIFY(store.setReadSeq(c, 2));
        QCOMPARE(store.unread(c), 2);
        QVERIFY(store.setReadSeq(c, 1)); // never moves back
        QCOMPARE(store.unread(c), 2);
        QCOMPARE(store.conversation(c)->unread, 2);
        QCOMPARE(store.conversations().first().unread, 2);
    }

    // The unread count is kept as the watermark moves rather than counted each time: it must agree
    // with a fresh count after each advance, a read mark beyond the watermark, and a rollback.
    void unreadFollowsWatermark()
    {
        const QString file = path(QStringLiteral("unreadcache.sqlite"));
        MessageStore store;
        QVERIFY(store.open(file));
        const QString c = QStringLiteral("w");
        QVERIFY(store.upsertConversation(c, QString()));
        QVERIFY(store.hasConversation(c));
        QVERIFY(!store.hasConversation(QStringLiteral("nope")));
        for (qint64 seq = 1; seq <= 3; ++seq)
            store.insertMessage(received(c, seq), false);
        QCOMPARE(store.advanceWatermark(c), qint64(3));
        QCOMPARE(store.unread(c), 3);
        store.insertMessage(received(c, 4), false);
        ChatMessage own = received(c, 5, QStringLiteral("me"));
        own.outgoing = true;
        store.insertMessage(own, false);
        QCOMPARE(store.advanceWatermark(c), qint64(5));
        QCOMPARE(store.unread(c), 4);

        // A rolled back batch leaves the count as it was on disk.
        QVERIFY(store.beginTransaction());
        store.insertMessage(received(c, 6), false);
        QCOMPARE(store.advanceWatermark(c), qint64(6));
        QCOMPARE(store.unread(c), 5);
        store.rollback();
        QCOMPARE(store.lastSeq(c), qint64(5));
        QCOMPARE(store.unread(c), 4);

        // A read mark past the watermark: nothing up to it counts once it arrives.
        QVERIFY(store.setReadSeq(c, 7));
        QCOMPARE(store.unread(c), 0);
        for (qint64 seq = 6; seq <= 8; ++seq)
            store.insertMessage(received(c, seq), false);
        QCOMPARE(store.advanceWatermark(c), qint64(8));
        QCOMPARE(store.unread(c), 1);

        // The same figure from a store that counts from scratch.
        store.close();
        MessageStore fresh;
        QVERIFY(fresh.open(file));
        QCOMPARE(fresh.unread(c), 1);
        QCOMPARE(fresh.conversation(c)->unread, 1);
    }

    // Only queued entries, oldest first, at most `limit` of them.
    void queuedOutboxSkipsSendingAndFailed()
    {
        MessageStore store;
        QVERIFY(store.open(path(QStringLiteral("queued.sqlite"))));
        for (int i = 0; i < 5; ++i) {
            MessageStore::OutboxEntry e;
            e.id = QStringLiteral("q%1").arg(i);
            e.conversation = QStringLiteral("c");
            e.text = QStringLiteral("t%1").arg(i);
            e.created = QDateTime::currentDateTimeUtc();
            QVERIFY(store.enqueue(e, 100));
        }
        QVERIFY(store.setOutboxState(QStringLiteral("q0"), ChatMessage::Delivery::Sending));
        QVERIFY(store.setOutboxState(QStringLiteral("q2"), ChatMessage::Delivery::Failed, QStringLiteral("x")));
        QList<MessageStore::OutboxEntry> queued = store.queuedOutbox(10);
        QCOMPARE(queued.size(), 3);
        QCOMPARE(queued.at(0).id, QStringLiteral("q1"));
        QCOMPARE(queued.at(1).id, QStringLiteral("q3"));
        QCOMPARE(queued.at(2).id, QStringLiteral("q4"));
        queued = store.queuedOutbox(2);
        QCOMPARE(queued.size(), 2);
        QCOMPARE(queued.at(1).id, QStringLiteral("q3"));
    }

    void messagesPendingLast()
    {
        MessageStore store;
        QVERIFY(store.open(path(QStringLiteral("view.sqlite"))));
        QVERIFY(store.setValue(QStringLiteral("user"), QStringLiteral("me")));
        const QString c = QStringLiteral("v");
        QVERIFY(store.upsertConversation(c, QString()));
        QVERIFY(store.enqueue(entry(QStringLiteral("p1"), c, QStringLiteral("pending")), 0));
        store.insertMessage(received(c, 1), false);
        store.insertMessage(received(c, 2), false);
        store.advanceWatermark(c);
        QVERIFY(store.setOutboxState(QStringLiteral("p1"), ChatMessage::Delivery::Failed, QStringLiteral("not_member")));
        const auto list = store.messages(c);
        QCOMPARE(list.size(), 3);
        QCOMPARE(list.at(0).seq, 1);
        QCOMPARE(list.at(1).seq, 2);
        QCOMPARE(list.at(2).id, QStringLiteral("p1"));
        QCOMPARE(list.at(2).delivery, ChatMessage::Delivery::Failed);
        QCOMPARE(list.at(2).errorCode, QStringLiteral("not_member"));
        QCOMPARE(list.at(2).from, QStringLiteral("me"));
        QVERIFY(list.at(2).outgoing);
    }

    void removeConversation()
    {
        MessageStore store;
        QVERIFY(store.open(path(QStringLiteral("remove.sqlite"))));
        QVERIFY(store.upsertConversation(QStringLiteral("gone"), QStringLiteral("Gone")));
        store.insertMessage(received(QStringLiteral("gone"), 1), false);
        QVERIFY(store.removeConversation(QStringLiteral("gone")));
        QVERIFY(!store.conversation(QStringLiteral("gone")));
        QCOMPARE(store.messageCount(QStringLiteral("gone")), 0);
    }

    void nestedTransactions()
    {
        MessageStore store;
        QVERIFY(store.open(path(QStringLiteral("nested.sqlite"))));
        QVERIFY(store.upsertConversation(QStringLiteral("n"), QString()));
        QVERIFY(store.beginTransaction());
        QVERIFY(store.enqueue(entry(QStringLiteral("keep")), 0));
        QVERIFY(store.beginTransaction());
        QVERIFY(store.enqueue(entry(QStringLiteral("inner")), 0));
        store.rollback(); // an inner failure poisons the whole transaction
        QVERIFY(!store.commit());
        QCOMPARE(store.outboxSize(), 0);
        // Acknowledge (which has its own transaction) works inside an outer one.
        QVERIFY(store.enqueue(entry(QStringLiteral("a"), QStringLiteral("n")), 0));
        QVERIFY(store.beginTransaction());
        QVERIFY(store.acknowledge(QStringLiteral("a"), 1, QDateTime::currentDateTimeUtc(), QStringLiteral("me")));
        QVERIFY(store.commit());
        QCOMPARE(store.outboxSize(), 0);
        QCOMPARE(store.messageCount(QStringLiteral("n")), 1);
    }

    void outboxSizeFollowsEveryChange()
    {
        // outboxSize() is counted once and then kept: it must still match the table after
        // enqueue, removal, acknowledgement and a rollback.
        MessageStore store;
        QVERIFY(store.open(path(QStringLiteral("outboxsize.sqlite"))));
        QVERIFY(store.upsertConversation(QStringLiteral("lobby"), QString()));
        QCOMPARE(store.outboxSize(), 0);
        QVERIFY(store.enqueue(entry(QStringLiteral("a")), 0));
        QVERIFY(store.enqueue(entry(QStringLiteral("b")), 0));
        QCOMPARE(store.outboxSize(), 2);
        QVERIFY(!store.removeFromOutbox(QStringLiteral("nobody")));
        QCOMPARE(store.outboxSize(), 2);
        QVERIFY(store.acknowledge(QStringLiteral("a"), 1, QDateTime::currentDateTimeUtc(), QStringLiteral("me")));
        QCOMPARE(store.outboxSize(), 1);
        QVERIFY(store.beginTransaction());
        QVERIFY(store.enqueue(entry(QStringLiteral("c")), 0));
        QVERIFY(store.removeFromOutbox(QStringLiteral("b")));
        QCOMPARE(store.outboxSize(), 1);
        store.rollback();
        QCOMPARE(store.outboxSize(), 1);
        QCOMPARE(store.outbox().first().id, QStringLiteral("b"));
        QVERIFY(!store.enqueue(entry(QStringLiteral("b")), 0)); // a duplicate id counts nothing
        QCOMPARE(store.outboxSize(), 1);
        QCOMPARE(int(store.outbox().size()), store.outboxSize());
    }

    void twoStoresAtOnce()
    {
        MessageStore a;
        MessageStore b;
        QVERIFY(a.open(path(QStringLiteral("two-a.sqlite"))));
        QVERIFY(b.open(path(QStringLiteral("two-b.sqlite"))));
        QVERIFY(a.enqueue(entry(QStringLiteral("only-a")), 0));
        QCOMPARE(a.outboxSize(), 1);
        QCOMPARE(b.outboxSize(), 0);
        a.close();
        QVERIFY(!a.isOpen());
        QCOMPARE(b.outboxSize(), 0);
        QVERIFY(b.isOpen());
    }

    void garbageFileIsAnError()
    {
        const QString file = path(QStringLiteral("garbage.sqlite"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray junk;
        for (int i = 0; i < 4096; ++i)
            junk.append(char((i * 7919) % 251));
        f.write(junk);
        f.close();
        MessageStore store;
        QString error;
        QVERIFY(!store.open(file, &error));
        QVERIFY2(error.contains(file), qPrintable(error));
        QVERIFY(!store.isOpen());
        QCOMPARE(store.lastError(), error);
        // The file is left alone: nothing is overwritten.
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), junk);
        // Operations on a store that failed to open fail instead of crashing.
        QCOMPARE(store.outboxSize(), 0);
        QString code;
        QVERIFY(!store.enqueue(entry(QStringLiteral("x")), 0, &code));
        QCOMPARE(code, QStringLiteral("storage_error"));
    }

    void directoryIsAnError()
    {
        MessageStore store;
        QString error;
        QVERIFY(!store.open(m_dir.path(), &error));
        QVERIFY(error.contains(QLatin1String("directory")));
    }

    void unwritableLocationIsAnError()
    {
        // A regular file where a folder should be: no user (root included) can create the db there.
        const QString blocker = path(QStringLiteral("blocker"));
        QFile f(blocker);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        MessageStore store;
        QString error;
        QVERIFY(!store.open(blocker + QStringLiteral("/sub/chat.sqlite"), &error));
        QVERIFY2(error.contains(QLatin1String("folder")), qPrintable(error));
    }

    void readOnlyFileIsAnError()
    {
        if (::geteuid() == 0)
            QSKIP("file permissions do not bind root");
        const QString file = path(QStringLiteral("readonly.sqlite"));
        {
            MessageStore store;
            QVERIFY(store.open(file));
        }
        QFile::remove(file + QStringLiteral("-wal"));
        QFile::remove(file + QStringLiteral("-shm"));
        QVERIFY(QFile::setPermissions(file, QFileDevice::ReadOwner));
        MessageStore store;
        QString error;
        QVERIFY(!store.open(file, &error));
        QVERIFY(!error.isEmpty());
        QFile::setPermissions(file, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }

    void newerSchemaIsAnError()
    {
        const QString file = path(QStringLiteral("future.sqlite"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("future"));
            db.setDatabaseName(file);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = 99")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("future"));
        MessageStore store;
        QString error;
        QVERIFY(!store.open(file, &error));
        QVERIFY2(error.contains(QLatin1String("newer")), qPrintable(error));
    }

    void emptyPathIsAnError()
    {
        MessageStore store;
        QString error;
        QVERIFY(!store.open(QString(), &error));
        QVERIFY(!error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestMessageStore)
#include "tst_messagestore.moc"
