// BannerLogic: every flicker rule of the connection banner, driven by a fake clock.

#include "bannerlogic.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Tether;
using Kind = BannerLogic::Kind;
using S = ConnectionState;

class tst_BannerLogic : public QObject
{
    Q_OBJECT

private:
    qint64 m_now = 0;
    BannerLogic make(const BannerLogic::Timing &t = {})
    {
        m_now = 100000; // the clock does not start at 0 in real life
        return BannerLogic([this] { return m_now; }, t);
    }
    // Connected for a while, as if the app had been running.
    BannerLogic connected()
    {
        BannerLogic l = make();
        l.setState(S::Connecting);
        m_now += 200;
        l.setState(S::Connected);
        m_now += 60000;
        return l;
    }

private Q_SLOTS:
    void idleShowsNothing()
    {
        BannerLogic l = make();
        QCOMPARE(l.view().kind, Kind::Hidden);
        QCOMPARE(l.msUntilChange(), -1);
        m_now += 100000;
        QCOMPARE(l.view().kind, Kind::Hidden);
    }

    void noConnectingInTheFirstSecondsAfterLaunch()
    {
        BannerLogic l = make();
        l.setState(S::Connecting);
        for (int t = 0; t < 3000; t += 100) {
            QCOMPARE(l.view().kind, Kind::Hidden);
            m_now += 100;
        }
        QCOMPARE(l.view().kind, Kind::Connecting);
    }

    void fastLaunchShowsNothingAtAll()
    {
        BannerLogic l = make();
        l.setState(S::Connecting);
        m_now += 800;
        l.setState(S::Connected);
        QCOMPARE(l.view().kind, Kind::Hidden);
        QCOMPARE(l.msUntilChange(), -1);
    }

    void slowLaunchSaysConnectedBriefly()
    {
        BannerLogic l = make();
        l.setState(S::Connecting);
        m_now += 3500;
        QCOMPARE(l.view().kind, Kind::Connecting);
        l.setState(S::Connected);
        QCOMPARE(l.view().kind, Kind::Restored);
        QCOMPARE(l.msUntilChange(), 2000);
        m_now += 1999;
        QCOMPARE(l.view().kind, Kind::Restored);
        m_now += 1;
        QCOMPARE(l.view().kind, Kind::Hidden);
        QCOMPARE(l.msUntilChange(), -1);
    }

    void blipShorterThanASecondShowsNothing()
    {
        BannerLogic l = connected();
        l.setState(S::Reconnecting, 300, 1);
        m_now += 300;
        l.setState(S::Connecting);
        m_now += 400;
        QCOMPARE(l.view().kind, Kind::Hidden);
        l.setState(S::Connected);
        QCOMPARE(l.view().kind, Kind::Hidden); // nothing was shown, so no "Connected" either
    }

    // The state for the indicator and tray follows the same rules as the banner.
    void shownStateFollowsTheRules()
    {
        BannerLogic l = make();
        l.setState(S::Connecting);
        QCOMPARE(l.shownState(), S::Disconnected); // launch grace: no "Connecting"
        m_now += l.timing().launchGraceMs;
        QCOMPARE(l.shownState(), S::Connecting);
        l.setState(S::Connected);
        QCOMPARE(l.shownState(), S::Connected);
        m_now += 60000;
        l.setState(S::Reconnecting, 300);
        QCOMPARE(l.shownState(), S::Connected); // a blip
        m_now += l.timing().blipMs - 1;
        QCOMPARE(l.shownState(), S::Connected);
        m_now += 1;
        QCOMPARE(l.shownState(), S::Reconnecting);
        l.setState(S::Connected);
        m_now += 60000;
        l.setState(S::WaitingForNetwork);
        QCOMPARE(l.shownState(), S::Connected);
        m_now += l.timing().blipMs;
        QCOMPARE(l.shownState(), S::WaitingForNetwork);
        l.setState(S::SignedOut);
        QCOMPARE(l.shownState(), S::SignedOut);
        l.setState(S::Disconnected);
        QCOMPARE(l.shownState(), S::Disconnected);
    }

    // The countdown says "lost" only when there was a connection to lose.
    void countdownKnowsWhetherAnythingWasLost()
    {
        BannerLogic launch = make();
        launch.setState(S::Connecting);
        m_now += 500;
        launch.setState(S::Reconnecting, 20000, 2);
        m_now += 5000;
        QCOMPARE(launch.view().kind, Kind::Countdown);
        QVERIFY(launch.view().neverConnected);

        BannerLogic running = connected();
        running.setState(S::Reconnecting, 20000, 1);
        m_now += 2000;
        QCOMPARE(running.view().kind, Kind::Countdown);
        QVERIFY(!running.view().neverConnected);
    }

    void countdownCountsWholeSecondsDown()
    {
        BannerLogic l = connected();
        l.setState(S::Reconnecting, 7000, 3);
        QCOMPARE(l.view().kind, Kind::Hidden);
        QCOMPARE(l.msUntilChange(), 1000);
        m_now += 1000;
        QCOMPARE(l.view().kind, Kind::Countdown);
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
        QCOMPARE(l.view().kind, Kind::Connecting);
        l.setState(S::Connecting);
        QCOMPARE(l.view().kind, Kind::Connecting);
        l.setState(S::Connected);
        QCOMPARE(l.view().kind, Kind::Restored);
    }

    void shortWaitsSayConnecting_data()
    {
        QTest::addColumn<int>("waitMs");
        QTest::addColumn<bool>("countdown");
        QTest::newRow("1s") << 1000 << false;
        QTest::newRow("2s") << 2000 << false;
        QTest::newRow("3.999s") << 3999 << false;
        QTest::newRow("4s") << 4000 << true;
        QTest::newRow("30s") << 30000 << true;
    }
    void shortWaitsSayConnecting()
    {
        QFETCH(int, waitMs);
        QFETCH(bool, countdown);
        BannerLogic l = connected();
        l.setState(S::Connecting);
        m_now += 1500; // past the blip
        l.setState(S::Reconnecting, waitMs, 2);
        const BannerLogic::View v = l.view();
        QCOMPARE(v.kind, countdown ? Kind::Countdown : Kind::Connecting);
        if (countdown)
            QCOMPARE(v.seconds, (waitMs + 999) / 1000);
    }

    void waitingForNetworkAfterTheBlip()
    {
        BannerLogic l = connected();
        l.setState(S::WaitingForNetwork);
        m_now += 999;
        QCOMPARE(l.view().kind, Kind::Hidden);
        QCOMPARE(l.msUntilChange(), 1);
        m_now += 1;
        QCOMPARE(l.view().kind, Kind::WaitingForNetwork);
        QCOMPARE(l.msUntilChange(), -1);
        // The network comes back: the outage continues, so the next step shows at once.
        l.setState(S::Connecting);
        QCOMPARE(l.view().kind, Kind::Connecting);
        l.setState(S::Connected);
        QCOMPARE(l.view().kind, Kind::Restored);
    }

    void sessionExpiredAndFailedShowAtOnce()
    {
        BannerLogic l = make();
        l.setState(S::Connecting);
        m_now += 10;
        l.setState(S::SignedOut);
        QCOMPARE(l.view().kind, Kind::SessionExpired);

        BannerLogic f = connected();
        f.setState(S::Failed, -1, 8);
        QCOMPARE(f.view().kind, Kind::Failed);
        QCOMPARE(f.view().attempts, 8);
        // Retry from Failed: feedback is immediate, the outage is old.
        f.setState(S::Connecting);
        QCOMPARE(f.view().kind, Kind::Connecting);
    }

    void refreshingTokenLooksLikeConnecting()
    {
        BannerLogic l = connected();
        l.setState(S::RefreshingToken);
        m_now += 1200;
        QCOMPARE(l.view().kind, Kind::Connecting);
    }

    void closingOnPurposeShowsNothing()
    {
        BannerLogic l = connected();
        l.setState(S::Disconnected);
        m_now += 5000;
        QCOMPARE(l.view().kind, Kind::Hidden);
        // Re-opening later is a new start of an outage: a quick connect shows nothing.
        l.setState(S::Connecting);
        m_now += 300;
        QCOMPARE(l.view().kind, Kind::Hidden);
        l.setState(S::Connected);
        QCOMPARE(l.view().kind, Kind::Hidden);
    }

    // Random state sequences: the view never changes before msUntilChange() says it may, and
    // Countdown only ever appears while Reconnecting on a wait of at least countdownMinMs.
    void promisedChangeTimesHold()
    {
        const ConnectionState all[] = {S::Disconnected, S::Connecting, S::Connected, S::Reconnecting,
                                       S::WaitingForNetwork, S::RefreshingToken, S::SignedOut, S::Failed};
        for (quint32 seed = 1; seed <= 200; ++seed) {
            QRandomGenerator rng(seed);
            BannerLogic l = make();
            qint64 lastWait = -1;
            for (int step = 0; step < 40; ++step) {
                const ConnectionState s = all[rng.bounded(8)];
                lastWait = s == S::Reconnecting ? rng.bounded(0, 12000) : -1;
                l.setState(s, lastWait, rng.bounded(1, 20));
                const qint64 span = rng.bounded(1, 9000);
                const qint64 end = m_now + span;
                while (m_now < end) {
                    const BannerLogic::View v = l.view();
                    if (v.kind == Kind::Countdown) {
                        QCOMPARE(l.state(), S::Reconnecting);
                        QVERIFY(lastWait >= l.timing().countdownMinMs);
                        QVERIFY(v.seconds >= 1 && v.seconds <= (lastWait + 999) / 1000);
                    }
                    if (v.kind == Kind::Restored)
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

QTEST_GUILESS_MAIN(tst_BannerLogic)
#include "tst_bannerlogic.moc"
