// ChatAccount on a real MessageStore: the user is kept across runs, another account is noticed,
// guests count as one account, and the guest key is made once.

#include "chataccount.h"
#include "messagestore.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace Tether;

class TestChatAccount : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const QString &name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void userIsKeptAcrossRuns()
    {
        const QString file = path(QStringLiteral("kept.sqlite"));
        {
            MessageStore store;
            QVERIFY(store.open(file));
            ChatAccount account(&store);
            account.load();
            QVERIFY(account.userId().isEmpty());
            QVERIFY(!account.welcome(QStringLiteral("alice"), QStringLiteral("Alice"), false)); // the first: no change
            QCOMPARE(account.userId(), QStringLiteral("alice"));
            QCOMPARE(account.displayName(), QStringLiteral("Alice"));
            QCOMPARE(account.welcomes(), 1);
            QVERIFY(!account.welcome(QStringLiteral("alice"), QStringLiteral("Alice"), false)); // a reconnect
            QCOMPARE(account.welcomes(), 2);
        }
        MessageStore store;
        QVERIFY(store.open(file));
        ChatAccount again(&store);
        again.load();
        QCOMPARE(again.userId(), QStringLiteral("alice"));
        QCOMPARE(again.displayName(), QStringLiteral("Alice"));
        QCOMPARE(again.welcomes(), 0);
        QVERIFY(again.welcome(QStringLiteral("bob"), QString(), false)); // another account on this store
        QCOMPARE(again.displayName(), QStringLiteral("bob"));            // no name: the id
    }

    void guestsAreOneAccount()
    {
        MessageStore store;
        QVERIFY(store.open(path(QStringLiteral("guest.sqlite"))));
        ChatAccount account(&store);
        QVERIFY(!account.welcome(QStringLiteral("guest-1"), QString(), true));
        QVERIFY(!account.welcome(QStringLiteral("guest-2"), QString(), true)); // a new connection, a new id
        QVERIFY(account.welcome(QStringLiteral("alice"), QString(), false));   // signing in is another account
        QVERIFY(account.welcome(QStringLiteral("guest-3"), QString(), true));  // and so is leaving it
    }

    void selfAndMaybeSelf()
    {
        MessageStore store;
        QVERIFY(store.open(path(QStringLiteral("self.sqlite"))));
        ChatAccount account(&store);
        QVERIFY(!account.isSelf(QString())); // no user yet: nothing is ours by name
        QVERIFY(!account.mayBeSelf(QStringLiteral("guest-9")));
        account.welcome(QStringLiteral("alice"), QString(), false);
        QVERIFY(account.isSelf(QStringLiteral("alice")));
        QVERIFY(!account.isSelf(QStringLiteral("bob")));
        QVERIFY(!account.mayBeSelf(QStringLiteral("guest-9"))); // not a guest: only our own id
        account.welcome(QStringLiteral("guest-1"), QString(), true);
        QVERIFY(account.isSelf(QStringLiteral("guest-1")));
        QVERIFY(!account.isSelf(QStringLiteral("guest-0")));
        QVERIFY(account.mayBeSelf(QStringLiteral("guest-0"))); // an earlier connection of ours, maybe
        QVERIFY(!account.mayBeSelf(QStringLiteral("bob")));
    }

    void guestKeyIsMadeOnce()
    {
        const QString file = path(QStringLiteral("key.sqlite"));
        QString key;
        {
            MessageStore store;
            QVERIFY(store.open(file));
            ChatAccount account(&store);
            key = account.guestKey();
            QVERIFY(key.size() >= 16 && key.size() <= 128);
            QCOMPARE(account.guestKey(), key);
        }
        MessageStore store;
        QVERIFY(store.open(file));
        QCOMPARE(ChatAccount(&store).guestKey(), key);
        MessageStore other;
        QVERIFY(other.open(path(QStringLiteral("other-key.sqlite"))));
        QVERIFY(ChatAccount(&other).guestKey() != key);
    }
};

QTEST_GUILESS_MAIN(TestChatAccount)
#include "tst_chataccount.moc"
