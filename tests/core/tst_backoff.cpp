// Backoff: exponential growth, cap, jitter bounds and spread, attempt limits. Deterministic:
// the random source is injected.
#include "backoff.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Tether;

class TestBackoff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void baseDelay_data()
    {
        QTest::addColumn<int>("initial");
        QTest::addColumn<double>("multiplier");
        QTest::addColumn<int>("max");
        QTest::addColumn<int>("attempt");
        QTest::addColumn<int>("expected");
        // Defaults: 1 s, x2, 30 s cap.
        QTest::newRow("default #1") << 1000 << 2.0 << 30000 << 1 << 1000;
        QTest::newRow("default #2") << 1000 << 2.0 << 30000 << 2 << 2000;
        QTest::newRow("default #3") << 1000 << 2.0 << 30000 << 3 << 4000;
        QTest::newRow("default #5") << 1000 << 2.0 << 30000 << 5 << 16000;
        QTest::newRow("default #6 capped") << 1000 << 2.0 << 30000 << 6 << 30000;
        QTest::newRow("default #1000 no overflow") << 1000 << 2.0 << 30000 << 1000 << 30000;
        QTest::newRow("attempt 0 treated as first") << 1000 << 2.0 << 30000 << 0 << 1000;
        QTest::newRow("negative attempt") << 1000 << 2.0 << 30000 << -5 << 1000;
        QTest::newRow("x1.5 #3") << 100 << 1.5 << 10000 << 3 << 225;
        QTest::newRow("x1 constant") << 250 << 1.0 << 10000 << 40 << 250;
        QTest::newRow("multiplier below 1 is 1") << 250 << 0.5 << 10000 << 4 << 250;
        QTest::newRow("cap below initial is initial") << 500 << 2.0 << 100 << 3 << 500;
        QTest::newRow("zero initial") << 0 << 2.0 << 1000 << 7 << 0;
    }

    void baseDelay()
    {
        QFETCH(int, initial);
        QFETCH(double, multiplier);
        QFETCH(int, max);
        QFETCH(int, attempt);
        QFETCH(int, expected);
        BackoffPolicy policy;
        policy.initialMs = initial;
        policy.multiplier = multiplier;
        policy.maxMs = max;
        policy.jitter = BackoffPolicy::Jitter::None;
        const Backoff backoff(policy, [] { return 0.5; });
        QCOMPARE(backoff.baseDelayMs(attempt), expected);
        QCOMPARE(backoff.delayMs(attempt), expected); // no jitter: the delay is the base
    }

    void jitterBounds_data()
    {
        QTest::addColumn<int>("jitter");
        QTest::addColumn<double>("random");
        QTest::addColumn<int>("expected"); // for base 8000 (attempt 4 with defaults)
        QTest::newRow("full r=0") << int(BackoffPolicy::Jitter::Full) << 0.0 << 0;
        QTest::newRow("full r=0.25") << int(BackoffPolicy::Jitter::Full) << 0.25 << 2000;
        QTest::newRow("full r=0.999") << int(BackoffPolicy::Jitter::Full) << 0.999 << 7992;
        QTest::newRow("equal r=0") << int(BackoffPolicy::Jitter::Equal) << 0.0 << 4000;
        QTest::newRow("equal r=0.5") << int(BackoffPolicy::Jitter::Equal) << 0.5 << 6000;
        QTest::newRow("equal r=0.999") << int(BackoffPolicy::Jitter::Equal) << 0.999 << 7996;
        QTest::newRow("none ignores r") << int(BackoffPolicy::Jitter::None) << 0.1 << 8000;
        QTest::newRow("full r<0 clamped") << int(BackoffPolicy::Jitter::Full) << -3.0 << 0;
        QTest::newRow("full r>1 clamped") << int(BackoffPolicy::Jitter::Full) << 7.0 << 8000;
        QTest::newRow("equal r>1 clamped") << int(BackoffPolicy::Jitter::Equal) << 2.0 << 8000;
    }

    void jitterBounds()
    {
        QFETCH(int, jitter);
        QFETCH(double, random);
        QFETCH(int, expected);
        BackoffPolicy policy;
        policy.jitter = BackoffPolicy::Jitter(jitter);
        const Backoff backoff(policy, [random] { return random; });
        QCOMPARE(backoff.baseDelayMs(4), 8000);
        QCOMPARE(backoff.delayMs(4), expected);
    }

    void jitterSpread_data()
    {
        QTest::addColumn<int>("jitter");
        QTest::addColumn<double>("low");  // fraction of base
        QTest::addColumn<double>("high");
        QTest::newRow("full") << int(BackoffPolicy::Jitter::Full) << 0.0 << 1.0;
        QTest::newRow("equal") << int(BackoffPolicy::Jitter::Equal) << 0.5 << 1.0;
    }

    // Over many draws from a seeded generator the delays cover their whole range evenly:
    // that evenness is what keeps a thousand clients from reconnecting in the same instant.
    void jitterSpread()
    {
        QFETCH(int, jitter);
        QFETCH(double, low);
        QFETCH(double, high);
        QRandomGenerator generator(20261121);
        BackoffPolicy policy;
        policy.jitter = BackoffPolicy::Jitter(jitter);
        const Backoff backoff(policy, [&generator] { return generator.generateDouble(); });
        const int base = backoff.baseDelayMs(3);
        constexpr int samples = 20000;
        constexpr int bins = 10;
        int histogram[bins] = {};
        double sum = 0;
        for (int i = 0; i < samples; ++i) {
            const int delay = backoff.delayMs(3);
            QVERIFY2(delay >= int(low * base) && delay <= int(high * base), qPrintable(QString::number(delay)));
            sum += delay;
            const double position = (delay - low * base) / ((high - low) * base);
            ++histogram[std::min(bins - 1, int(position * bins))];
        }
        const double mean = sum / samples;
        QVERIFY2(qAbs(mean - (low + high) / 2 * base) < 0.02 * base, qPrintable(QString::number(mean)));
        for (int count : histogram) // each tenth of the range within 15% of its fair share
            QVERIFY2(qAbs(count - samples / bins) < 0.15 * samples / bins, qPrintable(QString::number(count)));
    }

    void maxAttempts_data()
    {
        QTest::addColumn<int>("maxAttempts");
        QTest::addColumn<int>("attempt");
        QTest::addColumn<bool>("allowed");
        QTest::newRow("unlimited #1") << 0 << 1 << true;
        QTest::newRow("unlimited #1000000") << 0 << 1000000 << true;
        QTest::newRow("3 allows #3") << 3 << 3 << true;
        QTest::newRow("3 refuses #4") << 3 << 4 << false;
        QTest::newRow("1 allows #1") << 1 << 1 << true;
        QTest::newRow("1 refuses #2") << 1 << 2 << false;
        QTest::newRow("negative is unlimited") << -2 << 50 << true;
    }

    void maxAttempts()
    {
        QFETCH(int, maxAttempts);
        QFETCH(int, attempt);
        QFETCH(bool, allowed);
        BackoffPolicy policy;
        policy.maxAttempts = maxAttempts;
        QCOMPARE(Backoff(policy).allowsAttempt(attempt), allowed);
    }

    void defaultRandomSourceStaysInRange()
    {
        const Backoff backoff; // defaults: full jitter, real random source
        for (int attempt = 1; attempt < 12; ++attempt) {
            const int delay = backoff.delayMs(attempt);
            QVERIFY(delay >= 0);
            QVERIFY(delay <= backoff.baseDelayMs(attempt));
        }
        QCOMPARE(backoff.policy().jitter, BackoffPolicy::Jitter::Full);
        QCOMPARE(backoff.policy().maxAttempts, 0);
    }
};

QTEST_GUILESS_MAIN(TestBackoff)
#include "tst_backoff.moc"
