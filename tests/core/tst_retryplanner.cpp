// RetryPlanner: the down clock, the cap by a fraction of the time spent down, the uncapped first
// wait, jitter kept, and the wasted time it gives after outages. Clock and random source injected.
#include "retryplanner.h"

#include <QTest>

#include <climits>
#include <random>

using namespace Tether;

namespace {
struct FakeClock
{
    qint64 now = 1000;
};

BackoffPolicy policy(double fraction = 0.25, BackoffPolicy::Jitter jitter = BackoffPolicy::Jitter::Full)
{
    BackoffPolicy p;
    p.initialMs = 1000;
    p.multiplier = 2.0;
    p.maxMs = 30000;
    p.jitter = jitter;
    p.downFraction = fraction;
    return p;
}
} // namespace

class TestRetryPlanner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void downClock()
    {
        FakeClock clock;
        RetryPlanner planner(policy(), [] { return 0.5; }, [&] { return clock.now; });
        QVERIFY(!planner.isDown());
        QCOMPARE(planner.downForMs(), 0);
        QCOMPARE(planner.capMs(), INT_MAX);
        planner.linkLost();
        QVERIFY(planner.isDown());
        clock.now += 4000;
        QCOMPARE(planner.downForMs(), 4000);
        planner.linkLost(); // idempotent: keeps the first loss
        clock.now += 1000;
        QCOMPARE(planner.downForMs(), 5000);
        planner.reset();
        QVERIFY(!planner.isDown());
        QCOMPARE(planner.downForMs(), 0);
        planner.linkLost();
        QCOMPARE(planner.downForMs(), 0);
        clock.now -= 500; // a clock stepping back never gives a negative down time
        QCOMPARE(planner.downForMs(), 0);
    }

    void cap_data()
    {
        QTest::addColumn<double>("fraction");
        QTest::addColumn<qint64>("downMs");
        QTest::addColumn<int>("expected");
        QTest::newRow("just lost: floor initial/10") << 0.25 << qint64(0) << 100;
        QTest::newRow("under the floor") << 0.25 << qint64(399) << 100;
        QTest::newRow("at the floor") << 0.25 << qint64(400) << 100;
        QTest::newRow("quarter of 4 s") << 0.25 << qint64(4000) << 1000;
        QTest::newRow("quarter of 60 s") << 0.25 << qint64(60000) << 15000;
        QTest::newRow("half of 10 s") << 0.5 << qint64(10000) << 5000;
        QTest::newRow("fraction over 1 is 1") << 7.0 << qint64(3000) << 3000;
        QTest::newRow("off") << 0.0 << qint64(60000) << INT_MAX;
        QTest::newRow("negative is off") << -1.0 << qint64(60000) << INT_MAX;
        QTest::newRow("NaN is off") << std::nan("") << qint64(60000) << INT_MAX;
        QTest::newRow("days down: no overflow") << 1.0 << qint64(1) << 100;
        QTest::newRow("years down: clamped") << 1.0 << (qint64(1) << 40) << INT_MAX;
    }

    void cap()
    {
        QFETCH(double, fraction);
        QFETCH(qint64, downMs);
        QFETCH(int, expected);
        FakeClock clock;
        RetryPlanner planner(policy(fraction), [] { return 0.5; }, [&] { return clock.now; });
        planner.linkLost();
        clock.now += downMs;
        QCOMPARE(planner.capMs(), expected);
    }

    // Every attempt, down time and random draw: the wait is within [0, min(base, cap)] (first
    // wait: [0, base]), and with no jitter it is exactly that bound.
    void exhaustiveBounds()
    {
        for (auto jitter : { BackoffPolicy::Jitter::None, BackoffPolicy::Jitter::Equal, BackoffPolicy::Jitter::Full }) {
            for (double r : { 0.0, 0.1, 0.5, 0.999, 1.0, -3.0, 42.0 }) {
                FakeClock clock;
                RetryPlanner planner(policy(0.25, jitter), [r] { return r; }, [&] { return clock.now; });
                planner.linkLost();
                const qint64 start = clock.now;
                for (qint64 down : { 0, 1, 399, 400, 401, 1000, 4000, 9999, 40000, 119999, 120000, 10000000 }) {
                    clock.now = start + down;
                    for (int attempt = 1; attempt <= 12; ++attempt) {
                        const int base = planner.backoff().baseDelayMs(attempt);
                        const int bound = attempt == 1 ? base : std::min<int>(base, std::max<qint64>(100, down / 4));
                        const int least = attempt == 1 ? 0 : std::min(bound, 250); // no burst of attempts
                        const int d = planner.delayMs(attempt);
                        QVERIFY2(d >= least && d <= bound,
                                 qPrintable(QStringLiteral("attempt %1 down %2 r %3: %4 not in [0, %5]")
                                                .arg(attempt).arg(down).arg(r).arg(d).arg(bound)));
                        if (jitter == BackoffPolicy::Jitter::None)
                            QCOMPARE(d, bound);
                        if (jitter == BackoffPolicy::Jitter::Equal)
                            QVERIFY(d >= bound / 2);
                    }
                }
            }
        }
    }

    void jitterKept()
    {
        // Same down time, different draws: different waits spread over the whole capped window.
        FakeClock clock;
        double r = 0.0;
        RetryPlanner planner(policy(), [&] { return r; }, [&] { return clock.now; });
        planner.linkLost();
        clock.now += 20000; // cap 5 s, base of attempt 4 is 8 s
        r = 0.0;
        QCOMPARE(planner.delayMs(4), 250); // initialMs / 4: never a burst
        r = 0.1;
        QCOMPARE(planner.delayMs(4), 500);
        r = 0.5;
        QCOMPARE(planner.delayMs(4), 2500);
        r = 0.999;
        QCOMPARE(planner.delayMs(4), 4995);
    }

    void notDownIsPlainBackoff()
    {
        FakeClock clock;
        RetryPlanner planner(policy(0.25, BackoffPolicy::Jitter::None), [] { return 0.5; }, [&] { return clock.now; });
        for (int attempt = 1; attempt <= 8; ++attempt)
            QCOMPARE(planner.delayMs(attempt), planner.backoff().baseDelayMs(attempt));
    }

    void capOffIsPlainBackoff()
    {
        FakeClock clock;
        RetryPlanner planner(policy(0.0, BackoffPolicy::Jitter::None), [] { return 0.5; }, [&] { return clock.now; });
        planner.linkLost();
        clock.now += 2000;
        for (int attempt = 1; attempt <= 8; ++attempt)
            QCOMPARE(planner.delayMs(attempt), planner.backoff().baseDelayMs(attempt));
    }

    // Simulated outages with a seeded random source and a fake clock: attempts fail instantly until
    // the server is back; the wasted time (first attempt after it is back, minus the outage) has a
    // mean well within 25 % of the outage, where the plain backoff wastes far more.
    void wastedTime_data()
    {
        QTest::addColumn<qint64>("outageMs");
        QTest::addColumn<double>("fraction");
        QTest::addColumn<double>("maxMeanShare");
        QTest::addColumn<double>("minMeanShare");
        const double byDefault = BackoffPolicy().downFraction;
        for (qint64 outage : { 1000, 5000, 15000, 60000 }) {
            QTest::addRow("%lld ms, capped at a quarter", outage) << outage << 0.25 << 0.25 << 0.0;
            QTest::addRow("%lld ms, default cap", outage) << outage << byDefault << 0.25 << 0.0;
        }
        // Plain backoff (cap off) at 15 s wastes more than the target: the test can fail.
        QTest::addRow("15000 ms, plain") << qint64(15000) << 0.0 << 10.0 << 0.25;
    }

    void wastedTime()
    {
        QFETCH(qint64, outageMs);
        QFETCH(double, fraction);
        QFETCH(double, maxMeanShare);
        QFETCH(double, minMeanShare);
        std::mt19937_64 engine(20261130);
        std::uniform_real_distribution<double> uniform(0.0, 1.0);
        FakeClock clock;
        RetryPlanner planner(policy(fraction), [&] { return uniform(engine); }, [&] { return clock.now; });
        const int runs = 2000;
        double wastedSum = 0;
        for (int run = 0; run < runs; ++run) {
            planner.reset();
            const qint64 lostAt = clock.now;
            planner.linkLost();
            int attempt = 0;
            while (true) {
                clock.now += planner.delayMs(std::max(1, attempt)) + 1;
                ++attempt;
                if (clock.now - lostAt >= outageMs)
                    break;
            }
            wastedSum += double(clock.now - lostAt - outageMs);
            clock.now += 100000;
        }
        const double share = wastedSum / runs / double(outageMs);
        qInfo("outage %lld ms, fraction %.2f: mean wasted %.1f %% of the outage", outageMs, fraction, 100 * share);
        QVERIFY2(share <= maxMeanShare, qPrintable(QString::number(share)));
        QVERIFY2(share >= minMeanShare, qPrintable(QString::number(share)));
    }

    // The faster return must not become a storm of its own: during a minute's outage the default
    // policy makes a few dozen attempts, not one every few hundred ms (a quarter with no least
    // wait made 44 on average here, and a user saw "attempt 13" 1.5 s into an outage).
    void attemptsStayFew()
    {
        std::mt19937_64 engine(20261130);
        std::uniform_real_distribution<double> uniform(0.0, 1.0);
        FakeClock clock;
        RetryPlanner planner(BackoffPolicy(), [&] { return uniform(engine); }, [&] { return clock.now; });
        const int runs = 2000;
        double inMinute = 0;
        double inFirstSeconds = 0;
        for (int run = 0; run < runs; ++run) {
            planner.reset();
            const qint64 lostAt = clock.now;
            planner.linkLost();
            for (int attempt = 1; clock.now - lostAt < 60000; ++attempt) {
                clock.now += planner.delayMs(attempt) + 1;
                inMinute += 1;
                if (clock.now - lostAt <= 1500)
                    inFirstSeconds += 1;
            }
            clock.now += 100000;
        }
        qInfo("default policy: %.1f attempts in a 60 s outage, %.1f in its first 1.5 s", inMinute / runs,
              inFirstSeconds / runs);
        QVERIFY2(inMinute / runs <= 32, qPrintable(QString::number(inMinute / runs)));
        QVERIFY2(inFirstSeconds / runs <= 6, qPrintable(QString::number(inFirstSeconds / runs)));
    }
};

QTEST_APPLESS_MAIN(TestRetryPlanner)
#include "tst_retryplanner.moc"
