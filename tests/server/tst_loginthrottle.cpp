// LoginThrottle: per address and per user name, charged on arrival, both buckets or neither, the
// wait until the next attempt, and a bounded table under a flood of made-up names.

#include "loginthrottle.h"

#include <QTest>

using namespace Tether;

class TestLoginThrottle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void perUserName();
    void perAddress();
    void refusedAttemptsChargeNothing();
    void off();
    void boundedUnderFlood();
};

void TestLoginThrottle::perUserName()
{
    LoginThrottle throttle(0, 6); // 6 a minute: one every 10 s, burst 6
    const QHostAddress a(QStringLiteral("192.0.2.1"));
    const QHostAddress b(QStringLiteral("192.0.2.2"));
    for (int i = 0; i < 6; ++i)
        QCOMPARE(throttle.admit(i % 2 ? a : b, QStringLiteral("alice"), 1000), 0);
    // From any address: the name is the key.
    const qint64 wait = throttle.admit(QHostAddress(QStringLiteral("192.0.2.3")), QStringLiteral("alice"), 1000);
    QVERIFY(wait > 9000 && wait <= 10000);
    QCOMPARE(throttle.admit(a, QStringLiteral("bob"), 1000), 0); // another name is not affected
    QCOMPARE(throttle.admit(a, QStringLiteral("alice"), 11000), 0); // a token back after 10 s
    QVERIFY(throttle.admit(a, QStringLiteral("alice"), 11000) > 0);
}

void TestLoginThrottle::perAddress()
{
    LoginThrottle throttle(3, 0); // 3 a minute per address
    const QHostAddress a(QStringLiteral("198.51.100.7"));
    QCOMPARE(throttle.admit(a, QStringLiteral("u1"), 0), 0);
    QCOMPARE(throttle.admit(a, QStringLiteral("u2"), 0), 0);
    QCOMPARE(throttle.admit(a, QString(), 0), 0); // registration counts against the address
    const qint64 wait = throttle.admit(a, QStringLiteral("u3"), 0);
    QVERIFY(wait > 19000 && wait <= 20000);
    QCOMPARE(throttle.admit(QHostAddress(QStringLiteral("::ffff:198.51.100.8")), QStringLiteral("u3"), 0), 0);
    QVERIFY(throttle.admit(QHostAddress(QStringLiteral("::ffff:198.51.100.7")), QStringLiteral("u3"), 0) > 0);
}

void TestLoginThrottle::refusedAttemptsChargeNothing()
{
    LoginThrottle throttle(2, 60);
    const QHostAddress a(QStringLiteral("203.0.113.1"));
    QCOMPARE(throttle.admit(a, QStringLiteral("x"), 0), 0);
    QCOMPARE(throttle.admit(a, QStringLiteral("x"), 0), 0);
    // The address is out; the attempts it makes now must not use up x's own bucket.
    for (int i = 0; i < 100; ++i)
        QVERIFY(throttle.admit(a, QStringLiteral("x"), 0) > 0);
    for (int i = 0; i < 58; ++i)
        QCOMPARE(throttle.admit(QHostAddress(quint32(0xC0000200 + i)), QStringLiteral("x"), 0), 0);
    QVERIFY(throttle.admit(QHostAddress(quint32(0xC0000300)), QStringLiteral("x"), 0) > 0);
}

void TestLoginThrottle::off()
{
    LoginThrottle throttle(0, 0);
    for (int i = 0; i < 10000; ++i)
        QCOMPARE(throttle.admit(QHostAddress::LocalHost, QStringLiteral("alice"), 0), 0);
    QCOMPARE(throttle.entries(), 0);
}

void TestLoginThrottle::boundedUnderFlood()
{
    LoginThrottle throttle(0, 10, 1000);
    const QHostAddress a(QStringLiteral("192.0.2.9"));
    int refused = 0;
    for (int i = 0; i < 50000; ++i) {
        if (throttle.admit(a, QStringLiteral("name-%1").arg(i), 0) > 0)
            ++refused;
        QVERIFY(throttle.entries() <= 1000);
    }
    QVERIFY(refused > 0); // the table is full of fresh buckets: new names wait
    // A minute later every bucket has refilled and is dropped: room again.
    QCOMPARE(throttle.admit(a, QStringLiteral("late"), 61000), 0);
    QVERIFY(throttle.entries() <= 2);
}

QTEST_GUILESS_MAIN(TestLoginThrottle)
#include "tst_loginthrottle.moc"
