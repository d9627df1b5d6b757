// The status-bar indicator, the connection banner and the tray as people see them, in English and
// Russian: all three read one ConnectionPresentation, so they tell the same story; the live
// countdown, "Retry now", accessible names that follow the state, and switching language while
// they are open.

#include "connectionbanner.h"
#include "connectionmanager.h"
#include "connectionpresentation.h"
#include "language.h"
#include "statusindicator.h"
#include "traynotifier.h"

#include <QApplication>
#include <QPushButton>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <functional>

using namespace Tether;
using S = ConnectionState;
using H = StatusLogic::Headline;
using C = StatusLogic::Cause;

namespace {

StatusTiming immediate()
{
    StatusTiming t;
    t.blipMs = 0;
    t.launchGraceMs = 0;
    return t;
}

// Inputs as ConnectionManager sends them, leading to each story.
using Story = std::function<void(ConnectionPresentation &)>;

void connectedThenDropped(ConnectionPresentation &p, int waitMs)
{
    p.setState(S::Connecting, 1);
    p.setState(S::Connected);
    p.closed(1006);
    p.scheduleRetry(1, waitMs);
    p.setState(S::Reconnecting, 1);
}

void refused(ConnectionPresentation &p, C cause, int status)
{
    p.setState(S::Connecting, 1);
    p.attemptFailed(cause, status);
    p.scheduleRetry(2, 8000);
    p.setState(S::Reconnecting, 2);
}

} // namespace

class TestConnectionStatus : public QObject
{
    Q_OBJECT

private:
    qint64 m_now = 50000;
    StatusLogic::Clock clock()
    {
        return [this] { return m_now; };
    }

    struct Row
    {
        const char *name;
        Story story;
        const char *indicatorEn;
        const char *indicatorRu;
        const char *bannerEn;
        const char *bannerRu;
        const char *actionEn;
        const char *actionRu;
    };
    static QList<Row> rows()
    {
        return {
            {"online", [](ConnectionPresentation &p) { p.setState(S::Connected); }, "Online", "В сети", "", "", "", ""},
            {"offline", [](ConnectionPresentation &) {}, "Offline", "Не в сети", "", "", "", ""},
            {"connecting", [](ConnectionPresentation &p) { p.setState(S::Connecting, 1); }, "Connecting…",
             "Подключение…", "Connecting… (attempt 1)", "Подключение… (попытка 1)", "", ""},
            {"lost", [](ConnectionPresentation &p) { connectedThenDropped(p, 8000); }, "Connection lost",
             "Соединение потеряно", "Connection lost. Reconnecting in 8 s…",
             "Соединение потеряно. Переподключение через 8 с…", "Retry now", "Повторить сейчас"},
            {"lost-attempt",
             [](ConnectionPresentation &p) {
                 connectedThenDropped(p, 300);
                 p.setState(S::Connecting, 3);
             },
             "Connection lost", "Соединение потеряно", "Connection lost. Connecting… (attempt 3)",
             "Соединение потеряно. Подключение… (попытка 3)", "Retry now", "Повторить сейчас"},
            {"dead-link",
             [](ConnectionPresentation &p) {
                 p.setState(S::Connected);
                 p.linkDead();
                 p.closed(1006);
                 p.scheduleRetry(1, 5000);
                 p.setState(S::Reconnecting, 1);
             },
             "Connection lost", "Соединение потеряно",
             "Connection lost. The server stopped answering. Reconnecting in 5 s…",
             "Соединение потеряно. Сервер перестал отвечать. Переподключение через 5 с…", "Retry now",
             "Повторить сейчас"},
            {"unreachable", [](ConnectionPresentation &p) { refused(p, C::NothingListening, 0); }, "Server unreachable",
             "Сервер недоступен", "Could not reach the server. Nothing answers at this address. Retrying in 8 s…",
             "Не удалось связаться с сервером. По этому адресу никто не отвечает. Повтор через 8 с…", "Retry now",
             "Повторить сейчас"},
            {"not-tether", [](ConnectionPresentation &p) { refused(p, C::HttpStatus, 404); }, "Not a Tether server",
             "Это не сервер Tether", "Not a Tether server at this address (HTTP 404). Retrying in 8 s…",
             "По этому адресу отвечает не сервер Tether (HTTP 404). Повтор через 8 с…", "Retry now", "Повторить сейчас"},
            {"certificate", [](ConnectionPresentation &p) { refused(p, C::Certificate, 0); }, "Certificate not trusted",
             "Сертификат не доверенный", "The server's certificate is not trusted. Retrying in 8 s…",
             "Сертификату сервера нет доверия. Повтор через 8 с…", "Retry now", "Повторить сейчас"},
            {"restarting",
             [](ConnectionPresentation &p) {
                 p.setState(S::Connected);
                 p.closed(1012, 4000);
                 p.scheduleRetry(1, 4000);
                 p.setState(S::Reconnecting, 1);
             },
             "Server restarting", "Сервер перезапускается", "Server restarting — back in 4 s.",
             "Сервер перезапускается — вернётся через 4 с.", "Retry now", "Повторить сейчас"},
            {"no-network", [](ConnectionPresentation &p) { p.setState(S::WaitingForNetwork); }, "No network", "Нет сети",
             "Waiting for network…", "Ожидание сети…", "", ""},
            {"access-refused",
             [](ConnectionPresentation &p) {
                 p.setState(S::Connected);
                 p.closed(4003);
                 p.setState(S::SignedOut);
             },
             "Access refused", "Доступ запрещён", "Access refused by the server (4003).",
             "Сервер отказал в доступе (4003).", "Sign in", "Войти"},
            {"session-expired", [](ConnectionPresentation &p) { p.setState(S::SignedOut); }, "Signed out",
             "Сеанс завершён", "Session expired: sign in again to keep chatting.", "Сеанс истёк: войдите снова, чтобы продолжить переписку.", "Sign in", "Войти"},
            {"failed-1",
             [](ConnectionPresentation &p) {
                 p.attemptFailed(C::HostNotFound);
                 p.setState(S::Failed, 1);
             },
             "Connection failed", "Не удалось подключиться",
             "Could not connect after 1 attempt. The server name was not found.",
             "Не удалось подключиться после 1 попытки. Имя сервера не найдено.", "Retry", "Повторить"},
            {"failed-3",
             [](ConnectionPresentation &p) {
                 p.attemptFailed(C::NoAnswer);
                 p.setState(S::Failed, 3);
             },
             "Connection failed", "Не удалось подключиться",
             "Could not connect after 3 attempts. The server did not answer in time.",
             "Не удалось подключиться после 3 попыток. Сервер не ответил вовремя.", "Retry", "Повторить"},
        };
    }

private Q_SLOTS:
    void cleanup() { Language::apply(QStringLiteral("en")); }

    // Banner, indicator, tray and tooltip tell the same story, in both languages.
    void oneStoryEverywhere_data()
    {
        QTest::addColumn<QString>("lang");
        QTest::addColumn<int>("row");
        const QList<Row> all = rows();
        for (int i = 0; i < all.size(); ++i) {
            QTest::addRow("en-%s", all[i].name) << QStringLiteral("en") << i;
            QTest::addRow("ru-%s", all[i].name) << QStringLiteral("ru") << i;
        }
    }
    void oneStoryEverywhere()
    {
        QFETCH(QString, lang);
        QFETCH(int, row);
        const Row r = rows().at(row);
        const bool ru = lang == QLatin1String("ru");
        QVERIFY(Language::apply(lang));
        ConnectionPresentation p(immediate(), clock());
        ConnectionBanner banner(&p);
        StatusIndicator indicator(&p);
        TrayNotifier tray(nullptr);
        tray.setPresentation(&p);
        r.story(p);

        const QString headline = QString::fromUtf8(ru ? r.indicatorRu : r.indicatorEn);
        const QString story = QString::fromUtf8(ru ? r.bannerRu : r.bannerEn);
        const QString action = QString::fromUtf8(ru ? r.actionRu : r.actionEn);
        QCOMPARE(indicator.text(), headline);
        QCOMPARE(banner.text(), story);
        QCOMPARE(banner.isHidden(), story.isEmpty());
        QCOMPARE(banner.actionText(), action);
        QVERIFY(tray.toolTip().contains(headline));
        QVERIFY(indicator.toolTip().contains(headline));
        if (!story.isEmpty()) {
            QVERIFY2(tray.toolTip().contains(story), qPrintable(tray.toolTip()));
            QVERIFY2(indicator.toolTip().contains(story), qPrintable(indicator.toolTip()));
        }
        // Accessible names follow the state.
        QVERIFY2(indicator.accessibleName().contains(headline), qPrintable(indicator.accessibleName()));
        if (!story.isEmpty())
            QVERIFY2(banner.accessibleName().contains(story), qPrintable(banner.accessibleName()));
    }

    void indicatorTooltip()
    {
        ConnectionPresentation p(immediate(), clock());
        StatusIndicator indicator(&p);
        ConnectionStats stats;
        stats.lastCloseCode = 1006;
        stats.lastCloseReason = QStringLiteral("Connection reset by peer");
        stats.rttLastMs = 42;
        p.setDetails(QUrl(QStringLiteral("ws://127.0.0.1:4444/ws")), stats);
        connectedThenDropped(p, 9000);
        const QString tip = indicator.toolTip();
        QVERIFY2(tip.contains(QLatin1String("ws://127.0.0.1:4444/ws")), qPrintable(tip));
        QVERIFY2(tip.contains(QLatin1String("1006 (connection dropped)")), qPrintable(tip));
        QVERIFY2(tip.contains(QLatin1String("42 ms")), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("Connection lost. Reconnecting in 9 s…")), qPrintable(tip));
        QVERIFY2(!tip.contains(QLatin1String("reset by peer")), "a raw socket text in the tooltip");

        QVERIFY(Language::apply(QStringLiteral("ru")));
        QTRY_VERIFY2(indicator.toolTip().contains(QStringLiteral("1006 (соединение оборвалось)")),
                     qPrintable(indicator.toolTip()));
        QVERIFY(indicator.toolTip().contains(QStringLiteral("42 мс")));
    }

    // "Last heard from the server N s ago": in the banner while reconnecting, in the tooltip always,
    // in both languages; nothing when no frame ever came.
    void lastHeard_data()
    {
        QTest::addColumn<QString>("lang");
        QTest::addColumn<int>("silentS");
        QTest::addColumn<QString>("heard");
        QTest::newRow("en 7 s") << QStringLiteral("en") << 7 << QStringLiteral("Last heard from the server 7 s ago.");
        QTest::newRow("en 3 min") << QStringLiteral("en") << 185 << QStringLiteral("Last heard from the server 3 min ago.");
        QTest::newRow("en 5 h") << QStringLiteral("en") << 5 * 3600 + 9 << QStringLiteral("Last heard from the server 5 h ago.");
        QTest::newRow("ru 7 s") << QStringLiteral("ru") << 7 << QStringLiteral("Последний ответ сервера — 7 с назад.");
        QTest::newRow("ru 21 s") << QStringLiteral("ru") << 21 << QStringLiteral("Последний ответ сервера — 21 с назад.");
        QTest::newRow("ru 3 min") << QStringLiteral("ru") << 185 << QStringLiteral("Последний ответ сервера — 3 мин назад.");
    }
    void lastHeard()
    {
        QFETCH(QString, lang);
        QFETCH(int, silentS);
        QFETCH(QString, heard);
        QVERIFY(Language::apply(lang));
        const QDateTime wallNow = QDateTime(QDate(2026, 11, 30), QTime(12, 0), Qt::UTC);
        ConnectionPresentation p(immediate(), clock());
        p.setWallClock([wallNow] { return wallNow; });
        ConnectionBanner banner(&p);
        StatusIndicator indicator(&p);
        ConnectionStats stats;
        stats.lastFrameAt = wallNow.addSecs(-silentS);
        p.setDetails(QUrl(QStringLiteral("ws://127.0.0.1:4444/ws")), stats);

        p.setState(S::Connecting, 1);
        p.setState(S::Connected);
        QVERIFY2(indicator.toolTip().contains(heard), qPrintable(indicator.toolTip())); // its own line

        p.closed(1006);
        p.scheduleRetry(1, 9000);
        p.setState(S::Reconnecting, 1);
        QVERIFY(!banner.isHidden());
        QVERIFY2(banner.text().endsWith(QLatin1Char(' ') + heard), qPrintable(banner.text()));
        QVERIFY2(banner.accessibleName().contains(heard), qPrintable(banner.accessibleName()));
        QCOMPARE(indicator.toolTip().count(heard), 1); // in the story line, not twice
        // To look at it (e.g. under Xvfb): TETHER_SHOT_DIR=/tmp/shots ctest -R connectionstatus
        if (const QString dir = qEnvironmentVariable("TETHER_SHOT_DIR"); !dir.isEmpty()) {
            banner.resize(640, banner.sizeHint().height());
            banner.grab().save(dir + QStringLiteral("/banner-%1.png").arg(QString::fromLatin1(QTest::currentDataTag())));
        }

        p.setState(S::Connecting, 2); // the attempt under way still says it
        QVERIFY2(banner.text().endsWith(heard), qPrintable(banner.text()));

        // A wall clock set back says 0 s, never a negative time.
        p.setWallClock([wallNow, silentS] { return wallNow.addSecs(-silentS - 60); });
        p.refresh();
        QVERIFY2(p.bannerText().contains(lang == QLatin1String("ru") ? QStringLiteral(" 0 с назад.")
                                                                     : QStringLiteral(" 0 s ago.")),
                 qPrintable(p.bannerText()));

        // Never heard: nothing in the banner, the tooltip says so.
        p.setDetails(QUrl(QStringLiteral("ws://127.0.0.1:4444/ws")), ConnectionStats());
        p.refresh();
        const QString none = lang == QLatin1String("ru") ? QStringLiteral("Сервер ещё ни разу не ответил.")
                                                         : QStringLiteral("Not heard from the server yet.");
        QVERIFY2(!banner.text().contains(none) && !p.bannerText().contains(heard.left(10)), qPrintable(p.bannerText()));
        p.setState(S::Connected);
        QVERIFY2(indicator.toolTip().contains(none), qPrintable(indicator.toolTip()));
    }

    // Real time: the countdown ticks by itself and "Retry now" reaches the presentation.
    void liveCountdownAndRetryNow()
    {
        ConnectionPresentation p(immediate());
        ConnectionBanner banner(&p);
        connectedThenDropped(p, 3500);
        QCOMPARE(banner.text(), QStringLiteral("Connection lost. Reconnecting in 4 s…"));
        QTRY_COMPARE_WITH_TIMEOUT(banner.text(), QStringLiteral("Connection lost. Reconnecting in 3 s…"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(banner.text(), QStringLiteral("Connection lost. Reconnecting in 2 s…"), 5000);
        QCOMPARE(banner.actionText(), QStringLiteral("Retry now"));

        QSignalSpy retry(&p, &ConnectionPresentation::retryRequested);
        QSignalSpy signIn(&banner, &ConnectionBanner::signInRequested);
        QTest::mouseClick(banner.actionButton(), Qt::LeftButton);
        QCOMPARE(retry.count(), 1);
        QCOMPARE(signIn.count(), 0);
        // Nobody acted on it here: when the wait is over the banner shows the attempt that is due.
        QTRY_COMPARE_WITH_TIMEOUT(banner.text(), QStringLiteral("Connection lost. Connecting… (attempt 1)"), 5000);

        p.setState(S::SignedOut);
        QTest::mouseClick(banner.actionButton(), Qt::LeftButton);
        QCOMPARE(signIn.count(), 1);
        QCOMPARE(retry.count(), 1);
    }

    // The attempt under way counts its seconds: no endless "Connecting…".
    void attemptCountsItsSeconds()
    {
        ConnectionPresentation p(immediate());
        ConnectionBanner banner(&p);
        connectedThenDropped(p, 300);
        p.setState(S::Connecting, 2);
        QCOMPARE(banner.text(), QStringLiteral("Connection lost. Connecting… (attempt 2)"));
        QVERIFY(!banner.actionButton()->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(banner.text(), QStringLiteral("Connection lost. Connecting… (attempt 2, 1 s)"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(banner.text(), QStringLiteral("Connection lost. Connecting… (attempt 2, 2 s)"), 5000);
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
        ConnectionPresentation p(immediate());
        ConnectionBanner banner(&p);
        StatusIndicator indicator(&p);
        p.setConnection(&connection);
        connection.open();

        QTRY_COMPARE_WITH_TIMEOUT(connection.state(), ConnectionState::Reconnecting, 10000);
        // Nothing ever listened there: nothing was "lost".
        QTRY_VERIFY_WITH_TIMEOUT(banner.text().startsWith(QLatin1String("Could not reach the server. Nothing answers at this address. Retrying in")), 5000);
        QCOMPARE(banner.actionText(), QStringLiteral("Retry now"));
        QCOMPARE(indicator.text(), QStringLiteral("Server unreachable"));
        QVERIFY(indicator.toolTip().contains(url.toString()));
        const int attempts = connection.stats().attempts;

        QTest::mouseClick(banner.actionButton(), Qt::LeftButton);
        // Well before the 8 s backoff is over, a new attempt has been made.
        QTRY_VERIFY_WITH_TIMEOUT(connection.stats().attempts > attempts, 4000);
        connection.close();
    }

    // A blip under a second leaves everything at Online.
    void aBlipChangesNothing()
    {
        ConnectionPresentation p(StatusTiming(), clock());
        StatusIndicator indicator(&p);
        ConnectionBanner banner(&p);
        p.setState(S::Connecting, 1);
        m_now += 200;
        p.setState(S::Connected);
        m_now += 60000;
        p.refresh();
        QCOMPARE(indicator.text(), QStringLiteral("Online"));
        QSignalSpy shown(&indicator, &StatusIndicator::headlineChanged);

        p.closed(1006);
        p.scheduleRetry(1, 200);
        p.setState(S::Reconnecting, 1);
        m_now += 200;
        p.setState(S::Connecting, 1);
        m_now += 500;
        p.refresh();
        QCOMPARE(indicator.text(), QStringLiteral("Online"));
        QVERIFY(banner.isHidden());
        p.setState(S::Connected);
        QCOMPARE(indicator.text(), QStringLiteral("Online"));
        QCOMPARE(shown.count(), 0);
        QVERIFY(banner.isHidden());
    }

    // Switching the language re-translates a banner and an indicator that are already on screen.
    void runtimeLanguageSwitch()
    {
        ConnectionPresentation p(immediate(), clock());
        ConnectionBanner banner(&p);
        StatusIndicator indicator(&p);
        connectedThenDropped(p, 9000);
        m_now += 1000;
        p.refresh();
        QCOMPARE(banner.text(), QStringLiteral("Connection lost. Reconnecting in 8 s…"));
        QVERIFY(Language::apply(QStringLiteral("ru")));
        QTRY_COMPARE(banner.text(), QStringLiteral("Соединение потеряно. Переподключение через 8 с…"));
        QTRY_COMPARE(banner.actionText(), QStringLiteral("Повторить сейчас"));
        QTRY_COMPARE(indicator.text(), QStringLiteral("Соединение потеряно"));
        QVERIFY(Language::apply(QStringLiteral("en")));
        QTRY_COMPARE(banner.text(), QStringLiteral("Connection lost. Reconnecting in 8 s…"));
        QTRY_COMPARE(indicator.text(), QStringLiteral("Connection lost"));
    }
};

QTEST_MAIN(TestConnectionStatus)
#include "tst_connectionstatus.moc"
