// The close-code policy table (docs/connection.md), row by row, plus sweeps over whole code ranges.
#include "closepolicy.h"

#include <QTest>

using namespace Tether;
using Action = CloseDecision::Action;

Q_DECLARE_METATYPE(Tether::CloseDecision::Action)

class TestClosePolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void table_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<bool>("unauthorized");
        QTest::addColumn<bool>("authRetryUsed");
        QTest::addColumn<bool>("anonymous");
        QTest::addColumn<Action>("action");
        QTest::addColumn<int>("floor");
        QTest::addColumn<bool>("spread");

        const QString none;
        QTest::newRow("1000 normal") << 1000 << none << false << false << false << Action::Stay << 0 << false;
        QTest::newRow("1000 anonymous") << 1000 << none << false << false << true << Action::Stay << 0 << false;
        QTest::newRow("1001 going away") << 1001 << none << false << false << false << Action::Reconnect << 0 << false;
        QTest::newRow("1006 abnormal") << 1006 << none << false << false << false << Action::Reconnect << 0 << false;
        // The bug this project exists for: a guest without a refresh token must reconnect after 1006.
        QTest::newRow("1006 anonymous") << 1006 << none << false << false << true << Action::Reconnect << 0 << false;
        QTest::newRow("1006 after auth retry") << 1006 << none << false << true << false << Action::Reconnect << 0 << false;
        QTest::newRow("1011 internal error") << 1011 << none << false << false << false << Action::Reconnect << 0 << false;
        QTest::newRow("1012 service restart") << 1012 << none << false << false << false << Action::Reconnect << 0 << false;
        QTest::newRow("1014 bad gateway") << 1014 << none << false << false << false << Action::Reconnect << 0 << false;
        QTest::newRow("1013 try again later") << 1013 << none << false << false << false << Action::Reconnect
                                              << TryAgainLaterFloorMs << false;
        QTest::newRow("1012 retry_after") << 1012 << QStringLiteral(R"({"retry_after_ms": 3250})") << false << false
                                          << false << Action::Reconnect << 3250 << true;
        QTest::newRow("1013 retry_after wins") << 1013 << QStringLiteral(R"({"retry_after_ms":800})") << false << false
                                               << false << Action::Reconnect << 800 << true;
        QTest::newRow("retry_after capped") << 1012 << QStringLiteral(R"({"retry_after_ms":1e12})") << false << false
                                            << false << Action::Reconnect << MaxRetryAfterMs << true;
        QTest::newRow("retry_after negative ignored") << 1012 << QStringLiteral(R"({"retry_after_ms":-5})") << false
                                                      << false << false << Action::Reconnect << 0 << false;
        QTest::newRow("retry_after string ignored") << 1012 << QStringLiteral(R"({"retry_after_ms":"5"})") << false
                                                    << false << false << Action::Reconnect << 0 << false;
        QTest::newRow("reason not JSON") << 1012 << QStringLiteral("restarting") << false << false << false
                                         << Action::Reconnect << 0 << false;
        QTest::newRow("reason broken JSON") << 1012 << QStringLiteral("{retry_after_ms") << false << false << false
                                            << Action::Reconnect << 0 << false;
        QTest::newRow("1000 ignores retry_after") << 1000 << QStringLiteral(R"({"retry_after_ms":100})") << false
                                                  << false << false << Action::Stay << 0 << false;

        // 1008 is a policy close (our server's rate limit): back off, never refresh, never sign out.
        QTest::newRow("1008 first") << 1008 << none << false << false << false << Action::Reconnect
                                    << PolicyCloseFloorMs << false;
        QTest::newRow("1008 again") << 1008 << none << false << true << false << Action::Reconnect
                                    << PolicyCloseFloorMs << false;
        QTest::newRow("1008 anonymous again") << 1008 << none << false << true << true << Action::Reconnect
                                              << PolicyCloseFloorMs << false;
        QTest::newRow("1008 retry_after") << 1008 << QStringLiteral(R"({"retry_after_ms":900})") << false << true
                                          << false << Action::Reconnect << 900 << true;
        QTest::newRow("4008 slow consumer") << 4008 << none << false << false << false << Action::Reconnect
                                            << PolicyCloseFloorMs << false;
        QTest::newRow("4008 again") << 4008 << none << false << true << false << Action::Reconnect
                                    << PolicyCloseFloorMs << false;
        QTest::newRow("4001 first") << 4001 << none << false << false << false << Action::RefreshAndReconnect << 0 << false;
        QTest::newRow("4001 again") << 4001 << none << false << true << false << Action::SignOut << 0 << false;
        QTest::newRow("4001 anonymous first") << 4001 << none << false << false << true
                                              << Action::RefreshAndReconnect << 0 << false;
        QTest::newRow("HTTP 401 first") << 1006 << none << true << false << false << Action::RefreshAndReconnect << 0 << false;
        QTest::newRow("HTTP 401 again") << 1006 << none << true << true << false << Action::SignOut << 0 << false;
        QTest::newRow("4003 forbidden") << 4003 << none << false << false << false << Action::SignOut << 0 << false;
        QTest::newRow("4003 anonymous") << 4003 << none << false << false << true << Action::SignOut << 0 << false;
        QTest::newRow("4003 with retry_after") << 4003 << QStringLiteral(R"({"retry_after_ms":100})") << false << false
                                               << false << Action::SignOut << 0 << false;
        QTest::newRow("4500 replaced") << 4500 << none << false << false << false << Action::SignOut << 0 << false;
        QTest::newRow("4999") << 4999 << none << false << false << false << Action::SignOut << 0 << false;
        QTest::newRow("4000") << 4000 << none << false << false << false << Action::Reconnect << 0 << false;
        QTest::newRow("4499") << 4499 << none << false << false << false << Action::Reconnect << 0 << false;
        QTest::newRow("1002 protocol error") << 1002 << none << false << false << false << Action::Reconnect << 0 << false;
        QTest::newRow("1009 too big") << 1009 << none << false << false << false << Action::Reconnect << 0 << false;
        QTest::newRow("3000") << 3000 << none << false << false << false << Action::Reconnect << 0 << false;
        QTest::newRow("5000 out of range") << 5000 << none << false << false << false << Action::Reconnect << 0 << false;
        QTest::newRow("0 nonsense") << 0 << none << false << false << false << Action::Reconnect << 0 << false;
    }

    void table()
    {
        QFETCH(int, code);
        QFETCH(QString, reason);
        QFETCH(bool, unauthorized);
        QFETCH(bool, authRetryUsed);
        QFETCH(bool, anonymous);
        QFETCH(Action, action);
        QFETCH(int, floor);
        QFETCH(bool, spread);
        const CloseDecision decision = decideAfterClose({code, reason, unauthorized}, authRetryUsed, anonymous);
        QCOMPARE(decision.action, action);
        QCOMPARE(decision.delayFloorMs, floor);
        QCOMPARE(decision.serverSpread, spread);
    }

    // Whole ranges, so no code in them is forgotten.
    void terminalRangeAlwaysSignsOut()
    {
        for (int code = 4500; code <= 4999; ++code)
            for (bool retried : {false, true})
                for (bool anonymous : {false, true})
                    QCOMPARE(decideAfterClose({code, {}, false}, retried, anonymous).action, Action::SignOut);
    }

    void applicationRangeReconnects()
    {
        for (int code = 4000; code <= 4499; ++code) {
            if (code == 4001 || code == 4003)
                continue;
            QCOMPARE(decideAfterClose({code, {}, false}, false, false).action, Action::Reconnect);
        }
    }

    void standardCodesNeverStayExcept1000()
    {
        for (int code = 1001; code <= 2999; ++code) {
            const Action action = decideAfterClose({code, {}, false}, false, true).action;
            QVERIFY2(action == Action::Reconnect || action == Action::RefreshAndReconnect, qPrintable(QString::number(code)));
        }
    }

    // Only 4001 and an HTTP 401 on the upgrade mean "refresh the token"; no other code ever does.
    void onlyTokenCodesRefresh()
    {
        for (int code = 0; code <= 5000; ++code) {
            for (bool retried : {false, true}) {
                const Action action = decideAfterClose({code, {}, false}, retried, false).action;
                if (action == Action::RefreshAndReconnect)
                    QVERIFY2(code == 4001 && !retried, qPrintable(QString::number(code)));
                if (action == Action::SignOut)
                    QVERIFY2(code == 4001 || code == 4003 || code >= FirstTerminalCode, qPrintable(QString::number(code)));
            }
        }
    }

    void retryAfterParsing_data()
    {
        QTest::addColumn<QString>("reason");
        QTest::addColumn<int>("expected");
        QTest::newRow("empty") << QString() << -1;
        QTest::newRow("plain") << QStringLiteral("bye") << -1;
        QTest::newRow("object") << QStringLiteral(R"({"retry_after_ms":1500})") << 1500;
        QTest::newRow("padded") << QStringLiteral(R"(  {"retry_after_ms":0})") << 0;
        QTest::newRow("fraction") << QStringLiteral(R"({"retry_after_ms":12.9})") << 12;
        QTest::newRow("other key") << QStringLiteral(R"({"after":10})") << -1;
        QTest::newRow("array") << QStringLiteral("[1]") << -1;
    }

    void retryAfterParsing()
    {
        QFETCH(QString, reason);
        QFETCH(int, expected);
        QCOMPARE(retryAfterFromReason(reason), expected);
    }
};

QTEST_GUILESS_MAIN(TestClosePolicy)
#include "tst_closepolicy.moc"
