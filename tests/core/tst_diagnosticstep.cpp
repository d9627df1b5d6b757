// DiagnosticStep: one end per check, timeouts that cannot fire after it, and the context a check
// reads (target, options, title).
#include "diagnosticstep.h"

#include <QSignalSpy>
#include <QTest>

using namespace Tether;

class TestDiagnosticStep : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<Tether::DiagnosticCheck>(); }

    void context()
    {
        DiagnosticsOptions options;
        options.timeoutMs = 1234;
        DiagnosticStep step(QStringLiteral("tcp"), QUrl(QStringLiteral("wss://h.example/ws")), options);
        QCOMPARE(step.id(), QStringLiteral("tcp"));
        QCOMPARE(step.options().timeoutMs, 1234);
        QVERIFY(step.secure());
        QVERIFY(!DiagnosticStep(QStringLiteral("tcp"), QUrl(QStringLiteral("ws://h/ws")), options).secure());
        const DiagnosticCheck check = step.check();
        QCOMPARE(check.id, QStringLiteral("tcp"));
        QCOMPARE(check.title, QStringLiteral("TCP connect"));
        QVERIFY(step.elapsedMs() >= 0);
    }

    void finishesOnce()
    {
        DiagnosticStep step(QStringLiteral("dns"), QUrl(QStringLiteral("ws://h/ws")), DiagnosticsOptions());
        QSignalSpy finished(&step, &DiagnosticStep::finished);
        DiagnosticCheck first = step.check();
        first.status = DiagnosticCheck::Status::Failed;
        step.finish(first, QStringLiteral("skip the rest"));
        DiagnosticCheck second = step.check();
        second.status = DiagnosticCheck::Status::Passed;
        step.finish(second);
        QVERIFY(step.isFinished());
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.at(0).at(0).value<DiagnosticCheck>().status, DiagnosticCheck::Status::Failed);
        QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("skip the rest"));
    }

    void timeoutFiresUnlessFinished()
    {
        DiagnosticsOptions options;
        options.timeoutMs = 20;
        DiagnosticStep running(QStringLiteral("dns"), QUrl(QStringLiteral("ws://h/ws")), options);
        bool fired = false;
        running.onTimeout([&fired] { fired = true; });
        QTRY_VERIFY_WITH_TIMEOUT(fired, 5000);

        DiagnosticStep done(QStringLiteral("dns"), QUrl(QStringLiteral("ws://h/ws")), options);
        bool late = false;
        done.onTimeout([&late] { late = true; });
        done.finish(done.check());
        QTest::qWait(200);
        QVERIFY(!late);

        // A deleted step takes its timeout with it.
        bool orphan = false;
        auto *gone = new DiagnosticStep(QStringLiteral("dns"), QUrl(QStringLiteral("ws://h/ws")), options);
        gone->onTimeout([&orphan] { orphan = true; });
        delete gone;
        QTest::qWait(200);
        QVERIFY(!orphan);
    }
};

QTEST_GUILESS_MAIN(TestDiagnosticStep)
#include "tst_diagnosticstep.moc"
