// PgChatStore against a real PostgreSQL 15 (PgRedisFixture): schema, seqs under concurrent
// writers, dedupe, membership, refresh tokens, the shared secret, and a redacted connection string.

#include "pgchatstore.h"
#include "pgredisfixture.h"

#include <QSet>
#include <QTest>
#include <QThread>

#include <atomic>

using Tether::PgChatStore;
using Tether::ServerStorage;

class TestPgChatStore : public QObject
{
    Q_OBJECT
private:
    PgRedisFixture m_fixture;
    int m_databases = 0;

    QString freshDatabase()
    {
        QString error;
        const QString conninfo = m_fixture.createDatabase(QStringLiteral("store%1").arg(++m_databases), &error);
        if (conninfo.isEmpty())
            qWarning().noquote() << error;
        return conninfo;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_fixture.start(&error), qPrintable(error));
    }

    void schemaAndSharedValues()
    {
        const QString conninfo = freshDatabase();
        QVERIFY(!conninfo.isEmpty());
        PgChatStore first;
        PgChatStore second;
        QString error;
        QVERIFY2(first.open(conninfo, &error), qPrintable(error));
        QVERIFY2(second.open(conninfo, &error), qPrintable(error)); // the schema is there: no-op
        QVERIFY(!first.epoch().isEmpty());
        QCOMPARE(second.epoch(), first.epoch());
        const QByteArray secret = first.sharedSecret(&error);
        QVERIFY2(secret.size() >= 32, qPrintable(error));
        QCOMPARE(second.sharedSecret(&error), secret);
        QVERIFY(first.healthProblem().isEmpty());
    }

    void seqsAndDedupe()
    {
        PgChatStore store;
        QString error;
        QVERIFY2(store.open(freshDatabase(), &error), qPrintable(error));
        QVERIFY(store.ensureConversation(QStringLiteral("c"), QStringLiteral("C"), true, &error));
        const QList<ServerStorage::NewMessage> batch = {
            { QStringLiteral("c"), QStringLiteral("id1"), QStringLiteral("ann"), QStringLiteral("one"), 1 },
            { QStringLiteral("c"), QStringLiteral("id2"), QStringLiteral("ann"), QStringLiteral("two"), 2 },
            { QStringLiteral("nope"), QStringLiteral("id3"), QStringLiteral("ann"), QStringLiteral("lost"), 3 },
            { QStringLiteral("c"), QStringLiteral("id1"), QStringLiteral("ann"), QStringLiteral("again"), 4 },
            { QStringLiteral("c"), QStringLiteral("id1"), QStringLiteral("bob"), QStringLiteral("bob's"), 5 },
        };
        const auto outcomes = store.appendMessages(batch, &error);
        QCOMPARE(outcomes.size(), 5);
        QCOMPARE(outcomes[0].result, ServerStorage::AppendResult::Stored);
        QCOMPARE(outcomes[0].message.seq, 1);
        QCOMPARE(outcomes[1].message.seq, 2);
        QCOMPARE(outcomes[2].result, ServerStorage::AppendResult::Failed); // alone: the others stand
        QCOMPARE(outcomes[3].result, ServerStorage::AppendResult::Duplicate);
        QCOMPARE(outcomes[3].message.text, QStringLiteral("one"));
        QCOMPARE(outcomes[3].message.seq, 1);
        QCOMPARE(outcomes[4].result, ServerStorage::AppendResult::Stored);
        QCOMPARE(outcomes[4].message.seq, 3); // the failed one took no seq
        QCOMPARE(store.conversation(QStringLiteral("c"))->lastSeq, 3);
        const auto all = store.messagesAfter(QStringLiteral("c"), 0);
        QCOMPARE(all.size(), 3);
        QCOMPARE(all.last().from, QStringLiteral("bob"));
        // U+0000, which PostgreSQL's text cannot hold, is stored as U+FFFD rather than refused forever.
        ServerStorage::Message stored;
        QCOMPARE(store.appendMessage(QStringLiteral("c"), QStringLiteral("nul"), QStringLiteral("ann"),
                                     QStringLiteral("a") + QChar(0) + QStringLiteral("b"), 6, &stored, &error),
                 ServerStorage::AppendResult::Stored);
        QCOMPARE(stored.text, QStringLiteral("a\uFFFDb"));
        const auto page = store.messagesAfter(QStringLiteral("c"), 1, 1);
        QCOMPARE(page.size(), 1);
        QCOMPARE(page.first().seq, 2);
    }

    // Writers on separate connections and threads: the row lock gives every message its own
    // seq, with neither gap nor duplicate.
    void concurrentWritersNoGaps()
    {
        const QString conninfo = freshDatabase();
        {
            PgChatStore setup;
            QString error;
            QVERIFY2(setup.open(conninfo, &error), qPrintable(error));
            QVERIFY(setup.ensureConversation(QStringLiteral("a"), QStringLiteral("A"), true, &error));
            QVERIFY(setup.ensureConversation(QStringLiteral("b"), QStringLiteral("B"), true, &error));
        }
        constexpr int kWriters = 4;
        constexpr int kBatches = 25;
        std::atomic<int> failures{ 0 };
        QList<QThread *> threads;
        for (int w = 0; w < kWriters; ++w) {
            threads.append(QThread::create([w, conninfo, &failures] {
                PgChatStore store;
                QString error;
                if (!store.open(conninfo, &error)) {
                    ++failures;
                    return;
                }
                for (int b = 0; b < kBatches; ++b) {
                    // Both conversations in every batch, in opposite orders by writer: lock order.
                    QList<ServerStorage::NewMessage> batch;
                    for (int i = 0; i < 4; ++i) {
                        const QString conversation = (i + w) % 2 ? QStringLiteral("a") : QStringLiteral("b");
                        batch.append({ conversation, QStringLiteral("w%1-%2-%3").arg(w).arg(b).arg(i),
                                       QStringLiteral("user%1").arg(w), QStringLiteral("x"), 0 });
                    }
                    for (const auto &o : store.appendMessages(batch, &error)) {
                        if (o.result != ServerStorage::AppendResult::Stored)
                            ++failures;
                    }
                }
            }));
        }
        for (QThread *t : threads)
            t->start();
        for (QThread *t : threads) {
            QVERIFY(t->wait(120000));
            delete t;
        }
        QCOMPARE(failures.load(), 0);
        PgChatStore check;
        QString error;
        QVERIFY2(check.open(conninfo, &error), qPrintable(error));
        for (const QString &conversation : { QStringLiteral("a"), QStringLiteral("b") }) {
            const auto messages = check.messagesAfter(conversation, 0);
            QCOMPARE(messages.size(), kWriters * kBatches * 2);
            for (int i = 0; i < messages.size(); ++i)
                QCOMPARE(messages[i].seq, qint64(i + 1));
            QCOMPARE(check.conversation(conversation)->lastSeq, qint64(messages.size()));
        }
    }

    void membershipAndUsers()
    {
        PgChatStore store;
        QString error;
        QVERIFY2(store.open(freshDatabase(), &error), qPrintable(error));
        Tether::PasswordHasher::Hash hash;
        hash.salt = QByteArray("\x00\x01salt", 6);
        hash.key = QByteArray("\xff\x00key", 5);
        hash.iterations = 7;
        QVERIFY(store.addUser(QStringLiteral("ann"), hash, &error));
        QVERIFY(!store.addUser(QStringLiteral("ann"), hash, &error));
        QVERIFY(error.contains(QStringLiteral("exists")));
        QVERIFY(store.hasUser(QStringLiteral("ann")));
        QCOMPARE(store.passwordHash(QStringLiteral("ann"))->salt, hash.salt);
        QCOMPARE(store.passwordHash(QStringLiteral("ann"))->key, hash.key);
        QCOMPARE(store.createConversation(QStringLiteral("p"), QStringLiteral("P"), QStringLiteral("ann"), &error),
                 ServerStorage::CreateResult::Created);
        QCOMPARE(store.createConversation(QStringLiteral("p"), QStringLiteral("P"), QStringLiteral("bob"), &error),
                 ServerStorage::CreateResult::Exists);
        QVERIFY(store.isMember(QStringLiteral("p"), QStringLiteral("ann")));
        QVERIFY(!store.isMember(QStringLiteral("p"), QStringLiteral("bob")));
        QVERIFY(store.addMember(QStringLiteral("p"), QStringLiteral("bob"), &error));
        QCOMPARE(store.members(QStringLiteral("p")).size(), 2);
        QVERIFY(store.removeMember(QStringLiteral("p"), QStringLiteral("bob"), &error));
        QVERIFY(store.ensureConversation(QStringLiteral("pub"), QStringLiteral("Pub"), true, &error));
        QCOMPARE(store.conversationsFor(QStringLiteral("bob")).size(), 1);
        QCOMPARE(store.conversationsFor(QStringLiteral("ann")).size(), 2);
        QVERIFY(store.setConversation(QStringLiteral("pub"), QStringLiteral("Renamed"), false, &error));
        QCOMPARE(store.conversation(QStringLiteral("pub"))->title, QStringLiteral("Renamed"));
        QVERIFY(!store.conversation(QStringLiteral("pub"))->isPublic);
    }

    void refreshTokens()
    {
        PgChatStore store;
        QString error;
        QVERIFY2(store.open(freshDatabase(), &error), qPrintable(error));
        QVERIFY(store.storeRefreshToken("h1", QStringLiteral("ann"), "h1", 1000));
        QVERIFY(store.rotateRefreshToken("h1", "h2", 10, 2000));
        QVERIFY(!store.rotateRefreshToken("h1", "h3", 11, 2000)); // not live any more
        QCOMPARE(store.refreshToken("h1")->rotatedAtMs, 10);
        QCOMPARE(store.refreshToken("h2")->family, QByteArray("h1"));
        QCOMPARE(store.refreshToken("h2")->rotatedAtMs, -1);
        QCOMPARE(store.purgeExpiredRefreshTokens(1500), 1);
        QCOMPARE(store.revokeRefreshFamily("h1"), 1);
        QVERIFY(!store.refreshToken("h2"));
    }

    void redactsThePassword()
    {
        const QString shown = PgChatStore::redacted(QStringLiteral("host=127.0.0.1 port=5 dbname=t user=u password='s3 cret'"));
        QVERIFY(!shown.contains(QStringLiteral("s3")));
        QVERIFY(shown.contains(QStringLiteral("password=***")));
        QVERIFY(shown.contains(QStringLiteral("user=u")));
        QVERIFY(!PgChatStore::redacted(QStringLiteral("password=x =broken")).contains(QLatin1Char('x')));
    }

    void failsClearlyWhenUnreachable()
    {
        PgChatStore store;
        QString error;
        QVERIFY(!store.open(QStringLiteral("host=127.0.0.1 port=%1 dbname=x user=tether password=hidden connect_timeout=2")
                                    .arg(PgRedisFixture::freePort()),
                            &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(!error.contains(QStringLiteral("hidden")));
    }
};

QTEST_GUILESS_MAIN(TestPgChatStore)
#include "tst_pgchatstore.moc"
