// ChangeBatch on a real MessageStore: what one applied batch announces: only messages that became
// contiguous, each once and in seq order, per conversation; nothing of a forgotten conversation
// or a discarded batch.

#include "changebatch.h"
#include "messagestore.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace Tether;

namespace {

ChatMessage received(const QString &conversation, qint64 seq, bool outgoing = false)
{
    ChatMessage m;
    m.id = QStringLiteral("%1-%2").arg(conversation).arg(seq);
    m.conversation = conversation;
    m.seq = seq;
    m.from = outgoing ? QStringLiteral("me") : QStringLiteral("bob");
    m.outgoing = outgoing;
    m.text = QStringLiteral("text %1").arg(seq);
    m.timestamp = QDateTime::fromMSecsSinceEpoch(1700000000000 + seq, Qt::UTC);
    return m;
}

QList<qint64> seqs(const QList<ChatMessage> &messages)
{
    QList<qint64> result;
    for (const ChatMessage &m : messages)
        result.append(m.seq);
    return result;
}

} // namespace

class TestChangeBatch : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    MessageStore m_store;
    const QString a = QStringLiteral("a");
    const QString b = QStringLiteral("b");

    void insert(const QString &conversation, qint64 seq, bool local = false)
    {
        QCOMPARE(m_store.insertMessage(received(conversation, seq, local), local), MessageStore::InsertResult::Inserted);
    }

private Q_SLOTS:
    void init()
    {
        static int n = 0;
        QVERIFY(m_dir.isValid());
        QVERIFY(m_store.open(m_dir.filePath(QStringLiteral("b%1.sqlite").arg(++n))));
        QVERIFY(m_store.upsertConversation(a, QString()));
        QVERIFY(m_store.upsertConversation(b, QString()));
    }

    void onlyContiguousMessagesAreAnnounced()
    {
        ChangeBatch batch(&m_store);
        batch.touch(a);
        insert(a, 3); // out of order, as a replay interleaved with a broadcast may be
        insert(a, 1);
        insert(a, 2);
        insert(a, 5); // 4 is missing: 5 waits
        const auto watermarks = batch.advanceWatermarks();
        QCOMPARE(watermarks.size(), 1);
        QCOMPARE(watermarks.first().first, a);
        QCOMPARE(watermarks.first().second, qint64(3));
        ChangeBatch::Changes changes = batch.take();
        QCOMPARE(changes.added.size(), 1);
        QCOMPARE(changes.added.first().first, a);
        QCOMPARE(seqs(changes.added.first().second), (QList<qint64>{1, 2, 3}));
        QCOMPARE(changes.unread, QStringList{a});
        QVERIFY(changes.conversations);
        QVERIFY(batch.take().isEmpty()); // taken: the next batch starts empty

        // The gap is filled in a later batch: 4 and the waiting 5, each once.
        batch.touch(a);
        insert(a, 4);
        QCOMPARE(batch.advanceWatermarks().first().second, qint64(5));
        changes = batch.take();
        QCOMPARE(seqs(changes.added.first().second), (QList<qint64>{4, 5}));
    }

    void ownSentMessagesAreNotAnnouncedAgain()
    {
        // Our own acked message was shown when it was queued; it moves the watermark silently.
        ChangeBatch batch(&m_store);
        batch.touch(a);
        insert(a, 1);
        insert(a, 2, true);
        insert(a, 3);
        batch.advanceWatermarks();
        const auto changes = batch.take();
        QCOMPARE(seqs(changes.added.first().second), (QList<qint64>{1, 3}));
    }

    void touchRemembersTheFirstWatermark()
    {
        ChangeBatch batch(&m_store);
        batch.touch(a);
        insert(a, 1);
        QCOMPARE(m_store.advanceWatermark(a), qint64(1)); // moved behind the batch's back
        batch.touch(a);                                    // a second touch keeps the first mark
        insert(a, 2);
        batch.advanceWatermarks();
        QCOMPARE(seqs(batch.take().added.first().second), (QList<qint64>{1, 2}));
    }

    void untouchedConversationsStayQuiet()
    {
        ChangeBatch batch(&m_store);
        insert(b, 1);
        batch.touch(a);
        const auto watermarks = batch.advanceWatermarks();
        QCOMPARE(watermarks.size(), 1);
        const auto changes = batch.take();
        QVERIFY(changes.added.isEmpty());
        QVERIFY(changes.unread.isEmpty());
        QVERIFY(!changes.conversations);
    }

    void forgottenAndDiscarded()
    {
        ChangeBatch batch(&m_store);
        batch.touch(a);
        batch.touch(b);
        insert(a, 1);
        insert(b, 1);
        batch.forget(b);
        auto watermarks = batch.advanceWatermarks();
        QCOMPARE(watermarks.size(), 1);
        QCOMPARE(batch.take().added.first().first, a);

        batch.touch(a);
        insert(a, 2);
        batch.update(received(a, 2));
        batch.error(ChatSession::Error::StorageError, QStringLiteral("disk full"));
        batch.synced();
        QVERIFY(batch.isSynced());
        batch.discard(); // not committed: nothing of it happened
        QVERIFY(batch.take().isEmpty());
        QVERIFY(batch.advanceWatermarks().isEmpty());

        batch.touch(a);
        batch.touch(b);
        batch.forgetAll();
        QVERIFY(batch.advanceWatermarks().isEmpty());
    }

    void signalsKeepTheirOrder()
    {
        ChangeBatch batch(&m_store);
        batch.update(received(a, 1));
        batch.update(received(a, 2));
        batch.typing(a, QStringLiteral("bob"));
        batch.error(ChatSession::Error::ProtocolError, QStringLiteral("one"));
        batch.error(ChatSession::Error::RateLimited, QStringLiteral("two"));
        batch.conversationsChanged();
        const auto changes = batch.take();
        QCOMPARE(seqs(changes.updated), (QList<qint64>{1, 2}));
        QCOMPARE(changes.typing.size(), 1);
        QCOMPARE(changes.errors.size(), 2);
        QCOMPARE(changes.errors.at(0).first, ChatSession::Error::ProtocolError);
        QCOMPARE(changes.errors.at(1).second, QStringLiteral("two"));
        QVERIFY(changes.conversations);
        QVERIFY(!changes.synced);
    }
};

QTEST_GUILESS_MAIN(TestChangeBatch)
#include "tst_changebatch.moc"
