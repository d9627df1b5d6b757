#include "benchstats.h"

#include <QTest>

using namespace Tether::Bench;

class TestBenchStats : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void percentileNearestRank_data();
    void percentileNearestRank();
    void percentileEmpty();
    void meanAndMaximum();
    void bucketize();
    void bucketizeEdges();
    void uniformShares();
};

void TestBenchStats::percentileNearestRank_data()
{
    QTest::addColumn<QList<double>>("values");
    QTest::addColumn<double>("p");
    QTest::addColumn<double>("expected");
    const QList<double> hundred = [] {
        QList<double> v;
        for (int i = 100; i >= 1; --i) // unsorted on purpose
            v.append(i);
        return v;
    }();
    QTest::newRow("p50 of 1..100") << hundred << 50.0 << 50.0;
    QTest::newRow("p99 of 1..100") << hundred << 99.0 << 99.0;
    QTest::newRow("p100 of 1..100") << hundred << 100.0 << 100.0;
    QTest::newRow("p0 is the minimum") << hundred << 0.0 << 1.0;
    QTest::newRow("single") << QList<double>{7} << 99.0 << 7.0;
    QTest::newRow("p50 of 4") << QList<double>{4, 1, 3, 2} << 50.0 << 2.0;
    QTest::newRow("p75 of 4") << QList<double>{4, 1, 3, 2} << 75.0 << 3.0;
    QTest::newRow("p99 of 10 is the max") << QList<double>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10} << 99.0 << 10.0;
    QTest::newRow("out of range p clamps") << QList<double>{1, 2} << 250.0 << 2.0;
}

void TestBenchStats::percentileNearestRank()
{
    QFETCH(QList<double>, values);
    QFETCH(double, p);
    QFETCH(double, expected);
    QCOMPARE(percentile(values, p), expected);
}

void TestBenchStats::percentileEmpty()
{
    QCOMPARE(percentile({}, 50), 0.0);
}

void TestBenchStats::meanAndMaximum()
{
    QCOMPARE(mean({1, 2, 3, 6}), 3.0);
    QCOMPARE(maximum({1, 9, 3}), 9.0);
    QCOMPARE(mean({}), 0.0);
    QCOMPARE(maximum({}), 0.0);
}

void TestBenchStats::bucketize()
{
    const QList<int> counts = Tether::Bench::bucketize({0, 99, 100, 150, 199, 450}, 100);
    QCOMPARE(counts, (QList<int>{2, 3, 0, 0, 1}));
    QCOMPARE(peak(counts), 3);
}

void TestBenchStats::bucketizeEdges()
{
    QCOMPARE(Tether::Bench::bucketize({}, 100), QList<int>());
    QCOMPARE(Tether::Bench::bucketize({-50, 10}, 100), QList<int>{2});
    QCOMPARE(Tether::Bench::bucketize({10}, 0), QList<int>());
    QCOMPARE(peak({}), 0);
}

void TestBenchStats::uniformShares()
{
    QCOMPARE(uniformShare(100, 1000), 0.1);
    QCOMPARE(uniformShare(100, 5000), 0.02);
    QCOMPARE(uniformShare(100, 50), 1.0);
    QCOMPARE(uniformShare(100, 0), 1.0);
    QCOMPARE(shareOf(150, 1000), 0.15);
    QCOMPARE(shareOf(1, 0), 0.0);
    // 15% of clients in the peak bucket of a 1 s window is 1.5x the uniform 10%.
    QCOMPARE(peakOverUniform(150, 1000, 100, 1000), 1.5);
    // Everyone in one bucket: 10x uniform for a 1 s window.
    QCOMPARE(peakOverUniform(1000, 1000, 100, 1000), 10.0);
}

QTEST_GUILESS_MAIN(TestBenchStats)
#include "tst_benchstats.moc"
