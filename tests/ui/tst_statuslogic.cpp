// StatusLogic: every rule of the one connection story (banner, indicator, tray), driven by a fake
// clock: blips and launch grace, a dead link said at once, the progress of each attempt, refusals,
// server restarts, and what came of "Retry now".

#include "statuslogic.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Tether;
using H = StatusLogic::Headline;
using P = StatusLogic::Progress;
using C = StatusLogic::Cause;
using A = StatusLogic::Action;
using R = StatusLogic::RetryOutcome;
using S = ConnectionState;

class TestStatusLogic : public QObject
{
    Q_OBJECT

private:
    qint64 m_now = 0;
    StatusLogic make(const StatusLogic::Timing &t = {})
    {
        m_now = 100000; // the clock does not start at 0 in real life
        return StatusLogic([this] { return m_now; }, t);
    }
    // Connected for a while, as if the app had been running.
    StatusLogic connected()
    {
        StatusLogic l = make();
        l.setState(S::Connecting, 1);
        m_now += 200;
        l.setState(S::Connected);
        m_now += 60000;
        return l;
    }
    // What ConnectionManager reports when a connection dies and the next attempt is scheduled.
    static void dropped(StatusLogic &l, int attempt, int delayMs)
    {
        l.closed(1006);
        l.scheduleRetry(attempt, delayMs);
        l.setState(S::Reconnecting, attempt);
    }

private Q_SLOTS:
    void idleShowsNothing()
    {
        StatusLogic l = make();
        QCOMPARE(l.view().banner, false);
        QCOMPARE(l.view().headline, H::Offline);
        QCOMPARE(l.msUntilChange(), -1);
        m_now += 100000;
        QCOMPARE(l.view().banner, false);
    }

    void noConnectingInTheFirstSecondsAfterLaunch()
    {
        StatusLogic l = make();
        l.setState(S::Connecting, 1);
        for (int t = 0; t < 3000; t += 100) {
            QCOMPARE(l.view().banner, false);
            QCOMPARE(l.view().headline, H::Offline);
            m_now += 100;
        }
        const StatusLogic::View v = l.view();
        QVERIFY(v.banner);
        QCOMPARE(v.headline, H::Connecting);
        QCOMPARE(v.progress, P::Attempt);
        QCOMPARE(v.attempt, 1);
        QCOMPARE(v.seconds, 3);
        QCOMPARE(v.action, A::None); // nothing failed yet: nothing to retry
    }

    void fastLaunchShowsNothingAtAll()
    {
        StatusLogic l = make();
        l.setState(S::Connecting, 1);
        m_now += 800;
        l.setState(S::Connected);
        QCOMPARE(l.view().banner, false);
        QCOMPARE(l.view().headline, H::Online);
        QCOMPARE(l.msUntilChange(), -1);
    }

    void slowLaunchSaysConnectedBriefly()
    {
        StatusLogic l = make();
        l.setState(S::Connecting, 1);
        m_now += 3500;
        QCOMPARE(l.view().headline, H::Connecting);
        l.setState(S::Connected);
        QCOMPARE(l.view().progress, P::Restored);
        QCOMPARE(l.view().headline, H::Online);
        QCOMPARE(l.msUntilChange(), 2000);
        m_now += 1999;
        QCOMPARE(l.view().progress, P::Restored);
        m_now += 1;
        QCOMPARE(l.view().banner, false);
        QCOMPARE(l.msUntilChange(), -1);
    }

    void blipShorterThanASecondShowsNothing()
    {
        StatusLogic l = connected();
        dropped(l, 1, 300);
        QCOMPARE(l.view().headline, H::Online);
        m_now += 300;
        l.setState(S::Connecting, 1);
        m_now += 400;
        QCOMPARE(l.view().banner, false);
        QCOMPARE(l.view().headline, H::Online);
        l.setState(S::Connected);
        QCOMPARE(l.view().banner, false); // nothing was shown, so no "Connected" either
    }

    // Finding 1: a link the heartbeat found dead is news at once, with "Retry now".
    void deadLinkSaysLostAtOnce()
    {
        StatusLogic l = connected();
        l.linkDead();
        dropped(l, 1, 700);
        const StatusLogic::View v = l.view();
        QVERIFY(v.banner);
        QCOMPARE(v.headline, H::Lost);
        QCOMPARE(v.cause, C::DeadLink);
        QCOMPARE(v.action, A::RetryNow);
        QVERIFY(v.actionEnabled);
        QCOMPARE(v.progress, P::Attempt); // 700 ms is too short to count down: it is the next attempt
        QCOMPARE(v.attempt, 1);
        // The attempt itself: the button stays but is disabled, the headline stays "lost".
        m_now += 700;
        l.setState(S::Connecting, 1);
        QCOMPARE(l.view().headline, H::Lost);
        QCOMPARE(l.view().action, A::RetryNow);
        QVERIFY(!l.view().actionEnabled);
    }

    // Finding 1: every attempt shows its number and how long it has been running, and the headline
    // does not alternate between waiting and attempting.
    void eachAttemptShowsItsProgress()
    {
        StatusLogic l = connected();
        l.linkDead();
        dropped(l, 1, 500);
        for (int attempt = 1; attempt <= 6; ++attempt) {
            m_now += 500;
            l.setState(S::Connecting, attempt);
            for (int s = 0; s < 10; ++s) {
                const StatusLogic::View v = l.view();
                QCOMPARE(v.headline, H::Lost);
                QCOMPARE(v.progress, P::Attempt);
                QCOMPARE(v.attempt, attempt);
                QCOMPARE(v.seconds, s);
                QCOMPARE(l.msUntilChange(), 1000);
                m_now += 1000;
            }
            l.attemptFailed(C::NoAnswer);
            l.scheduleRetry(attempt + 1, attempt % 2 ? 500 : 2500);
            l.setState(S::Reconnecting, attempt + 1);
            const StatusLogic::View w = l.view();
            QCOMPARE(w.headline, H::Lost);
            QCOMPARE(w.cause, C::NoAnswer);
            QCOMPARE(w.progress, attempt % 2 ? P::Attempt : P::Countdown);
            QVERIFY(w.actionEnabled);
            if (attempt % 2 == 0)
                m_now += 2000;
        }
    }

    // Never connected: "Connecting" until the first failure, then "unreachable", and it stays so.
    void unreachableSaysSoAndStays()
    {
        StatusLogic l = make();
        l.setState(S::Connecting, 1);
        m_now += 4000;
        QCOMPARE(l.view().headline, H::Connecting);
        for (int attempt = 1; attempt <= 4; ++attempt) {
            l.attemptFailed(C::NothingListening);
            l.scheduleRetry(attempt + 1, 300);
            l.setState(S::Reconnecting, attempt + 1);
            QCOMPARE(l.view().headline, H::Unreachable);
            QCOMPARE(l.view().cause, C::NothingListening);
            m_now += 300;
            l.setState(S::Connecting, attempt + 1);
            QCOMPARE(l.view().headline, H::Unreachable);
            QCOMPARE(l.view().action, A::RetryNow);
        }
    }

    // Finding 2: a server that answers but refuses is said at once, with the way into diagnostics.
    void refusalSaysSoAtOnce_data()
    {
        QTest::addColumn<int>("cause");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("headline");
        QTest::newRow("404") << int(C::HttpStatus) << 404 << int(H::NotTether);
        QTest::newRow("503") << int(C::HttpStatus) << 503 << int(H::ServerRefused);
        QTest::newRow("certificate") << int(C::Certificate) << 0 << int(H::Certificate);
    }
    void refusalSaysSoAtOnce()
    {
        QFETCH(int, cause);
        QFETCH(int, status);
        QFETCH(int, headline);
        StatusLogic l = make();
        l.setState(S::Connecting, 1);
        m_now += 50; // well inside the launch grace
        l.attemptFailed(C(cause), status);
        l.scheduleRetry(2, 5000);
        l.setState(S::Reconnecting, 2);
        const StatusLogic::View v = l.view();
        QVERIFY(v.banner);
        QCOMPARE(int(v.headline), headline);
        QCOMPARE(v.httpStatus, status);
        QVERIFY(v.diagnostics);
        QCOMPARE(v.progress, P::Countdown);
        QCOMPARE(v.seconds, 5);
        QCOMPARE(v.action, A::RetryNow);
        // Plain unreachability is no refusal: no diagnostics button, and the launch grace holds.
        StatusLogic u = make();
        u.setState(S::Connecting, 1);
        m_now += 50;
        u.attemptFailed(C::NothingListening);
        u.scheduleRetry(2, 5000);
        u.setState(S::Reconnecting, 2);
        QVERIFY(!u.view().banner);
        m_now += 3000;
        QCOMPARE(u.view().headline, H::Unreachable);
        QVERIFY(!u.view().diagnostics);
    }

    void accessRefusedByTheServer()
    {
        StatusLogic l = connected();
        l.closed(4003);
        l.setState(S::SignedOut);
        const StatusLogic::View v = l.view();
        QCOMPARE(v.headline, H::AccessRefused);
        QCOMPARE(v.closeCode, 4003);
        QCOMPARE(v.action, A::SignIn);
        QVERIFY(v.diagnostics);

        StatusLogic e = connected();
        e.setState(S::SignedOut);
        QCOMPARE(e.view().headline, H::SessionExpired);
        QCOMPARE(e.view().action, A::SignIn);
        QVERIFY(!e.view().diagnostics);
    }

    // A server restart (1012 with retry_after_ms) counts down to the server's own estimate.
    void serverRestartCountsDown()
    {
        StatusLogic l = connected();
        l.closed(1012, 2345);
        l.scheduleRetry(1, 2345);
        l.setState(S::Reconnecting, 1);
        StatusLogic::View v = l.view();
        QVERIFY(v.banner); // announced: no blip to wait for
        QCOMPARE(v.headline, H::Restarting);
        QCOMPARE(v.progress, P::Countdown);
        QCOMPARE(v.seconds, 3);
        m_now += 345;
        QCOMPARE(l.view().seconds, 2);
        m_now += 2000;
        l.setState(S::Connecting, 1);
        QCOMPARE(l.view().headline, H::Restarting);
        QCOMPARE(l.view().progress, P::Attempt);
        // Still not back after the announced wait: the restart story ends, the loss goes on.
        l.attemptFailed(C::NothingListening);
        l.scheduleRetry(2, 4000);
        l.setState(S::Reconnecting, 2);
        QCOMPARE(l.view().headline, H::Lost);
        QCOMPARE(l.view().cause, C::NothingListening);
        l.setState(S::Connecting, 2);
        l.setState(S::Connected);
        QCOMPARE(l.view().progress, P::Restored);
    }

    // Finding 4: "Retry now" says that it tried and what came of it.
    void retryNowSaysWhatHappened()
    {
        StatusLogic l = connected();
        dropped(l, 1, 400);
        m_now += 400;
        l.setState(S::Connecting, 1);
        m_now += 1000;
        l.attemptFailed(C::NothingListening);
        l.scheduleRetry(2, 19000);
        l.setState(S::Reconnecting, 2);
        m_now += 3000;
        QCOMPARE(l.view().seconds, 16);
        QCOMPARE(l.view().retry, R::None);

        l.retryRequested();
        l.setState(S::Connecting, 2); // the manager starts the attempt at once
        QCOMPARE(l.view().retry, R::Trying);
        QCOMPARE(l.view().attempt, 2);
        m_now += 20;
        l.attemptFailed(C::NothingListening);
        l.scheduleRetry(3, 15980); // the manager keeps the deadline the user skipped
        l.setState(S::Reconnecting, 3);
        const StatusLogic::View v = l.view();
        QCOMPARE(v.retry, R::Failed);
        QCOMPARE(v.cause, C::NothingListening);
        QCOMPARE(v.progress, P::Countdown);
        QCOMPARE(v.seconds, 16); // not stretched
        m_now += 15980;
        l.setState(S::Connecting, 3);
        QCOMPARE(l.view().retry, R::None); // the next attempt makes its own news

        // A retry that works: "Connected", briefly.
        l.attemptFailed(C::NothingListening);
        l.scheduleRetry(4, 30000);
        l.setState(S::Reconnecting, 4);
        l.retryRequested();
        l.setState(S::Connecting, 4);
        QCOMPARE(l.view().retry, R::Trying);
        l.setState(S::Connected);
        QCOMPARE(l.view().progress, P::Restored);
        QCOMPARE(l.view().retry, R::None);
    }

    void countdownKnowsWhetherAnythingWasLost()
    {
        StatusLogic launch = make();
        launch.setState(S::Connecting, 1);
        m_now += 500;
        launch.attemptFailed(C::NothingListening);
        launch.scheduleRetry(2, 20000);
        launch.setState(S::Reconnecting, 2);
        m_now += 5000;
        QCOMPARE(launch.view().progress, P::Countdown);
        QCOMPARE(launch.view().headline, H::Unreachable);

        StatusLogic running = connected();
        dropped(running, 1, 20000);
        m_now += 2000;
        QCOMPARE(running.view().progress, P::Countdown);
        QCOMPARE(running.view().headline, H::Lost);
    }

    void countdownCountsWholeSecondsDown()
    {
        StatusLogic l = connected();
        dropped(l, 3, 7000);
        QCOMPARE(l.view().banner, false);
        QCOMPARE(l.msUntilChange(), 1000);
        m_now += 1000;
        QCOMPARE(l.view().progress, P::Countdown);
        QCOMPARE(l.view().seconds, 6);
        QCOMPARE(l.msUntilChange(), 1000);
        m_now += 1;
        QCOMPARE(l.view().seconds, 6);
        QCOMPARE(l.msUntilChange(), 999);
        m_now += 999;
        QCOMPARE(l.view().seconds, 5);
        m_now += 4500;
        QCOMPARE(l.view().seconds, 1);
        QCOMPARE(l.msUntilChange(), 500);
        m_now += 500;
        // Time is up: the attempt is starting, so no "0 s".
        QCOMPARE(l.view().progress, P::Attempt);
        QCOMPARE(l.view().attempt, 3);
        l.setState(S::Connecting, 3);
        QCOMPARE(l.view().progress, P::Attempt);
        l.setState(S::Connected);
        QCOMPARE(l.view().progress, P::Restored);
    }

    void shortWaitsShowTheNextAttempt_data()
    {
        QTest::addColumn<int>("waitMs");
        QTest::addColumn<bool>("countdown");
        QTest::newRow("0.5s") << 500 << false;
        QTest::newRow("0.999s") << 999 << false;
        QTest::newRow("1s") << 1000 << true;
        QTest::newRow("3s") << 3000 << true;
        QTest::newRow("30s") << 30000 << true;
    }
    void shortWaitsShowTheNextAttempt()
    {
        QFETCH(int, waitMs);
        QFETCH(bool, countdown);
        StatusLogic l = connected();
        l.closed(1006);
        l.setState(S::Connecting, 1);
        m_now += 1500; // past the blip
        l.attemptFailed(C::NothingListening);
        l.scheduleRetry(2, waitMs);
        l.setState(S::Reconnecting, 2);
        const StatusLogic::View v = l.view();
        QCOMPARE(v.headline, H::Lost);
        QCOMPARE(v.progress, countdown ? P::Countdown : P::Attempt);
        if (countdown)
            QCOMPARE(v.seconds, (waitMs + 999) / 1000);
        else
            QCOMPARE(v.attempt, 2);
    }

    void waitingForNetworkAfterTheBlip()
    {
        StatusLogic l = connected();
        l.setState(S::WaitingForNetwork);
        m_now += 999;
        QCOMPARE(l.view().banner, false);
        QCOMPARE(l.msUntilChange(), 1);
        m_now += 1;
        QCOMPARE(l.view().headline, H::NoNetwork);
        QCOMPARE(l.msUntilChange(), -1);
        // The network comes back: the outage continues, so the next step shows at once.
        l.setState(S::Connecting, 1);
        QVERIFY(l.view().banner);
        QCOMPARE(l.view().headline, H::Lost);
        l.setState(S::Connected);
        QCOMPARE(l.view().progress, P::Restored);
    }

    void sessionExpiredAndFailedShowAtOnce()
    {
        StatusLogic l = make();
        l.setState(S::Connecting, 1);
        m_now += 10;
        l.setState(S::SignedOut);
        QCOMPARE(l.view().headline, H::SessionExpired);

        StatusLogic f = connected();
        f.attemptFailed(C::HostNotFound);
        f.setState(S::Failed, 8);
        QCOMPARE(f.view().headline, H::Failed);
        QCOMPARE(f.view().attempt, 8);
        QCOMPARE(f.view().cause, C::HostNotFound);
        QCOMPARE(f.view().action, A::Retry);
        // Retry from Failed: feedback is immediate, the outage is old.
        f.retryRequested();
        f.setState(S::Connecting, 1);
        QVERIFY(f.view().banner);
        QCOMPARE(f.view().retry, R::Trying);
    }

    void refreshingTokenSaysSigningIn()
    {
        StatusLogic l = connected();
        dropped(l, 1, 0);
        l.setState(S::RefreshingToken, 0);
        m_now += 1200;
        QCOMPARE(l.view().headline, H::Lost);
        QCOMPARE(l.view().progress, P::SigningIn);

        StatusLogic launch = make();
        launch.setState(S::RefreshingToken, 0);
        m_now += 3000;
        QCOMPARE(launch.view().headline, H::SigningIn);
    }

    void closingOnPurposeShowsNothing()
    {
        StatusLogic l = connected();
        l.closed(1000);
        l.setState(S::Disconnected);
        m_now += 5000;
        QCOMPARE(l.view().banner, false);
        QCOMPARE(l.view().headline, H::Offline);
        // Re-opening later is a new start of an outage: a quick connect shows nothing.
        l.setState(S::Connecting, 1);
        m_now += 300;
        QCOMPARE(l.view().banner, false);
        l.setState(S::Connected);
        QCOMPARE(l.view().banner, false);
    }

    // Random input sequences: the view never changes before msUntilChange() says it may, and
    // Countdown only ever appears while Reconnecting on a wait of at least countdownMinMs.
    void promisedChangeTimesHold()
    {
        const ConnectionState all[] = {S::Disconnected, S::Connecting, S::Connected, S::Reconnecting,
                                       S::WaitingForNetwork, S::RefreshingToken, S::SignedOut, S::Failed};
        const C causes[] = {C::NothingListening, C::NoAnswer, C::HttpStatus, C::Certificate, C::HostNotFound};
        for (quint32 seed = 1; seed <= 200; ++seed) {
            QRandomGenerator rng(seed);
            StatusLogic l = make();
            qint64 lastWait = -1;
            for (int step = 0; step < 40; ++step) {
                switch (rng.bounded(6)) {
                case 0: l.attemptFailed(causes[rng.bounded(5)], 404); break;
                case 1: l.linkDead(); break;
                case 2: l.closed(rng.bounded(2) ? 1012 : 1006, 1500); break;
                case 3: l.retryRequested(); break;
                default: break;
                }
                const ConnectionState s = all[rng.bounded(8)];
                lastWait = s == S::Reconnecting ? rng.bounded(0, 12000) : -1;
                if (s == S::Reconnecting)
                    l.scheduleRetry(rng.bounded(1, 20), lastWait);
                l.setState(s, rng.bounded(1, 20));
                const qint64 span = rng.bounded(1, 9000);
                const qint64 end = m_now + span;
                while (m_now < end) {
                    const StatusLogic::View v = l.view();
                    if (v.progress == P::Countdown) {
                        QCOMPARE(l.state(), S::Reconnecting);
                        QVERIFY(lastWait >= l.timing().countdownMinMs);
                        QVERIFY(v.seconds >= 1 && v.seconds <= (lastWait + 999) / 1000);
                    }
                    if (v.progress == P::Restored)
                        QCOMPARE(l.state(), S::Connected);
                    const qint64 in = l.msUntilChange();
                    const qint64 probeTo = in < 0 ? qMin<qint64>(end - m_now, 3000) : qMin(in, end - m_now);
                    const qint64 start = m_now;
                    for (qint64 k = 1; k < probeTo; k += 97) {
                        m_now = start + k;
                        if (l.view() != v)
                            QFAIL(qPrintable(QStringLiteral("seed %1: view changed %2 ms in, promised %3")
                                                 .arg(seed).arg(k).arg(in)));
                    }
                    m_now = start + qMax<qint64>(probeTo, 1);
                }
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestStatusLogic)
#include "tst_statuslogic.moc"
