// Resume-from-sleep detection with injected clocks: only a forward jump of the wall clock beyond
// the monotonic clock counts.
#include "resumedetector.h"

#include <QSignalSpy>
#include <QTest>

using namespace Tether;

class TestResumeDetector : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void detectsJumps_data()
    {
        QTest::addColumn<qint64>("wallStep");
        QTest::addColumn<qint64>("monoStep");
        QTest::addColumn<bool>("resumed");
        QTest::newRow("both advance together") << qint64(5000) << qint64(5000) << false;
        QTest::newRow("small drift") << qint64(5500) << qint64(5000) << false;
        QTest::newRow("just under threshold") << qint64(14999) << qint64(5000) << false;
        QTest::newRow("at threshold") << qint64(15000) << qint64(5000) << true;
        QTest::newRow("slept an hour") << qint64(3600000 + 5000) << qint64(5000) << true;
        QTest::newRow("clock set back") << qint64(-3600000) << qint64(5000) << false;
        QTest::newRow("monotonic includes sleep") << qint64(60000) << qint64(60000) << false;
    }

    void detectsJumps()
    {
        QFETCH(qint64, wallStep);
        QFETCH(qint64, monoStep);
        QFETCH(bool, resumed);
        qint64 wall = 1'700'000'000'000;
        qint64 mono = 1000;
        ResumeDetector detector(nullptr, [&wall] { return wall; }, [&mono] { return mono; });
        detector.start(60000, 10000);
        QSignalSpy spy(&detector, &ResumeDetector::resumed);
        wall += wallStep;
        mono += monoStep;
        const qint64 gap = detector.check();
        QCOMPARE(gap, wallStep - monoStep);
        QCOMPARE(spy.size(), resumed ? 1 : 0);
        if (resumed)
            QCOMPARE(spy.at(0).at(0).toLongLong(), wallStep - monoStep);
        // The next check starts from the new readings: no repeated report.
        wall += 1000;
        mono += 1000;
        detector.check();
        QCOMPARE(spy.size(), resumed ? 1 : 0);
    }

    void timerDrivesChecks()
    {
        qint64 wall = 0;
        qint64 mono = 0;
        ResumeDetector detector(nullptr, [&wall] { return wall; }, [&mono] { return mono; });
        QSignalSpy spy(&detector, &ResumeDetector::resumed);
        detector.start(10, 1000);
        wall += 50000;
        QVERIFY(spy.wait(5000));
        detector.stop();
    }
};

QTEST_GUILESS_MAIN(TestResumeDetector)
#include "tst_resumedetector.moc"
