// The shared token bucket with an injected monotonic clock.

#include "tokenbucket.h"

#include <QTest>

#include <cmath>

using namespace Tether::Protocol;

class TestProtocolTokenBucket : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void burstAndRefill();
    void injectedClock();
    void availableAndWait();
    void backwardsClock();
    void disabled();
};

void TestProtocolTokenBucket::burstAndRefill()
{
    TokenBucket bucket(10, 5); // 10/s, burst 5
    for (int i = 0; i < 5; ++i)
        QVERIFY(bucket.tryTake(1000));
    QVERIFY(!bucket.tryTake(1000));
    QVERIFY(!bucket.tryTake(1050));
    QCOMPARE(bucket.consecutiveRejections(), 2);
    QVERIFY(bucket.tryTake(1100)); // 100 ms at 10/s = one token
    QCOMPARE(bucket.consecutiveRejections(), 0);
    QVERIFY(!bucket.tryTake(1100));
    // A long pause refills only up to the burst.
    int taken = 0;
    for (int i = 0; i < 20; ++i)
        taken += bucket.tryTake(100000) ? 1 : 0;
    QCOMPARE(taken, 5);
}

void TestProtocolTokenBucket::injectedClock()
{
    qint64 now = 500;
    TokenBucket bucket(4, 2, [&now] { return now; }); // one token per 250 ms
    QVERIFY(bucket.tryTake());
    QVERIFY(bucket.tryTake());
    QVERIFY(!bucket.tryTake());
    now += 249;
    QVERIFY(!bucket.tryTake());
    now += 1;
    QVERIFY(bucket.tryTake());
    now += 10000;
    QCOMPARE(bucket.available(), 2.0);
}

void TestProtocolTokenBucket::availableAndWait()
{
    TokenBucket bucket(80, 1); // one token per 12.5 ms
    QCOMPARE(bucket.available(0), 1.0);
    QCOMPARE(bucket.msUntilAvailable(0), 0);
    QVERIFY(bucket.tryTake(0));
    QVERIFY(bucket.available(0) < 1.0);
    QCOMPARE(bucket.msUntilAvailable(0), 13); // 12.5 rounded up
    QCOMPARE(bucket.msUntilAvailable(10), 3);  // 2.5 rounded up
    QCOMPARE(bucket.msUntilAvailable(13), 0);
    QVERIFY(bucket.tryTake(13));
    // Looking does not take: available() twice gives the same.
    QCOMPARE(bucket.available(14), bucket.available(14));
    QVERIFY(bucket.burst() == 1.0 && bucket.ratePerSecond() == 80.0);
    // A burst below 1 would never allow anything: it is raised to 1.
    QCOMPARE(TokenBucket(5, 0.2).burst(), 1.0);
}

void TestProtocolTokenBucket::backwardsClock()
{
    TokenBucket bucket(10, 1);
    QVERIFY(bucket.tryTake(10000));
    QVERIFY(!bucket.tryTake(50)); // a clock going backwards never mints tokens
    QVERIFY(!bucket.tryTake(10050));
    QVERIFY(bucket.tryTake(10100));
}

void TestProtocolTokenBucket::disabled()
{
    TokenBucket bucket(0, 0);
    QVERIFY(!bucket.isEnabled());
    for (int i = 0; i < 10000; ++i)
        QVERIFY(bucket.tryTake(0));
    QVERIFY(std::isinf(bucket.available(0)));
    QCOMPARE(bucket.msUntilAvailable(0), 0);
    QCOMPARE(bucket.consecutiveRejections(), 0);
    // The default clock is monotonic and usable.
    TokenBucket realClock(1000, 3);
    QVERIFY(realClock.tryTake());
}

QTEST_APPLESS_MAIN(TestProtocolTokenBucket)
#include "tst_protocol_tokenbucket.moc"
