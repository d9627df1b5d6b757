// OutboxPacer: the window, the token bucket, the sending timeout and the pause after a transient
// refusal, all on an injected clock (every call takes the time), so nothing here waits.

#include "outboxpacer.h"

#include <QtTest>

using Tether::ChatSessionConfig;
using Tether::OutboxPacer;

namespace {

ChatSessionConfig config(int window, double rate, int burst, int timeoutMs = 1000, int pauseMs = 500)
{
    ChatSessionConfig c;
    c.sendWindow = window;
    c.sendRatePerSecond = rate;
    c.sendBurst = burst;
    c.sendingTimeoutMs = timeoutMs;
    c.rateLimitedRetryMs = pauseMs;
    return c;
}

QString id(int n) { return QStringLiteral("m%1").arg(n); }

} // namespace

class TestOutboxPacer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void windowBoundsWhatIsUnanswered()
    {
        OutboxPacer pacer(config(3, 0, 1)); // unpaced: only the window limits
        QCOMPARE(pacer.room(), 3);
        for (int i = 0; i < 3; ++i) {
            QVERIFY(pacer.mayWrite(0));
            pacer.written(id(i), 0);
        }
        QCOMPARE(pacer.room(), 0);
        QVERIFY(!pacer.mayWrite(0));
        QVERIFY(pacer.isInFlight(id(1)));
        pacer.answered(id(1));
        QVERIFY(!pacer.isInFlight(id(1)));
        QCOMPARE(pacer.room(), 1);
        QVERIFY(pacer.mayWrite(0));
        pacer.answered(QStringLiteral("never-written")); // a repeated ack changes nothing
        QCOMPARE(pacer.inFlightCount(), 2);
    }

    void windowOfZeroIsOne()
    {
        OutboxPacer pacer(config(0, 0, 1));
        QCOMPARE(pacer.window(), 1);
        QVERIFY(pacer.mayWrite(0));
    }

    void tokenBucketPacesWrites()
    {
        // 10 frames/s with a burst of 2: two at once, then one per 100 ms.
        OutboxPacer pacer(config(100, 10, 2));
        qint64 now = 1000;
        QVERIFY(pacer.mayWrite(now));
        pacer.written(id(1), now);
        QVERIFY(pacer.mayWrite(now));
        pacer.written(id(2), now);
        QVERIFY(!pacer.mayWrite(now));
        // Stopped with entries left: come back when the next token is there (100 ms, +1).
        const qint64 wait = pacer.nextFlushInMs(now, true);
        QVERIFY2(wait >= 100 && wait <= 102, qPrintable(QString::number(wait)));
        QVERIFY(!pacer.mayWrite(now + 50));
        QVERIFY(pacer.mayWrite(now + 100));
        pacer.written(id(3), now + 100);
        QVERIFY(!pacer.mayWrite(now + 100));
        // A long quiet time refills only up to the burst.
        now += 60000;
        int writes = 0;
        while (pacer.mayWrite(now) && writes < 10)
            pacer.written(id(100 + writes++), now);
        QCOMPARE(writes, 2);
    }

    void unpacedNeverRunsOutOfTokens()
    {
        OutboxPacer pacer(config(1000, 0, 1));
        for (int i = 0; i < 500; ++i) {
            QVERIFY(pacer.mayWrite(0));
            pacer.written(id(i), 0);
        }
        // Nothing to wait for but the answers.
        QCOMPARE(pacer.nextFlushInMs(0, true), qint64(1000 + 10));
    }

    void nextFlush()
    {
        OutboxPacer pacer(config(10, 0, 1, 2000));
        QCOMPARE(pacer.nextFlushInMs(0, false), qint64(-1)); // nothing in flight, nothing left
        pacer.written(id(1), 0);
        QCOMPARE(pacer.nextFlushInMs(0, false), qint64(2010)); // when its answer would time out
    }

    void silentTimeoutSendsAgain()
    {
        OutboxPacer pacer(config(10, 0, 1, 1000));
        pacer.setFullScanNeeded(false);
        pacer.written(id(1), 0);
        pacer.written(id(2), 600);
        QVERIFY(pacer.expire(1000).isEmpty()); // exactly the timeout is not over it
        QVERIFY(!pacer.fullScanNeeded());
        QCOMPARE(pacer.expire(1001), QStringList{id(1)});
        QVERIFY(!pacer.isInFlight(id(1)));
        QVERIFY(pacer.isInFlight(id(2)));
        // id(1) is still "sending" in the store but no longer in flight: read the whole outbox.
        QVERIFY(pacer.fullScanNeeded());
        QCOMPARE(pacer.expire(1601), QStringList{id(2)});
        QCOMPARE(pacer.inFlightCount(), 0);
    }

    void pauseAfterTransientRefusal()
    {
        OutboxPacer pacer(config(10, 0, 1, 1000, 500));
        QCOMPARE(pacer.pausedForMs(0), qint64(0));
        pacer.written(id(1), 100);
        pacer.answered(id(1));
        pacer.pause(100);
        QCOMPARE(pacer.pausedForMs(100), qint64(500));
        QCOMPARE(pacer.pausedForMs(400), qint64(200));
        QCOMPARE(pacer.pausedForMs(600), qint64(0));
        QCOMPARE(pacer.pausedForMs(5000), qint64(0));
    }

    void serverRetryAfterLengthensThePause()
    {
        OutboxPacer pacer(config(10, 0, 1, 1000, 500));
        pacer.pause(100, 2000); // the server asks for longer than our own pause
        QCOMPARE(pacer.pausedForMs(100), qint64(2000));
        pacer.pause(200, 50);   // shorter than our own pause, and than the one running: no change
        QCOMPARE(pacer.pausedForMs(200), qint64(1900));
        OutboxPacer capped(config(10, 0, 1, 1000, 500));
        capped.pause(0, 3600 * 1000); // a confused server cannot stall us for an hour
        QCOMPARE(capped.pausedForMs(0), qint64(60000));
    }

    void resetEmptiesTheWindow()
    {
        OutboxPacer pacer(config(2, 0, 1));
        pacer.setFullScanNeeded(false);
        pacer.written(id(1), 0);
        pacer.written(id(2), 0);
        pacer.reset();
        QCOMPARE(pacer.inFlightCount(), 0);
        QCOMPARE(pacer.room(), 2);
        QVERIFY(pacer.fullScanNeeded()); // entries may be "sending" in the store
    }

    void backwardsClockMintsNoTokens()
    {
        OutboxPacer pacer(config(100, 1, 1));
        QVERIFY(pacer.mayWrite(10000));
        pacer.written(id(1), 10000);
        QVERIFY(!pacer.mayWrite(5000));
        QVERIFY(!pacer.mayWrite(10500));
        QVERIFY(pacer.mayWrite(11000));
    }
};

QTEST_GUILESS_MAIN(TestOutboxPacer)
#include "tst_outboxpacer.moc"
