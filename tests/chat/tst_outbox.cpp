// Outbox on a real MessageStore: queued entries written as send frames (in order, paced, marked
// sending), settled by acks and error answers, taken back when the link drops. The time is passed
// in, so nothing here waits.

#include "changebatch.h"
#include "messagestore.h"
#include "outbox.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace Tether;

class TestOutbox : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    MessageStore m_store;
    std::unique_ptr<ChangeBatch> m_changes;
    std::unique_ptr<Outbox> m_outbox;
    QList<Protocol::SendFrame> m_written;
    bool m_linkUp = true;
    const QString room = QStringLiteral("room");

    void make(ChatSessionConfig config)
    {
        m_changes = std::make_unique<ChangeBatch>(&m_store);
        m_outbox = std::make_unique<Outbox>(&m_store, m_changes.get(), config, [this](const Protocol::SendFrame &frame) {
            if (m_linkUp)
                m_written.append(frame);
            return m_linkUp;
        });
        m_outbox->setUserId(QStringLiteral("me"));
    }

    void enqueue(const QString &id)
    {
        MessageStore::OutboxEntry e;
        e.id = id;
        e.conversation = room;
        e.text = QStringLiteral("text of %1").arg(id);
        e.created = QDateTime::currentDateTimeUtc();
        QVERIFY(m_store.enqueue(e, 0));
    }

    QStringList writtenIds() const
    {
        QStringList ids;
        for (const auto &frame : m_written)
            ids.append(frame.id);
        return ids;
    }

    ChatMessage::Delivery state(const QString &id) const { return m_store.outboxEntry(id)->state; }

private Q_SLOTS:
    void init()
    {
        static int n = 0;
        QVERIFY(m_dir.isValid());
        QVERIFY(m_store.open(m_dir.filePath(QStringLiteral("o%1.sqlite").arg(++n))));
        QVERIFY(m_store.upsertConversation(room, QString()));
        m_written.clear();
        m_linkUp = true;
        ChatSessionConfig config;
        config.sendWindow = 3;
        config.sendRatePerSecond = 0;
        config.sendingTimeoutMs = 1000;
        config.rateLimitedRetryMs = 200;
        make(config);
    }

    void writesInOrderWithinTheWindow()
    {
        for (int i = 1; i <= 5; ++i)
            enqueue(QStringLiteral("m%1").arg(i));
        const qint64 next = m_outbox->flush(0);
        QCOMPARE(writtenIds(), (QStringList{QStringLiteral("m1"), QStringLiteral("m2"), QStringLiteral("m3")}));
        QCOMPARE(m_written.first().conversation, room);
        QCOMPARE(m_written.first().text, QStringLiteral("text of m1"));
        QCOMPARE(next, qint64(1010)); // nothing more until an answer or its timeout
        QCOMPARE(state(QStringLiteral("m1")), ChatMessage::Delivery::Sending);
        QCOMPARE(state(QStringLiteral("m4")), ChatMessage::Delivery::Queued);
        QCOMPARE(m_store.outboxEntry(QStringLiteral("m1"))->attempts, 1);
        const auto changes = m_changes->take();
        QCOMPARE(changes.updated.size(), 3);
        QCOMPARE(changes.updated.first().delivery, ChatMessage::Delivery::Sending);
        QCOMPARE(changes.updated.first().from, QStringLiteral("me"));

        // An ack frees a place in the window: the next entry goes.
        QVERIFY(m_outbox->acknowledge(QStringLiteral("m1"), room, 1, QDateTime::currentDateTimeUtc()));
        m_outbox->flush(10);
        QCOMPARE(writtenIds().last(), QStringLiteral("m4"));
        QVERIFY(!m_outbox->contains(QStringLiteral("m1")));
        QCOMPARE(m_store.outboxSize(), 4);
        QCOMPARE(m_store.messageCount(room), 1);
    }

    void acknowledgeOnce()
    {
        enqueue(QStringLiteral("x"));
        const auto entry = m_store.outboxEntry(QStringLiteral("x"));
        QVERIFY(entry);
        const QDateTime written = entry->created;
        m_outbox->flush(0);
        m_changes->take();
        const QDateTime ts = QDateTime::fromMSecsSinceEpoch(1700000000123, Qt::UTC);
        QVERIFY(m_outbox->acknowledge(QStringLiteral("x"), room, 7, ts));
        const auto changes = m_changes->take();
        QCOMPARE(changes.updated.size(), 1);
        QCOMPARE(changes.updated.first().delivery, ChatMessage::Delivery::Sent);
        QCOMPARE(changes.updated.first().seq, qint64(7));
        // Ours keeps the time it was written, not the server's (issue 14, finding 7).
        QCOMPARE(changes.updated.first().timestamp, written);
        QVERIFY(written != ts);
        const auto held = m_store.message(room, 7);
        QVERIFY(held);
        QCOMPARE(held->id, QStringLiteral("x"));
        QCOMPARE(held->timestamp, written);
        // The server's answer to a retry: already done, nothing happens.
        QVERIFY(!m_outbox->acknowledge(QStringLiteral("x"), room, 7, ts));
        QVERIFY(m_changes->take().isEmpty());
    }

    void ackForAnotherConversationFailsWithIdReused()
    {
        enqueue(QStringLiteral("x"));
        m_outbox->flush(0);
        m_changes->take();
        QVERIFY(m_outbox->contains(QStringLiteral("x"), room));
        QVERIFY(!m_outbox->contains(QStringLiteral("x"), QStringLiteral("elsewhere")));
        // An older server dedupes by id alone and confirms our message of another conversation.
        QVERIFY(!m_outbox->acknowledge(QStringLiteral("x"), QStringLiteral("elsewhere"), 3, QDateTime::currentDateTimeUtc()));
        QCOMPARE(state(QStringLiteral("x")), ChatMessage::Delivery::Failed);
        QCOMPARE(m_store.outboxEntry(QStringLiteral("x"))->errorCode, QStringLiteral("id_reused"));
        const auto changes = m_changes->take();
        QCOMPARE(changes.updated.last().delivery, ChatMessage::Delivery::Failed);
        QCOMPARE(changes.updated.last().errorCode, QStringLiteral("id_reused"));
        QVERIFY(!m_store.message(QStringLiteral("elsewhere"), 3));
        QCOMPARE(m_store.messageCount(room), 0);
        // An ack without a conversation (a server that does not name it) is still taken.
        enqueue(QStringLiteral("y"));
        m_outbox->flush(0);
        QVERIFY(m_outbox->acknowledge(QStringLiteral("y"), QString(), 1, QDateTime::currentDateTimeUtc()));
        QCOMPARE(m_store.messageCount(room), 1);
    }

    void idReusedAnswerFails()
    {
        enqueue(QStringLiteral("z"));
        m_outbox->flush(0);
        QVERIFY(m_outbox->refuse(QStringLiteral("z"), QStringLiteral("id_reused"), QStringLiteral("taken"), 10));
        QCOMPARE(state(QStringLiteral("z")), ChatMessage::Delivery::Failed);
        QCOMPARE(m_store.outboxEntry(QStringLiteral("z"))->errorCode, QStringLiteral("id_reused"));
        QCOMPARE(ChatSession::errorFromName(QStringLiteral("id_reused")), ChatSession::Error::IdReused);
        QCOMPARE(ChatSession::errorName(ChatSession::Error::IdReused), QStringLiteral("id_reused"));
    }

    void transientRefusalPausesAndRequeues()
    {
        enqueue(QStringLiteral("a"));
        enqueue(QStringLiteral("b"));
        m_outbox->flush(0);
        QCOMPARE(m_written.size(), 2);
        QVERIFY(m_outbox->refuse(QStringLiteral("a"), QStringLiteral("rate_limited"), QStringLiteral("slow down"), 50));
        QCOMPARE(state(QStringLiteral("a")), ChatMessage::Delivery::Queued);
        QCOMPARE(m_changes->take().updated.last().delivery, ChatMessage::Delivery::Queued);
        // Nothing is written during the pause; then "a" goes again, same id.
        QCOMPARE(m_outbox->flush(100), qint64(150));
        QCOMPARE(m_written.size(), 2);
        m_outbox->flush(250);
        QCOMPARE(writtenIds(), (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("a")}));
        QCOMPARE(m_store.outboxEntry(QStringLiteral("a"))->attempts, 2);
    }

    void otherRefusalFails()
    {
        enqueue(QStringLiteral("a"));
        m_outbox->flush(0);
        QVERIFY(m_outbox->refuse(QStringLiteral("a"), QStringLiteral("not_member"), QStringLiteral("no"), 10));
        QCOMPARE(state(QStringLiteral("a")), ChatMessage::Delivery::Failed);
        QCOMPARE(m_store.outboxEntry(QStringLiteral("a"))->errorCode, QStringLiteral("not_member"));
        QCOMPARE(m_changes->take().updated.last().errorCode, QStringLiteral("not_member"));
        m_outbox->flush(20);
        QCOMPARE(m_written.size(), 1); // failed entries wait for retry()
        QVERIFY(!m_outbox->refuse(QStringLiteral("unknown"), QStringLiteral("not_member"), QString(), 30));
    }

    void silentTimeoutWritesAgain()
    {
        enqueue(QStringLiteral("a"));
        m_outbox->flush(0);
        m_outbox->flush(500);
        QCOMPARE(m_written.size(), 1);
        m_outbox->flush(1001);
        QCOMPARE(writtenIds(), (QStringList{QStringLiteral("a"), QStringLiteral("a")}));
        QCOMPARE(state(QStringLiteral("a")), ChatMessage::Delivery::Sending);
    }

    void linkLossRequeues()
    {
        enqueue(QStringLiteral("a"));
        enqueue(QStringLiteral("b"));
        m_outbox->flush(0);
        m_changes->take();
        m_outbox->linkLost();
        QCOMPARE(state(QStringLiteral("a")), ChatMessage::Delivery::Queued);
        QCOMPARE(state(QStringLiteral("b")), ChatMessage::Delivery::Queued);
        QCOMPARE(m_changes->take().updated.size(), 2);
        // While the link is down nothing is written and nothing counts as in flight.
        m_linkUp = false;
        QCOMPARE(m_outbox->flush(10), qint64(-1));
        QCOMPARE(state(QStringLiteral("a")), ChatMessage::Delivery::Queued);
        m_linkUp = true;
        m_outbox->flush(20);
        QCOMPARE(m_written.size(), 4);
    }

    void pacedByTheTokenBucket()
    {
        ChatSessionConfig config;
        config.sendWindow = 100;
        config.sendRatePerSecond = 10;
        config.sendBurst = 2;
        make(config);
        for (int i = 0; i < 4; ++i)
            enqueue(QStringLiteral("p%1").arg(i));
        const qint64 next = m_outbox->flush(0);
        QCOMPARE(m_written.size(), 2);
        QVERIFY2(next >= 100 && next <= 102, qPrintable(QString::number(next)));
        m_outbox->flush(next);
        QCOMPARE(m_written.size(), 3);
    }

    void queueChecksAndKnowsIds()
    {
        ChatSessionConfig config;
        config.outboxLimit = 2;
        config.maxTextBytes = 10;
        make(config);
        ChatMessage queued;
        ChatSession::Error error = ChatSession::Error::NotOpen;
        QString message;
        auto queue = [&](const QString &id, const QString &conversation, const QString &text) {
            return m_outbox->queue(id, conversation, text, &queued, &error, &message);
        };
        using R = Outbox::QueueResult;
        QCOMPARE(queue(QStringLiteral("a"), QString(), QStringLiteral("x")), R::Refused);
        QCOMPARE(error, ChatSession::Error::InvalidArgument);
        QCOMPARE(queue(QStringLiteral("a"), room, QStringLiteral("  ")), R::Refused);
        QCOMPARE(queue(QStringLiteral("a"), room, QStringLiteral("more than ten bytes")), R::Refused);
        QVERIFY(message.contains(QLatin1String("10 bytes")));
        QCOMPARE(queue(QString(), room, QStringLiteral("x")), R::Refused);
        QCOMPARE(queue(QString(129, QLatin1Char('i')), room, QStringLiteral("x")), R::Refused);
        QCOMPARE(m_store.outboxSize(), 0);

        QCOMPARE(queue(QString(128, QLatin1Char('i')), room, QStringLiteral("x")), R::Queued);
        QCOMPARE(queued.delivery, ChatMessage::Delivery::Queued);
        QCOMPARE(queued.from, QStringLiteral("me"));
        QVERIFY(queued.outgoing);
        QCOMPARE(queue(QString(128, QLatin1Char('i')), room, QStringLiteral("x")), R::Known); // exactly once
        QCOMPARE(queue(QStringLiteral("b"), room, QStringLiteral("y")), R::Queued);
        QCOMPARE(queue(QStringLiteral("c"), room, QStringLiteral("z")), R::Refused);
        QCOMPARE(error, ChatSession::Error::OutboxFull);
        // Acknowledged ids stay known: a re-fed line after a restart is not sent twice.
        QVERIFY(m_outbox->acknowledge(QStringLiteral("b"), room, 1, QDateTime::currentDateTimeUtc()));
        QCOMPARE(queue(QStringLiteral("b"), room, QStringLiteral("y")), R::Known);
    }

    void retryAndDiscard()
    {
        enqueue(QStringLiteral("a"));
        enqueue(QStringLiteral("b"));
        QVERIFY(!m_outbox->retry(QStringLiteral("a"))); // queued, not failed
        m_outbox->flush(0);
        QVERIFY(!m_outbox->discard(QStringLiteral("a"))); // on the wire: the server may have it
        QVERIFY(m_outbox->refuse(QStringLiteral("a"), QStringLiteral("forbidden"), QString(), 1));
        const auto retried = m_outbox->retry(QStringLiteral("a"));
        QVERIFY(retried);
        QCOMPARE(retried->delivery, ChatMessage::Delivery::Queued);
        QVERIFY(retried->errorCode.isEmpty());
        QCOMPARE(m_store.outboxEntry(QStringLiteral("a"))->errorCode, QString());
        QVERIFY(m_outbox->refuse(QStringLiteral("b"), QStringLiteral("forbidden"), QString(), 1));
        QCOMPARE(m_outbox->discard(QStringLiteral("b")), std::optional<QString>(room));
        QVERIFY(!m_outbox->discard(QStringLiteral("b")));
        QCOMPARE(m_outbox->messages().size(), 1);
        QCOMPARE(m_outbox->messages().first().id, QStringLiteral("a"));
    }

    void anotherAccountsEntriesWaitForIt()
    {
        // Written under alice (the store's account), then a guest takes the store.
        m_outbox->setOwner(QStringLiteral("alice"));
        ChatMessage queued;
        ChatSession::Error error{};
        QString why;
        QCOMPARE(m_outbox->queue(QStringLiteral("a"), room, QStringLiteral("alice's"), &queued, &error, &why),
                 Outbox::QueueResult::Queued);
        QCOMPARE(m_store.outboxEntry(QStringLiteral("a"))->owner, QStringLiteral("alice"));
        enqueue(QStringLiteral("old")); // no owner yet (schema 1, or before any welcome): adopted
        QVERIFY(m_outbox->setOwner(QStringLiteral("(a guest)")));
        QCOMPARE(m_store.outboxEntry(QStringLiteral("old"))->owner, QStringLiteral("(a guest)"));
        QCOMPARE(m_outbox->queue(QStringLiteral("g"), room, QStringLiteral("guest's"), &queued, &error, &why),
                 Outbox::QueueResult::Queued);
        m_outbox->flush(0);
        QCOMPARE(writtenIds(), (QStringList{QStringLiteral("old"), QStringLiteral("g")}));
        // Neither sent nor failed: queued, as alice left it.
        QCOMPARE(state(QStringLiteral("a")), ChatMessage::Delivery::Queued);
        QVERIFY(m_store.outboxEntry(QStringLiteral("a"))->errorCode.isEmpty());
        m_outbox->linkLost();
        m_written.clear();
        m_outbox->flush(1);
        QCOMPARE(writtenIds(), (QStringList{QStringLiteral("old"), QStringLiteral("g")}));

        // Alice is back: hers go, the guest's wait.
        m_outbox->linkLost();
        m_written.clear();
        QVERIFY(m_outbox->setOwner(QStringLiteral("alice")));
        m_outbox->flush(2);
        QCOMPARE(writtenIds(), QStringList{QStringLiteral("a")});
        QVERIFY(m_outbox->acknowledge(QStringLiteral("a"), room, 1, QDateTime::currentDateTimeUtc()));
        m_outbox->flush(3);
        QCOMPARE(writtenIds(), QStringList{QStringLiteral("a")});
        QCOMPARE(state(QStringLiteral("g")), ChatMessage::Delivery::Queued);
    }
};

QTEST_GUILESS_MAIN(TestOutbox)
#include "tst_outbox.moc"
