// The status-bar indicator and the connection banner as people see them, in English and Russian:
// text per state, the live countdown, "Retry now", and switching language while they are open.

#include "connectionbanner.h"
#include "connectionmanager.h"
#include "language.h"
#include "statusindicator.h"

#include <QApplication>
#include <QPushButton>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace Tether;
using S = ConnectionState;
using Kind = BannerLogic::Kind;

class tst_ConnectionStatus : public QObject
{
    Q_OBJECT

private:
    qint64 m_now = 0;
    BannerLogic::Clock clock()
    {
        return [this] { return m_now; };
    }
    // A banner that has been connected for a minute.
    ConnectionBanner *connectedBanner()
    {
        m_now = 50000;
        auto *b = new ConnectionBanner(BannerLogic::Timing(), clock());
        b->setState(S::Connected);
        m_now += 60000;
        b->refresh();
        return b;
    }

private Q_SLOTS:
    void cleanup() { Language::apply(QStringLiteral("en")); }

    void indicatorTextPerState_data()
    {
        QTest::addColumn<QString>("lang");
        QTest::addColumn<int>("state");
        QTest::addColumn<QString>("text");
        const struct { S s; const char *en; const char *ru; } rows[] = {
            {S::Connected, "Online", "В сети"},
            {S::Connecting, "Connecting…", "Подключение…"},
            {S::Reconnecting, "Reconnecting…", "Переподключение…"},
            {S::WaitingForNetwork, "No network", "Нет сети"},
            {S::RefreshingToken, "Signing in…", "Вход…"},
            {S::SignedOut, "Signed out", "Сеанс завершён"},
            {S::Failed, "Connection failed", "Не удалось подключиться"},
            {S::Disconnected, "Offline", "Не в сети"},
        };
        for (const auto &r : rows) {
            QTest::addRow("en-%d", int(r.s)) << QStringLiteral("en") << int(r.s) << QString::fromUtf8(r.en);
            QTest::addRow("ru-%d", int(r.s)) << QStringLiteral("ru") << int(r.s) << QString::fromUtf8(r.ru);
        }
    }
    void indicatorTextPerState()
    {
        QFETCH(QString, lang);
        QFETCH(int, state);
        QFETCH(QString, text);
        QVERIFY(Language::apply(lang));
        StatusIndicator indicator;
        indicator.setState(S(state));
        QCOMPARE(indicator.text(), text);
        QVERIFY(indicator.accessibleName().contains(text));
    }

    void indicatorTooltip()
    {
        StatusIndicator indicator;
        ConnectionStats stats;
        stats.lastCloseCode = 1006;
        stats.rttLastMs = 42;
        indicator.setDetails(QUrl(QStringLiteral("ws://127.0.0.1:4444/ws")), stats);
        indicator.setState(S::Reconnecting);
        const QString tip = indicator.toolTip();
        QVERIFY2(tip.contains(QLatin1String("ws://127.0.0.1:4444/ws")), qPrintable(tip));
        QVERIFY2(tip.contains(QLatin1String("1006 (connection dropped)")), qPrintable(tip));
        QVERIFY2(tip.contains(QLatin1String("42 ms")), qPrintable(tip));

        QVERIFY(Language::apply(QStringLiteral("ru")));
        QTRY_VERIFY2(indicator.toolTip().contains(QStringLiteral("1006 (соединение оборвалось)")),
                     qPrintable(indicator.toolTip()));
        QVERIFY(indicator.toolTip().contains(QStringLiteral("42 мс")));
    }

    void bannerTextPerState_data()
    {
        QTest::addColumn<QString>("lang");
        QTest::addColumn<int>("state");
        QTest::addColumn<int>("waitMs");
        QTest::addColumn<int>("attempts");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("action");
        const struct { S s; int wait; int attempts; const char *en; const char *enAction; const char *ru; const char *ruAction; } rows[] = {
            {S::Reconnecting, 8000, 3, "Connection lost. Reconnecting in 7 s…", "Retry now",
             "Соединение потеряно. Переподключение через 7 с…", "Повторить сейчас"},
            {S::Reconnecting, 2000, 1, "Connecting…", "", "Подключение…", ""},
            {S::Connecting, -1, 1, "Connecting…", "", "Подключение…", ""},
            {S::WaitingForNetwork, -1, 0, "Waiting for network…", "", "Ожидание сети…", ""},
            {S::SignedOut, -1, 0, "Session expired —", "Sign in", "Сеанс истёк —", "Войти"},
            {S::Failed, -1, 1, "Could not connect after 1 attempt —", "Retry",
             "Не удалось подключиться после 1 попытки —", "Повторить"},
            {S::Failed, -1, 3, "Could not connect after 3 attempts —", "Retry",
             "Не удалось подключиться после 3 попыток —", "Повторить"},
            {S::Failed, -1, 21, "Could not connect after 21 attempts —", "Retry",
             "Не удалось подключиться после 21 попытки —", "Повторить"},
        };
        for (const auto &r : rows) {
            QTest::addRow("en-%d-%d-%d", int(r.s), r.wait, r.attempts) << QStringLiteral("en") << int(r.s) << r.wait
                << r.attempts << QString::fromUtf8(r.en) << QString::fromUtf8(r.enAction);
            QTest::addRow("ru-%d-%d-%d", int(r.s), r.wait, r.attempts) << QStringLiteral("ru") << int(r.s) << r.wait
                << r.attempts << QString::fromUtf8(r.ru) << QString::fromUtf8(r.ruAction);
        }
    }
    void bannerTextPerState()
    {
        QFETCH(QString, lang);
        QFETCH(int, state);
        QFETCH(int, waitMs);
        QFETCH(int, attempts);
        QFETCH(QString, text);
        QFETCH(QString, action);
        QVERIFY(Language::apply(lang));
        std::unique_ptr<ConnectionBanner> banner(connectedBanner());
        banner->setState(S(state), waitMs, attempts);
        m_now += 1000; // past the blip threshold
        banner->refresh();
        QCOMPARE(banner->text(), text);
        QCOMPARE(banner->actionText(), action);
        QVERIFY(!banner->isHidden());
    }

    void bannerHiddenWhileConnectedAndRestoredBriefly()
    {
        std::unique_ptr<ConnectionBanner> banner(connectedBanner());
        QVERIFY(banner->isHidden());
        banner->setState(S::Reconnecting, 10000, 1);
        QVERIFY(banner->isHidden()); // could still be a blip
        m_now += 2000;
        banner->refresh();
        QVERIFY(!banner->isHidden());
        banner->setState(S::Connected);
        QCOMPARE(banner->text(), QStringLiteral("Connected"));
        QCOMPARE(banner->actionText(), QString());
        m_now += 2500;
        banner->refresh();
        QVERIFY(banner->isHidden());
    }

    // Real time: the countdown ticks by itself and "Retry now" asks for an attempt.
    void liveCountdownAndRetryNow()
    {
        BannerLogic::Timing fast;
        fast.blipMs = 0;
        fast.launchGraceMs = 0;
        fast.countdownMinMs = 1000;
        ConnectionBanner banner(fast);
        banner.setState(S::Connected);
        banner.setState(S::Reconnecting, 3500, 2);
        QCOMPARE(banner.text(), QStringLiteral("Connection lost. Reconnecting in 4 s…"));
        QTRY_COMPARE_WITH_TIMEOUT(banner.text(), QStringLiteral("Connection lost. Reconnecting in 3 s…"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(banner.text(), QStringLiteral("Connection lost. Reconnecting in 2 s…"), 5000);
        QCOMPARE(banner.actionText(), QStringLiteral("Retry now"));

        QSignalSpy retry(&banner, &ConnectionBanner::retryRequested);
        QSignalSpy signIn(&banner, &ConnectionBanner::signInRequested);
        QTest::mouseClick(banner.actionButton(), Qt::LeftButton);
        QCOMPARE(retry.count(), 1);
        QCOMPARE(signIn.count(), 0);
        // Nobody acted on it here: when the wait is over the banner says an attempt is under way.
        QTRY_COMPARE_WITH_TIMEOUT(banner.text(), QStringLiteral("Connecting…"), 5000);
        QCOMPARE(banner.actionText(), QString());

        banner.setState(S::SignedOut);
        QTest::mouseClick(banner.actionButton(), Qt::LeftButton);
        QCOMPARE(signIn.count(), 1);
        QCOMPARE(retry.count(), 1);
    }

    // Bound to a real ConnectionManager that cannot reach its server: the banner counts down the
    // manager's own backoff and "Retry now" makes it try again at once.
    void retryNowReachesTheConnection()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        QUrl url(QStringLiteral("ws://127.0.0.1/ws"));
        url.setPort(probe.serverPort());
        probe.close(); // nothing listens there now: every attempt is refused at once

        ConnectionConfig config;
        config.url = url;
        config.backoff.initialMs = 8000;
        config.backoff.maxMs = 8000;
        config.backoff.jitter = BackoffPolicy::Jitter::None;
        ConnectionManager connection(config);
        BannerLogic::Timing fast;
        fast.blipMs = 0;
        fast.launchGraceMs = 0;
        ConnectionBanner banner(fast);
        banner.setConnection(&connection);
        StatusIndicator indicator(fast);
        indicator.setConnection(&connection);
        connection.open();

        QTRY_COMPARE_WITH_TIMEOUT(connection.state(), ConnectionState::Reconnecting, 10000);
        // Nothing ever listened there: nothing was "lost".
        QTRY_VERIFY_WITH_TIMEOUT(banner.text().startsWith(QLatin1String("Could not reach the server. Retrying in")), 5000);
        QCOMPARE(banner.actionText(), QStringLiteral("Retry now"));
        QCOMPARE(indicator.text(), QStringLiteral("Reconnecting…"));
        QVERIFY(indicator.toolTip().contains(url.toString()));
        const int attempts = connection.stats().attempts;

        QTest::mouseClick(banner.actionButton(), Qt::LeftButton);
        // Well before the 8 s backoff is over, a new attempt has been made.
        QTRY_VERIFY_WITH_TIMEOUT(connection.stats().attempts > attempts, 4000);
        connection.close();
    }

    // The indicator follows the banner's flicker rules: a blip under a second leaves it at Online.
    void indicatorIgnoresABlip()
    {
        m_now = 50000;
        StatusIndicator indicator(BannerLogic::Timing(), clock());
        indicator.setConnectionState(S::Connecting);
        m_now += 200;
        indicator.setConnectionState(S::Connected);
        m_now += 60000;
        indicator.evaluate();
        QCOMPARE(indicator.text(), QStringLiteral("Online"));
        QSignalSpy shown(&indicator, &StatusIndicator::shownStateChanged);

        indicator.setConnectionState(S::Reconnecting, 200);
        QCOMPARE(indicator.state(), S::Connected);
        m_now += 200;
        indicator.evaluate();
        indicator.setConnectionState(S::Connecting);
        m_now += 500;
        indicator.evaluate();
        QCOMPARE(indicator.text(), QStringLiteral("Online"));
        QVERIFY(indicator.toolTip().contains(QStringLiteral("Online")));
        indicator.setConnectionState(S::Connected);
        QCOMPARE(indicator.text(), QStringLiteral("Online"));
        QCOMPARE(shown.count(), 0);
    }

    // An outage longer than the blip is shown, with text, colour, icon and tooltip, and its end too.
    void indicatorShowsALongerOutage()
    {
        m_now = 50000;
        StatusIndicator indicator(BannerLogic::Timing(), clock());
        indicator.setConnectionState(S::Connected);
        m_now += 60000;
        QSignalSpy shown(&indicator, &StatusIndicator::shownStateChanged);

        indicator.setConnectionState(S::Reconnecting, 5000);
        m_now += 999;
        indicator.evaluate();
        QCOMPARE(indicator.text(), QStringLiteral("Online"));
        m_now += 1;
        indicator.evaluate();
        QCOMPARE(indicator.state(), S::Reconnecting);
        QCOMPARE(indicator.text(), QStringLiteral("Reconnecting…"));
        QVERIFY(indicator.toolTip().contains(QStringLiteral("Reconnecting…")));
        QVERIFY(indicator.accessibleName().contains(QStringLiteral("Reconnecting…")));
        indicator.setConnectionState(S::WaitingForNetwork);
        QCOMPARE(indicator.text(), QStringLiteral("No network")); // the outage is visible already
        indicator.setConnectionState(S::Connected);
        QCOMPARE(indicator.text(), QStringLiteral("Online"));
        QCOMPARE(shown.count(), 3);
        QCOMPARE(shown.at(0).at(0).value<S>(), S::Reconnecting);
        QCOMPARE(shown.at(2).at(0).value<S>(), S::Connected);
    }

    // No "Connecting…" in the first seconds after launch; a slow launch says it after the grace.
    void indicatorLaunchGrace()
    {
        m_now = 50000;
        {
            StatusIndicator indicator(BannerLogic::Timing(), clock());
            QSignalSpy shown(&indicator, &StatusIndicator::shownStateChanged);
            indicator.setConnectionState(S::Connecting);
            m_now += 2999;
            indicator.evaluate();
            QCOMPARE(indicator.state(), S::Disconnected);
            QVERIFY(indicator.text() != QStringLiteral("Connecting…"));
            indicator.setConnectionState(S::Connected); // a fast launch: straight to Online
            QCOMPARE(indicator.text(), QStringLiteral("Online"));
            QCOMPARE(shown.count(), 1);
        }
        m_now = 50000;
        StatusIndicator slow(BannerLogic::Timing(), clock());
        slow.setConnectionState(S::Connecting);
        m_now += 2000;
        slow.evaluate();
        QVERIFY(slow.text() != QStringLiteral("Connecting…"));
        m_now += 1000;
        slow.evaluate();
        QCOMPARE(slow.text(), QStringLiteral("Connecting…"));
    }

    // Switching the language re-translates a banner that is already on screen.
    void runtimeLanguageSwitch()
    {
        std::unique_ptr<ConnectionBanner> banner(connectedBanner());
        StatusIndicator indicator;
        indicator.setState(S::WaitingForNetwork);
        banner->setState(S::Reconnecting, 9000, 2);
        m_now += 1000;
        banner->refresh();
        QCOMPARE(banner->text(), QStringLiteral("Connection lost. Reconnecting in 8 s…"));
        QVERIFY(Language::apply(QStringLiteral("ru")));
        QTRY_COMPARE(banner->text(), QStringLiteral("Соединение потеряно. Переподключение через 8 с…"));
        QTRY_COMPARE(banner->actionText(), QStringLiteral("Повторить сейчас"));
        QTRY_COMPARE(indicator.text(), QStringLiteral("Нет сети"));
        QVERIFY(Language::apply(QStringLiteral("en")));
        QTRY_COMPARE(banner->text(), QStringLiteral("Connection lost. Reconnecting in 8 s…"));
        QTRY_COMPARE(indicator.text(), QStringLiteral("No network"));
    }
};

QTEST_MAIN(tst_ConnectionStatus)
#include "tst_connectionstatus.moc"
