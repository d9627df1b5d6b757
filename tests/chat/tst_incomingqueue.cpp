// IncomingQueue: a full batch is processed at once, a partial one on the next event-loop pass,
// and a long burst one batch per pass.

#include "incomingqueue.h"

#include <QtTest>

using Tether::IncomingQueue;

class TestIncomingQueue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void partialBatchWaitsForTheEventLoop()
    {
        QList<QStringList> batches;
        IncomingQueue *queue = nullptr;
        IncomingQueue q(3, [&] { batches.append(queue->takeBatch()); });
        queue = &q;
        q.append(QStringLiteral("a"));
        q.append(QStringLiteral("b"));
        QVERIFY(batches.isEmpty()); // not at once: more may come in this pass
        QTRY_COMPARE(batches.size(), 1);
        QCOMPARE(batches.first(), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        QVERIFY(q.isEmpty());
    }

    void fullBatchAtOnce()
    {
        QList<QStringList> batches;
        IncomingQueue *queue = nullptr;
        IncomingQueue q(2, [&] { batches.append(queue->takeBatch()); });
        queue = &q;
        q.append(QStringLiteral("a"));
        q.append(QStringLiteral("b"));
        QCOMPARE(batches.size(), 1); // full: no waiting
        QCOMPARE(batches.first(), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
    }

    void burstOneBatchPerPass()
    {
        // A processor that does not take everything (as the session when the link dropped): the
        // rest goes on later passes, in order, a batch each.
        QList<QStringList> batches;
        IncomingQueue *queue = nullptr;
        bool processing = true;
        IncomingQueue q(3, [&] {
            if (processing)
                batches.append(queue->takeBatch());
        });
        queue = &q;
        processing = false; // collect 8 without processing (as during a busy pass)
        for (int i = 0; i < 8; ++i)
            q.append(QString::number(i));
        QCOMPARE(q.size(), 8);
        processing = true;
        batches.append(q.takeBatch()); // the first by hand, e.g. when the link drops
        QCOMPARE(batches.first(), (QStringList{QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("2")}));
        QTRY_COMPARE(batches.size(), 3);
        QCOMPARE(batches.at(1).size(), 3);
        QCOMPARE(batches.at(2), (QStringList{QStringLiteral("6"), QStringLiteral("7")}));
        QVERIFY(q.isEmpty());
        QCOMPARE(q.takeBatch(), QStringList());
    }

    void batchOfZeroIsOne()
    {
        int calls = 0;
        IncomingQueue *queue = nullptr;
        IncomingQueue q(0, [&] {
            ++calls;
            queue->takeBatch();
        });
        queue = &q;
        q.append(QStringLiteral("a"));
        QCOMPARE(calls, 1);
    }

    // A consumer that stalls must not let the queue grow without end: past its capacity frames are
    // refused and the queue says so (the session reports it and resyncs).
    void boundedWhenTheConsumerStalls()
    {
        IncomingQueue q(3, [] {}, 10);
        QCOMPARE(q.capacity(), 10);
        for (int i = 0; i < 10; ++i)
            QVERIFY(q.append(QString::number(i)));
        QVERIFY(!q.overflowed());
        for (int i = 0; i < 1000; ++i)
            QVERIFY(!q.append(QStringLiteral("more")));
        QCOMPARE(q.size(), 10);
        QVERIFY(q.overflowed());
        q.clear();
        QVERIFY(q.isEmpty());
        QVERIFY(!q.overflowed());
        QVERIFY(q.append(QStringLiteral("again")));
        IncomingQueue byDefault(4, [] {});
        QCOMPARE(byDefault.capacity(), 64);
    }
};

QTEST_GUILESS_MAIN(TestIncomingQueue)
#include "tst_incomingqueue.moc"
