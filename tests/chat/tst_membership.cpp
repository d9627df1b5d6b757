// Membership on a real MessageStore: the welcome's list replaces what we held, joined/left frames
// (ours and others'), and join/leave requests that wait for the link and go out in order.

#include "changebatch.h"
#include "historysync.h"
#include "membership.h"
#include "messagestore.h"

#include "frametype.h"
#include "keys.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace Tether;

namespace {

Protocol::ConversationInfo info(const QString &id, qint64 lastSeq)
{
    Protocol::ConversationInfo c;
    c.id = id;
    c.title = id.toUpper();
    c.lastSeq = lastSeq;
    return c;
}

QStringList ids(const QList<Conversation> &conversations)
{
    QStringList result;
    for (const Conversation &c : conversations)
        result.append(c.id);
    return result;
}

} // namespace

class TestMembership : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    MessageStore m_store;
    std::unique_ptr<ChangeBatch> m_changes;
    std::unique_ptr<HistorySync> m_history;
    std::unique_ptr<Membership> m_membership;
    QList<QJsonObject> m_written;
    bool m_linkUp = true;

private Q_SLOTS:
    void init()
    {
        static int n = 0;
        QVERIFY(m_dir.isValid());
        QVERIFY(m_store.open(m_dir.filePath(QStringLiteral("m%1.sqlite").arg(++n))));
        m_written.clear();
        m_linkUp = true;
        m_changes = std::make_unique<ChangeBatch>(&m_store);
        m_history = std::make_unique<HistorySync>(&m_store, 100, [](const Protocol::HistoryRequestFrame &) { return true; });
        m_membership = std::make_unique<Membership>(&m_store, m_history.get(), m_changes.get(), [this](const QJsonObject &frame) {
            if (m_linkUp)
                m_written.append(frame);
            return m_linkUp;
        });
        m_membership->setUserId(QStringLiteral("me"));
    }

    void welcomeReplacesTheList()
    {
        ChatMessage m;
        m.conversation = QStringLiteral("old");
        m.seq = 1;
        m.id = QStringLiteral("x");
        m.timestamp = QDateTime::currentDateTimeUtc();
        QVERIFY(m_store.upsertConversation(QStringLiteral("old"), QString()));
        QCOMPARE(m_store.insertMessage(m, false), MessageStore::InsertResult::Inserted);
        QCOMPARE(m_membership->welcome({info(QStringLiteral("lobby"), 4), info(QStringLiteral("echo"), 0)}), 2);
        QCOMPARE(ids(m_store.conversations()), (QStringList{QStringLiteral("echo"), QStringLiteral("lobby")}));
        QCOMPARE(m_store.messageCount(QStringLiteral("old")), 0); // dropped with its messages
        QCOMPARE(m_store.conversation(QStringLiteral("lobby"))->title, QStringLiteral("LOBBY"));
        QCOMPARE(m_history->serverLastSeq(QStringLiteral("lobby")), qint64(4));
        QVERIFY(m_changes->take().conversations);
    }

    void joinedAndLeft()
    {
        Protocol::JoinedFrame joined;
        joined.conversation = info(QStringLiteral("room"), 7);
        joined.user = QStringLiteral("bob");
        m_membership->joined(joined); // someone else, in a conversation we are not in: not ours
        QVERIFY(!m_store.hasConversation(QStringLiteral("room")));
        QVERIFY(!m_changes->take().conversations);
        joined.user = QStringLiteral("me");
        m_membership->joined(joined);
        QVERIFY(m_store.hasConversation(QStringLiteral("room")));
        QCOMPARE(m_history->serverLastSeq(QStringLiteral("room")), qint64(7)); // its history will be fetched
        QVERIFY(m_changes->take().conversations);

        Protocol::LeftFrame left;
        left.conversation = QStringLiteral("room");
        left.user = QStringLiteral("bob");
        m_membership->left(left); // bob left: we stay
        QVERIFY(m_store.hasConversation(QStringLiteral("room")));
        left.user = QStringLiteral("me");
        m_membership->left(left);
        QVERIFY(!m_store.hasConversation(QStringLiteral("room")));
        QCOMPARE(m_history->serverLastSeq(QStringLiteral("room")), qint64(0));
    }

    void ensureAndDropAll()
    {
        m_membership->ensure(QStringLiteral("surprise"));
        QCOMPARE(m_store.conversation(QStringLiteral("surprise"))->title, QStringLiteral("surprise"));
        QVERIFY(m_changes->take().conversations);
        m_membership->ensure(QStringLiteral("surprise"));
        QVERIFY(!m_changes->take().conversations); // known: no change
        m_membership->dropAll();
        QVERIFY(m_store.conversations().isEmpty());
    }

    void requestsWaitAndKeepTheirOrder()
    {
        m_linkUp = false;
        m_membership->requestJoin(QStringLiteral("a"));
        m_membership->requestLeave(QStringLiteral("b"));
        m_membership->requestJoin(QStringLiteral("c"));
        m_membership->flushRequests();
        QVERIFY(m_written.isEmpty());
        QCOMPARE(m_membership->pendingRequests(), 3);
        m_linkUp = true;
        m_membership->flushRequests();
        QCOMPARE(m_membership->pendingRequests(), 0);
        QCOMPARE(m_written.size(), 3);
        const QStringList types{m_written.at(0).value(Protocol::Key::Type).toString(),
                                m_written.at(1).value(Protocol::Key::Type).toString(),
                                m_written.at(2).value(Protocol::Key::Type).toString()};
        QCOMPARE(types, (QStringList{QString(Protocol::FrameType::Join), QString(Protocol::FrameType::Leave),
                                     QString(Protocol::FrameType::Join)}));
        QCOMPARE(m_written.at(1).value(Protocol::Key::Conversation).toString(), QStringLiteral("b"));
        m_membership->flushRequests();
        QCOMPARE(m_written.size(), 3); // each once
    }
};

QTEST_GUILESS_MAIN(TestMembership)
#include "tst_membership.moc"
