// The tray notification rules: only an outage longer than the threshold is announced, "back" only
// after "lost" was said, and neither for the first connect or a deliberate close.

#include "outagenotifier.h"

#include <QSignalSpy>
#include <QTest>

using namespace Tether;
using S = ConnectionState;

class TestNotifications : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void longOutageIsAnnouncedAndItsEnd()
    {
        OutageNotifier n(100);
        QSignalSpy lost(&n, &OutageNotifier::connectionLost);
        QSignalSpy back(&n, &OutageNotifier::connectionRestored);
        n.setState(S::Connecting);
        n.setState(S::Connected);
        n.setState(S::Reconnecting);
        n.setState(S::Connecting);
        n.setState(S::Reconnecting);
        QVERIFY(lost.wait(5000));
        QCOMPARE(lost.count(), 1);
        QVERIFY(n.lostAnnounced());
        n.setState(S::WaitingForNetwork);
        n.setState(S::Connected);
        QCOMPARE(back.count(), 1);
        QCOMPARE(lost.count(), 1);
    }

    void blipIsNotAnnounced()
    {
        OutageNotifier n(300);
        QSignalSpy lost(&n, &OutageNotifier::connectionLost);
        QSignalSpy back(&n, &OutageNotifier::connectionRestored);
        n.setState(S::Connected);
        n.setState(S::Reconnecting);
        n.setState(S::Connected); // back before the threshold
        QVERIFY(!lost.wait(600));
        QCOMPARE(back.count(), 0);
    }

    void firstConnectAndDeliberateCloseAreQuiet()
    {
        OutageNotifier n(50);
        QSignalSpy lost(&n, &OutageNotifier::connectionLost);
        n.setState(S::Connecting); // launch: never connected yet
        n.setState(S::Reconnecting);
        QVERIFY(!lost.wait(300));
        n.setState(S::Connected);
        n.setState(S::Disconnected); // the user closed it
        QVERIFY(!lost.wait(300));
    }
};

QTEST_GUILESS_MAIN(TestNotifications)
#include "tst_notifications.moc"
