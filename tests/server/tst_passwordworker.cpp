// PasswordWorker: hashes run off the calling thread and come back on it, the bound on pending
// hashes, and a context that is gone gets no call.

#include "passwordworker.h"

#include <QElapsedTimer>
#include <QTest>
#include <QThread>
#include <QTimer>

using namespace Tether;

class TestPasswordWorker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void verifiesOffThread();
    void eventLoopStaysResponsive();
    void boundedPending();
    void goneContext();
    void hashes();
};

void TestPasswordWorker::verifiesOffThread()
{
    PasswordWorker worker(0, 1);
    const PasswordHasher::Hash stored = PasswordHasher::hash(QStringLiteral("secret"), 2000);
    QObject context;
    int answers = 0;
    bool right = false, wrong = true;
    QThread *answeredOn = nullptr;
    QVERIFY(worker.verify(QStringLiteral("secret"), stored, &context, [&](bool ok) {
        right = ok;
        answeredOn = QThread::currentThread();
        ++answers;
    }));
    QVERIFY(worker.verify(QStringLiteral("Secret"), stored, &context, [&](bool ok) {
        wrong = ok;
        ++answers;
    }));
    QCOMPARE(answers, 0); // never synchronously
    QCOMPARE(worker.pending(), 2);
    QTRY_COMPARE(answers, 2);
    QVERIFY(right);
    QVERIFY(!wrong);
    QCOMPARE(answeredOn, QThread::currentThread());
    QCOMPARE(worker.pending(), 0);
}

// While slow hashes run, timers on this thread keep firing on time.
void TestPasswordWorker::eventLoopStaysResponsive()
{
    PasswordWorker worker(0, 1);
    const PasswordHasher::Hash stored = PasswordHasher::hash(QStringLiteral("pw"), 1000);
    PasswordHasher::Hash slow = stored;
    slow.iterations = 200000; // a few hundred ms each
    QObject context;
    int done = 0;
    for (int i = 0; i < 4; ++i)
        QVERIFY(worker.verify(QStringLiteral("nope"), slow, &context, [&](bool) { ++done; }));
    QElapsedTimer clock;
    clock.start();
    qint64 last = 0, worstGap = 0;
    QTimer tick;
    QObject::connect(&tick, &QTimer::timeout, &tick, [&] {
        const qint64 now = clock.elapsed();
        worstGap = qMax(worstGap, now - last);
        last = now;
    });
    tick.start(5);
    QTRY_VERIFY_WITH_TIMEOUT(done == 4, 60000);
    tick.stop();
    // Generous (a loaded, shared machine): a hash on this thread would block it for its full length.
    QVERIFY2(worstGap < 150, qPrintable(QStringLiteral("worst gap %1 ms").arg(worstGap)));
}

void TestPasswordWorker::boundedPending()
{
    PasswordWorker worker(3, 1);
    PasswordHasher::Hash slow = PasswordHasher::hash(QStringLiteral("pw"), 1000);
    slow.iterations = 50000;
    QObject context;
    int done = 0;
    for (int i = 0; i < 3; ++i)
        QVERIFY(worker.verify(QStringLiteral("x"), slow, &context, [&](bool) { ++done; }));
    QVERIFY(!worker.verify(QStringLiteral("x"), slow, &context, [&](bool) { ++done; })); // the 4th waits for room
    QTRY_COMPARE_WITH_TIMEOUT(done, 3, 60000);
    QVERIFY(worker.verify(QStringLiteral("x"), slow, &context, [&](bool) { ++done; }));
    QTRY_COMPARE_WITH_TIMEOUT(done, 4, 60000);
}

void TestPasswordWorker::goneContext()
{
    PasswordWorker worker(0, 1);
    const PasswordHasher::Hash stored = PasswordHasher::hash(QStringLiteral("pw"), 1000);
    auto context = std::make_unique<QObject>();
    bool called = false;
    QVERIFY(worker.verify(QStringLiteral("pw"), stored, context.get(), [&](bool) { called = true; }));
    context.reset();
    QTRY_COMPARE(worker.pending(), 0);
    QVERIFY(!called);
}

void TestPasswordWorker::hashes()
{
    PasswordWorker worker(0, 0);
    QObject context;
    PasswordHasher::Hash made;
    QVERIFY(worker.hash(QStringLiteral("pw"), 1234, &context, [&](const PasswordHasher::Hash &h) { made = h; }));
    QTRY_VERIFY(!made.key.isEmpty());
    QCOMPARE(made.iterations, 1234);
    QVERIFY(PasswordHasher::verify(QStringLiteral("pw"), made));
}

QTEST_GUILESS_MAIN(TestPasswordWorker)
#include "tst_passwordworker.moc"
