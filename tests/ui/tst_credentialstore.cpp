// Refresh tokens: kept in memory when no keychain can be used, and the store says so.

#include "credentialstore.h"

#include <QSignalSpy>
#include <QTest>

using namespace Tether;

class TestCredentialStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void memoryOnlyKeepsTokensForTheSession()
    {
        CredentialStore store(QStringLiteral("org.tether.Tether.test"));
        QSignalSpy persistence(&store, &CredentialStore::persistenceChanged);
        store.setMemoryOnly(true);
        QVERIFY(!store.isPersistent());
        QVERIFY(!store.unavailableReason().isEmpty());
        QVERIFY(persistence.count() <= 1);

        const QString key = CredentialStore::key(QStringLiteral("http://127.0.0.1:1"), QStringLiteral("carol"));
        store.writeToken(key, QStringLiteral("refresh-1"));
        QString read = QStringLiteral("unset");
        store.readToken(key, [&](const QString &t) { read = t; });
        QCOMPARE(read, QStringLiteral("refresh-1"));
        store.writeToken(key, QStringLiteral("refresh-2")); // rotated
        store.readToken(key, [&](const QString &t) { read = t; });
        QCOMPARE(read, QStringLiteral("refresh-2"));
        store.removeToken(key);
        store.readToken(key, [&](const QString &t) { read = t; });
        QCOMPARE(read, QString());
    }

    // Whatever this machine offers, a probe ends with a definite answer, and an unusable keychain
    // leaves a reason to show.
    void probeGivesADefiniteAnswer()
    {
        CredentialStore store(QStringLiteral("org.tether.Tether.test"));
        bool answered = false;
        store.probe([&] { answered = true; });
        QTRY_VERIFY_WITH_TIMEOUT(answered, 30000);
        if (!store.isPersistent())
            QVERIFY(!store.unavailableReason().isEmpty());
    }
};

QTEST_MAIN(TestCredentialStore)
#include "tst_credentialstore.moc"
