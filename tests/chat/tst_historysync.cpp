// HistorySync on a real MessageStore (SQLite in a QTemporaryDir): when a gap is asked for, one
// request per conversation at a time, paging until nothing is missing, and refusals.

#include "historysync.h"
#include "messagestore.h"
#include "protocollimits.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace Tether;

namespace {

ChatMessage received(const QString &conversation, qint64 seq)
{
    ChatMessage m;
    m.id = QStringLiteral("m-%1").arg(seq);
    m.conversation = conversation;
    m.seq = seq;
    m.from = QStringLiteral("bob");
    m.text = QStringLiteral("text %1").arg(seq);
    m.timestamp = QDateTime::fromMSecsSinceEpoch(1700000000000 + seq, Qt::UTC);
    return m;
}

} // namespace

class TestHistorySync : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    MessageStore m_store;
    QList<Protocol::HistoryRequestFrame> m_written;
    bool m_linkUp = true;
    std::unique_ptr<HistorySync> m_sync;

    const QString room = QStringLiteral("room");

    void hold(qint64 from, qint64 to)
    {
        for (qint64 seq = from; seq <= to; ++seq)
            QCOMPARE(m_store.insertMessage(received(room, seq), false), MessageStore::InsertResult::Inserted);
        m_store.advanceWatermark(room);
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void init()
    {
        static int n = 0;
        QVERIFY(m_store.open(m_dir.filePath(QStringLiteral("h%1.sqlite").arg(++n))));
        QVERIFY(m_store.upsertConversation(room, QStringLiteral("Room")));
        m_written.clear();
        m_linkUp = true;
        m_sync = std::make_unique<HistorySync>(&m_store, 2, [this](const Protocol::HistoryRequestFrame &frame) {
            if (m_linkUp)
                m_written.append(frame);
            return m_linkUp;
        });
    }

    // synced.more: the server cut the replay, so there is more to page even when last_seq (here
    // from a stale welcome) says nothing is missing; a last page (has_more false) ends it.
    void replayCutIsPaged()
    {
        hold(1, 3);
        m_sync->setServerLastSeq(room, 3);
        QVERIFY(!m_sync->hasGap(room, 3));
        m_sync->markMore(room);
        QVERIFY(m_sync->hasMore(room));
        QVERIFY(m_sync->hasGap(room, 3));
        m_sync->fill(room, 3);
        QCOMPARE(m_written.size(), 1);
        QCOMPARE(m_written.constLast().after, qint64(3));
        // A page with has_more: still more.
        hold(4, 5);
        m_sync->pageReceived(room, m_written.constLast().requestId.toString(), false);
        QVERIFY(m_sync->hasGap(room, 5));
        m_sync->fill(room, 5);
        QCOMPARE(m_written.size(), 2);
        QCOMPARE(m_written.constLast().after, qint64(5));
        // The last page: nothing more.
        m_sync->clearMore(room);
        m_sync->pageReceived(room, m_written.constLast().requestId.toString(), true);
        QVERIFY(!m_sync->hasGap(room, 5));
        // A new link: the next synced says again what is left.
        m_sync->markMore(room);
        m_sync->reset();
        QVERIFY(!m_sync->hasMore(room));
        m_sync->markMore(room);
        m_sync->forgetServerState();
        QVERIFY(!m_sync->hasMore(room));
    }

    void noGapNoRequest()
    {
        hold(1, 3);
        m_sync->setServerLastSeq(room, 3);
        QVERIFY(!m_sync->hasGap(room, 3));
        m_sync->fill(room, 3);
        QVERIFY(m_written.isEmpty());
    }

    void holeBelowAHeldSeq()
    {
        hold(1, 2);
        QCOMPARE(m_store.insertMessage(received(room, 5), false), MessageStore::InsertResult::Inserted);
        QCOMPARE(m_store.advanceWatermark(room), qint64(2));
        QVERIFY(m_sync->hasGap(room, 2)); // 5 is held, 3 and 4 are not
        m_sync->fill(room, 2);
        QCOMPARE(m_written.size(), 1);
        QCOMPARE(m_written.first().conversation, room);
        QCOMPARE(m_written.first().after, qint64(2));
        QCOMPARE(m_written.first().limit, 2);
        QVERIFY(m_sync->isInFlight(room));
        // One request per conversation at a time.
        m_sync->fill(room, 2);
        m_sync->request(room);
        QCOMPARE(m_written.size(), 1);
    }

    void pagesUntilTheServerIsReached()
    {
        hold(1, 1);
        m_sync->setServerLastSeq(room, 5); // the welcome says 5; we hold 1
        m_sync->fill(room, 1);
        QCOMPARE(m_written.size(), 1);
        const QString first = m_written.last().requestId.toString();
        hold(2, 3); // page 1 applied
        m_sync->pageReceived(room, first, false);
        QVERIFY(!m_sync->isInFlight(room));
        m_sync->fill(room, 3);
        QCOMPARE(m_written.size(), 2);
        QCOMPARE(m_written.last().after, qint64(3));
        QVERIFY(m_written.last().requestId.toString() != first); // every request has its own id
        hold(4, 5);
        m_sync->pageReceived(room, m_written.last().requestId.toString(), false);
        m_sync->fill(room, 5);
        QCOMPARE(m_written.size(), 2); // complete
    }

    void emptyLastPageEndsIt()
    {
        // The server said 9 but has nothing after 3 (e.g. trimmed): never ask for it again.
        hold(1, 3);
        m_sync->setServerLastSeq(room, 9);
        m_sync->fill(room, 3);
        QCOMPARE(m_written.size(), 1);
        m_sync->pageReceived(room, m_written.last().requestId.toString(), true);
        QCOMPARE(m_sync->serverLastSeq(room), qint64(3));
        QVERIFY(!m_sync->hasGap(room, 3));
        m_sync->fill(room, 3);
        QCOMPARE(m_written.size(), 1);
    }

    void refusedRequest()
    {
        m_sync->setServerLastSeq(room, 4);
        m_sync->fill(room, 0);
        QCOMPARE(m_written.size(), 1);
        QCOMPARE(m_sync->takeRefused(QStringLiteral("not-ours")), QString());
        QVERIFY(m_sync->isInFlight(room));
        QCOMPARE(m_sync->takeRefused(m_written.last().requestId.toString()), room);
        QVERIFY(!m_sync->isInFlight(room));
        QCOMPARE(m_sync->takeRefused(m_written.last().requestId.toString()), QString()); // once
        m_sync->request(room); // asked again (the session does so after a pause)
        QCOMPARE(m_written.size(), 2);
    }

    void linkDownAndReset()
    {
        m_sync->setServerLastSeq(room, 4);
        m_linkUp = false;
        m_sync->fill(room, 0);
        QVERIFY(!m_sync->isInFlight(room)); // not written: not waited for
        m_linkUp = true;
        m_sync->fill(room, 0);
        QVERIFY(m_sync->isInFlight(room));
        m_sync->reset(); // the link dropped: that answer never comes
        QVERIFY(!m_sync->isInFlight(room));
        m_sync->fill(room, 0);
        QCOMPARE(m_written.size(), 2);
    }

    void forgottenConversation()
    {
        m_sync->setServerLastSeq(room, 4);
        QVERIFY(m_sync->hasGap(room, 0));
        m_sync->forget(room);
        QVERIFY(!m_sync->hasGap(room, 0));
        m_sync->setServerLastSeq(room, 4);
        m_sync->forgetServerState();
        QCOMPARE(m_sync->serverLastSeq(room), qint64(0));
    }

    void pageLimitIsTheProtocols()
    {
        HistorySync big(&m_store, 100000, [this](const Protocol::HistoryRequestFrame &frame) {
            m_written.append(frame);
            return true;
        });
        big.request(room);
        QCOMPARE(m_written.last().limit, Protocol::Limits::HistoryPageMax);
        HistorySync small(&m_store, 0, [this](const Protocol::HistoryRequestFrame &frame) {
            m_written.append(frame);
            return true;
        });
        small.request(room);
        QCOMPARE(m_written.last().limit, 1);
    }
};

QTEST_GUILESS_MAIN(TestHistorySync)
#include "tst_historysync.moc"
