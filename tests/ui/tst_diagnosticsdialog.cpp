// The diagnostics dialog on a real connection: the event log records from the start and filters
// by text and kind, live figures follow the connection, "Run checks" fills the results, and the
// copied report has everything but the token.

#include "chatserver.h"
#include "connectionmanager.h"
#include "diagnosticsdialog.h"
#include "diagnosticsrunner.h"
#include "language.h"
#include "statepresentation.h"

#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Tether;

namespace {
const char token[] = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.Zm9yZ2VkLXNpZ25hdHVyZQ";
}

class tst_DiagnosticsDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(Language::apply(QStringLiteral("en"))); }

    void liveEventsChecksAndReport()
    {
        QTemporaryDir dir;
        ServerConfig serverConfig;
        serverConfig.databasePath = dir.filePath(QStringLiteral("s.sqlite"));
        serverConfig.allowGuests = true;
        ChatServer server(serverConfig);
        QVERIFY(server.start());

        ConnectionConfig config;
        config.url = server.webSocketUrl();
        config.heartbeatIntervalMs = 200;
        ConnectionManager connection(config);
        connection.open();
        QTRY_COMPARE_WITH_TIMEOUT(connection.state(), ConnectionState::Connected, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(connection.stats().rttLastMs >= 0, 10000);

        // Opened after the fact: the log still starts at launch (the manager keeps it).
        DiagnosticsDialog dialog;
        dialog.setConnection(&connection);
        dialog.show();
        QVERIFY(dialog.eventCount() >= 3);
        QCOMPARE(dialog.eventCount(), int(connection.events().size()));
        auto *state = dialog.findChild<QLabel *>(QStringLiteral("live_state"));
        QVERIFY(state);
        QCOMPARE(state->text(), StatePresentation::text(ConnectionState::Connected));
        QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("live_rtt"))->text().contains(QLatin1String("ms")));

        // New events arrive as they happen; the filter narrows them.
        const int before = dialog.eventCount();
        connection.setCredentials(Credentials{QString::fromLatin1(token), QString(), QUrl()});
        connection.close();
        connection.open(); // with a forged token: the server refuses it
        QTRY_VERIFY_WITH_TIMEOUT(dialog.eventCount() > before, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(connection.state() != ConnectionState::Connecting, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(state->text(), StatePresentation::text(connection.state()), 5000);
        dialog.setEventFilter(QStringLiteral("attempt 1"));
        QVERIFY(dialog.visibleEventCount() > 0);
        QVERIFY(dialog.visibleEventCount() < dialog.eventCount());
        dialog.setEventFilter(QString(), QStringLiteral("state"));
        const int states = dialog.visibleEventCount();
        int expected = 0;
        for (const ConnectionEvent &e : connection.events())
            expected += e.kind == ConnectionEvent::Kind::State ? 1 : 0;
        QCOMPARE(states, expected);
        dialog.setEventFilter(QString(), QString());
        QCOMPARE(dialog.visibleEventCount(), dialog.eventCount());

        // Run checks from the button.
        QSignalSpy done(dialog.runner(), &DiagnosticsRunner::finished);
        dialog.setCheckUrl(server.webSocketUrl());
        dialog.findChild<QPushButton *>(QStringLiteral("runChecksButton"))->click();
        QVERIFY(done.wait(60000));
        QCOMPARE(dialog.runner()->results().size(), DiagnosticsRunner::checkIds().size());

        dialog.copyReport();
        const QString report = QApplication::clipboard()->text();
        QVERIFY(!report.isEmpty());
        QVERIFY2(!report.contains(QString::fromLatin1(token)), "the access token leaked into the report");
        QVERIFY(!report.contains(QLatin1String("Zm9yZ2VkLXNpZ25hdHVyZQ")));
        QVERIFY(report.contains(QLatin1String("Checks against")));
        QVERIFY(report.contains(QLatin1String("[PASS] WebSocket handshake")));
        QVERIFY(report.contains(QLatin1String("Recent events")));
        QVERIFY(report.contains(QLatin1String("\"events\"")));
        connection.close();
    }

    void keepsOnlyTheLast500()
    {
        DiagnosticsDialog dialog;
        ConnectionConfig config;
        config.url = QUrl(QStringLiteral("ws://127.0.0.1:9/ws"));
        config.eventLogLimit = 2000;
        config.backoff.initialMs = 1;
        config.backoff.maxMs = 1;
        config.backoff.jitter = BackoffPolicy::Jitter::None;
        ConnectionManager connection(config);
        dialog.setConnection(&connection);
        connection.open(); // refused again and again: several events per attempt
        QTRY_VERIFY_WITH_TIMEOUT(connection.stats().attempts > 200, 60000);
        connection.close();
        QCOMPARE(dialog.eventCount(), DiagnosticsDialog::MaxEvents);
    }
};

QTEST_MAIN(tst_DiagnosticsDialog)
#include "tst_diagnosticsdialog.moc"
