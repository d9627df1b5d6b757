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
    // 20 per second (one token per 50 ms), burst 3, as a script of (clock, take succeeds).
    const QList<QPair<qint64, bool>> script = {
        { 0, true }, { 0, true }, { 0, true }, { 0, false }, // the burst, then empty
        { 49, false }, { 50, true }, { 50, false },           // one token per 50 ms
        { 60000, true }, { 60000, true }, { 60000, true },    // a long pause refills the burst only
        { 60000, false },
    };
    TokenBucket bucket(20, 3);
    int refusedInARow = 0;
    for (const auto &[nowMs, expected] : script) {
        QCOMPARE(bucket.tryTake(nowMs), expected);
        refusedInARow = expected ? 0 : refusedInARow + 1;
        QCOMPARE(bucket.consecutiveRejections(), refusedInARow);
    }
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
