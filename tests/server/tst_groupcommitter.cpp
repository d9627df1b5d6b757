// GroupCommitter on a real ChatStore: everything enqueued in one pass of the event loop is one
// transaction, outcomes come back in order after the commit, a full batch commits at once, 0 is
// one transaction per message, a gone sender is forgotten, answers to a batch go into the next.

#include "chatstore.h"
#include "groupcommitter.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Tether;

class TestGroupCommitter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void onePassIsOneTransaction();
    void fullBatchCommitsAtOnce();
    void zeroCommitsEachMessage();
    void dedupeInsideABatch();
    void forgottenSender();
    void answersGoIntoTheNextBatch();
    void durablePragma();

private:
    static ServerStorage::NewMessage message(const QString &id, const QString &conversation = QStringLiteral("c"))
    {
        return ServerStorage::NewMessage{ conversation, id, QStringLiteral("alice"), QStringLiteral("text ") + id, 1 };
    }
    // Rows of messages as another connection sees them (what is committed).
    int committedRows() const
    {
        const QString name = QStringLiteral("observer");
        int rows = -1;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(m_path);
            if (db.open()) {
                QSqlQuery q(db);
                if (q.exec(QStringLiteral("SELECT COUNT(*) FROM messages")) && q.next())
                    rows = q.value(0).toInt();
            }
        }
        QSqlDatabase::removeDatabase(name);
        return rows;
    }

    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<ChatStore> m_store;
    QList<QList<GroupCommitter::Outcome>> m_batches;
};

void TestGroupCommitter::init()
{
    m_path = m_dir.filePath(QStringLiteral("gc-%1.sqlite").arg(QDateTime::currentMSecsSinceEpoch()));
    m_store = std::make_unique<ChatStore>();
    QString error;
    QVERIFY2(m_store->open(m_path, &error), qPrintable(error));
    QVERIFY(m_store->ensureConversation(QStringLiteral("c"), QStringLiteral("C"), true, &error));
    QVERIFY(m_store->ensureConversation(QStringLiteral("d"), QStringLiteral("D"), true, &error));
    m_batches.clear();
}

void TestGroupCommitter::cleanup()
{
    m_store.reset();
}

void TestGroupCommitter::onePassIsOneTransaction()
{
    int committedAtCallback = -1;
    GroupCommitter committer(*m_store, 1000, [&](const QList<GroupCommitter::Outcome> &outcomes, const QString &error) {
        QVERIFY(error.isEmpty());
        committedAtCallback = committedRows(); // durable before anyone is told
        m_batches.append(outcomes);
    });
    for (int i = 0; i < 50; ++i)
        committer.enqueue(GroupCommitter::Request{ message(QString::number(i), i % 2 ? QStringLiteral("c") : QStringLiteral("d")), nullptr, i });
    QCOMPARE(committer.pending(), 50);
    QCOMPARE(committedRows(), 0); // nothing before control returns to the event loop
    QTRY_COMPARE(m_batches.size(), 1);
    QCOMPARE(committer.batches(), 1);
    QCOMPARE(committedAtCallback, 50);
    const auto &outcomes = m_batches.constFirst();
    QCOMPARE(outcomes.size(), 50);
    qint64 lastC = 0, lastD = 0;
    for (int i = 0; i < 50; ++i) {
        QCOMPARE(outcomes[i].request.frameId.toInt(), i); // arrival order
        QCOMPARE(outcomes[i].stored.result, ServerStorage::AppendResult::Stored);
        qint64 &last = i % 2 ? lastC : lastD;
        QCOMPARE(outcomes[i].stored.message.seq, last + 1); // gap-free per conversation
        last = outcomes[i].stored.message.seq;
    }
}

void TestGroupCommitter::fullBatchCommitsAtOnce()
{
    GroupCommitter committer(*m_store, 10, [&](const QList<GroupCommitter::Outcome> &outcomes, const QString &) {
        m_batches.append(outcomes);
    });
    for (int i = 0; i < 25; ++i)
        committer.enqueue(GroupCommitter::Request{ message(QString::number(i)), nullptr, i });
    QCOMPARE(m_batches.size(), 2); // two full batches at once, bounded transactions
    QCOMPARE(committer.pending(), 5);
    QTRY_COMPARE(m_batches.size(), 3);
    QCOMPARE(m_batches.last().size(), 5);
    QCOMPARE(m_batches.last().last().stored.message.seq, 25);
}

void TestGroupCommitter::zeroCommitsEachMessage()
{
    GroupCommitter committer(*m_store, 0, [&](const QList<GroupCommitter::Outcome> &outcomes, const QString &) {
        m_batches.append(outcomes);
    });
    for (int i = 0; i < 5; ++i) {
        committer.enqueue(GroupCommitter::Request{ message(QString::number(i)), nullptr, i });
        QCOMPARE(m_batches.size(), i + 1); // at once, alone
        QCOMPARE(committedRows(), i + 1);
    }
    QCOMPARE(committer.batches(), 5);
}

void TestGroupCommitter::dedupeInsideABatch()
{
    GroupCommitter committer(*m_store, 100, [&](const QList<GroupCommitter::Outcome> &outcomes, const QString &) {
        m_batches.append(outcomes);
    });
    committer.enqueue(GroupCommitter::Request{ message(QStringLiteral("same")), nullptr, 1 });
    committer.enqueue(GroupCommitter::Request{ message(QStringLiteral("other")), nullptr, 2 });
    committer.enqueue(GroupCommitter::Request{ message(QStringLiteral("same")), nullptr, 3 }); // a retry, same pass
    committer.enqueue(GroupCommitter::Request{ message(QStringLiteral("x"), QStringLiteral("no-such")), nullptr, 4 });
    committer.enqueue(GroupCommitter::Request{ message(QStringLiteral("last")), nullptr, 5 });
    QTRY_COMPARE(m_batches.size(), 1);
    const auto &o = m_batches.constFirst();
    QCOMPARE(o[0].stored.result, ServerStorage::AppendResult::Stored);
    QCOMPARE(o[2].stored.result, ServerStorage::AppendResult::Duplicate);
    QCOMPARE(o[2].stored.message.seq, o[0].stored.message.seq);
    // One message refused on its own fails alone, and takes no seq.
    QCOMPARE(o[3].stored.result, ServerStorage::AppendResult::Failed);
    QCOMPARE(o[4].stored.result, ServerStorage::AppendResult::Stored);
    QCOMPARE(o[4].stored.message.seq, 3);
    QCOMPARE(committedRows(), 3);
}

void TestGroupCommitter::forgottenSender()
{
    auto *someone = reinterpret_cast<ClientConnection *>(quintptr(0x1000));
    auto *other = reinterpret_cast<ClientConnection *>(quintptr(0x2000));
    GroupCommitter committer(*m_store, 100, [&](const QList<GroupCommitter::Outcome> &outcomes, const QString &) {
        m_batches.append(outcomes);
    });
    committer.enqueue(GroupCommitter::Request{ message(QStringLiteral("a")), someone, 1 });
    committer.enqueue(GroupCommitter::Request{ message(QStringLiteral("b")), other, 2 });
    committer.forget(someone);
    QTRY_COMPARE(m_batches.size(), 1);
    QCOMPARE(m_batches[0][0].request.sender, nullptr); // stored, nobody to ack
    QCOMPARE(m_batches[0][0].stored.result, ServerStorage::AppendResult::Stored);
    QCOMPARE(m_batches[0][1].request.sender, other);
}

void TestGroupCommitter::answersGoIntoTheNextBatch()
{
    GroupCommitter *self = nullptr;
    GroupCommitter committer(*m_store, 100, [&](const QList<GroupCommitter::Outcome> &outcomes, const QString &) {
        m_batches.append(outcomes);
        if (m_batches.size() == 1) {
            for (const auto &o : outcomes)
                self->enqueue(GroupCommitter::Request{ message(QStringLiteral("echo-") + o.request.message.clientId), nullptr, 0 });
        }
    });
    self = &committer;
    committer.enqueue(GroupCommitter::Request{ message(QStringLiteral("1")), nullptr, 1 });
    committer.enqueue(GroupCommitter::Request{ message(QStringLiteral("2")), nullptr, 2 });
    QTRY_COMPARE(m_batches.size(), 2);
    QCOMPARE(m_batches[1].size(), 2);
    QCOMPARE(m_batches[1][0].stored.message.seq, 3); // after the batch that caused them
}

void TestGroupCommitter::durablePragma()
{
    for (const auto &[sync, expected] : { std::pair{ ChatStore::Sync::Durable, 2 }, std::pair{ ChatStore::Sync::NotDurable, 1 } }) {
        ChatStore store(sync);
        QString error;
        QVERIFY(store.open(m_dir.filePath(QStringLiteral("p%1.sqlite").arg(expected)), &error));
        QCOMPARE(store.synchronousLevel(), expected); // 2 = FULL, 1 = NORMAL
    }
    QCOMPARE(m_store->synchronousLevel(), 2); // durable by default
}

QTEST_GUILESS_MAIN(TestGroupCommitter)
#include "tst_groupcommitter.moc"
