// The diagnostics dialog on a real connection: the event log records from the start and filters
// by text and kind, live figures follow the connection, "Run checks" fills the results, and the
// copied report has everything but the token.

#include "chatserver.h"
#include "connectionmanager.h"
#include "diagnosticsdialog.h"
#include "diagnosticsreport.h"
#include "diagnosticsrunner.h"
#include "language.h"
#include "statepresentation.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTextBrowser>
#include <QTabWidget>
#include <QPlainTextEdit>
#include <QTreeView>
#include <QHeaderView>
#include <QRegularExpression>
#include <QTest>

using namespace Tether;

namespace {
const char token[] = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.Zm9yZ2VkLXNpZ25hdHVyZQ";
}

class TestDiagnosticsDialog : public QObject
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
        // Finding 12: the verdict first, the checks once, no JSON unless asked for.
        QVERIFY2(report.section(QLatin1Char('\n'), 1, 1).startsWith(QLatin1String("Verdict: ")), qPrintable(report));
        QCOMPARE(report.count(QLatin1String("WebSocket handshake")), 1);
        QVERIFY(!report.contains(QLatin1String("\"events\"")));
        connection.close();
    }

    // Finding 12 and 11: run in Russian, the dialog reads Russian (checks, report tab, Qt's own
    // error texts) while the copied report is English from its first to its last line; the event
    // log's columns fit their texts.
    void russianDialogEnglishReport()
    {
        QVERIFY(Language::apply(QStringLiteral("ru")));
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        ConnectionConfig config;
        config.url = QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(port));
        config.backoff.initialMs = 60000;
        ConnectionManager connection(config);
        connection.open();
        QTRY_COMPARE_WITH_TIMEOUT(connection.state(), ConnectionState::Reconnecting, 10000);

        DiagnosticsDialog dialog;
        dialog.setConnection(&connection);
        dialog.setAccount(false, QString());
        dialog.resize(900, 600);
        dialog.show();
        QSignalSpy done(dialog.runner(), &DiagnosticsRunner::finished);
        dialog.setCheckUrl(config.url);
        dialog.runChecks();
        QVERIFY(done.wait(60000));

        static const QRegularExpression cyrillic(QStringLiteral("[\\x{0400}-\\x{04FF}]"));
        const QString english = dialog.reportText();
        QVERIFY2(!english.contains(cyrillic), qPrintable(english.split(QLatin1Char('\n')).filter(cyrillic).join(QLatin1Char('\n'))));
        QVERIFY2(english.contains(QLatin1String("[FAIL] TCP connect")), qPrintable(english));
        QVERIFY2(english.contains(QLatin1String("Connection refused")), qPrintable(english)); // Qt's words, in English
        QVERIFY2(english.contains(QLatin1String("nothing is listening")), qPrintable(english));
        QVERIFY(english.contains(QLatin1String("Account: a guest")));
        QVERIFY(!english.contains(QChar(DiagnosticsReport::BothBegin)));

        const QString russian = dialog.translatedReportText();
        QVERIFY2(russian.contains(QStringLiteral("[СБОЙ] Соединение TCP")), qPrintable(russian));
        QVERIFY2(russian.contains(QStringLiteral("Отказано в соединении")), qPrintable(russian)); // qtbase_ru
        QVERIFY2(!russian.contains(QLatin1String("Connection refused")), qPrintable(russian));
        QVERIFY(!russian.contains(QChar(DiagnosticsReport::BothBegin)));
        auto *checksView = dialog.findChild<QTextBrowser *>(QStringLiteral("checksView"));
        QVERIFY(checksView->toPlainText().contains(QStringLiteral("Соединение TCP")));
        // The checks split out of the runner (LocalChecks and its siblings) speak Russian too.
        QVERIFY2(checksView->toPlainText().contains(QStringLiteral("Без прокси: соединения идут напрямую к серверу")),
                 qPrintable(checksView->toPlainText()));
        QVERIFY(!checksView->toPlainText().contains(QChar(DiagnosticsReport::BothBegin)));
        dialog.findChild<QTabWidget *>()->setCurrentIndex(DiagnosticsDialog::ReportTab);
        QCOMPARE(dialog.findChild<QPlainTextEdit *>(QStringLiteral("reportView"))->toPlainText(), dialog.translatedReportText());

        // The event log: no column narrower than its header or its longest text.
        dialog.findChild<QTabWidget *>()->setCurrentIndex(2);
        QTreeView *view = dialog.eventsView();
        QApplication::processEvents();
        for (int column = 0; column < 2; ++column) {
            const QString header = view->model()->headerData(column, Qt::Horizontal).toString();
            const int needed = view->header()->fontMetrics().horizontalAdvance(header);
            QVERIFY2(view->header()->sectionSize(column) > needed,
                     qPrintable(QStringLiteral("column %1 \"%2\": %3 px for %4 px of text")
                                    .arg(column).arg(header).arg(view->header()->sectionSize(column)).arg(needed)));
            for (int row = 0; row < view->model()->rowCount(); ++row) {
                const QString text = view->model()->index(row, column).data().toString();
                QVERIFY2(view->header()->sectionSize(column) >= view->fontMetrics().horizontalAdvance(text),
                         qPrintable(text));
            }
        }
        connection.close();
        QVERIFY(Language::apply(QStringLiteral("en")));
    }

    // A server that accepts the connection and then says nothing: the HTTP check times out. It
    // says so, with the bound, in both languages, never Qt's "Operation canceled" (issue 14).
    void timeoutIsNamedAsATimeout()
    {
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
        QList<QTcpSocket *> held; // accepted, never answered
        connect(&silent, &QTcpServer::newConnection, &silent, [&] {
            while (QTcpSocket *socket = silent.nextPendingConnection())
                held << socket;
        });
        const QUrl url(QStringLiteral("ws://127.0.0.1:%1/ws").arg(silent.serverPort()));
        for (const char *language : {"en", "ru"}) {
            QVERIFY(Language::apply(QLatin1String(language)));
            DiagnosticsDialog dialog;
            dialog.setAccount(false, QString());
            DiagnosticsOptions options = dialog.runner()->options();
            options.timeoutMs = 700;
            dialog.runner()->setOptions(options);
            QSignalSpy done(dialog.runner(), &DiagnosticsRunner::finished);
            dialog.setCheckUrl(url);
            dialog.runChecks();
            QVERIFY(done.wait(60000));

            const QList<DiagnosticCheck> results = dialog.runner()->results(); // a copy: kept while used
            const DiagnosticCheck *http = nullptr;
            for (const DiagnosticCheck &c : results)
                if (c.id == QLatin1String("http_health"))
                    http = &c;
            QVERIFY(http);
            QCOMPARE(http->status, DiagnosticCheck::Status::Failed);
            QVERIFY(http->data.value(QStringLiteral("timed_out")).toBool());
            const QString english = dialog.reportText();
            QVERIFY2(english.contains(QLatin1String("did not answer within 700 ms (timed out)")), qPrintable(english));
            QVERIFY2(!english.contains(QLatin1String("canceled"), Qt::CaseInsensitive), qPrintable(english));
            const QString shown = dialog.translatedReportText();
            QVERIFY2(!shown.contains(QLatin1String("canceled"), Qt::CaseInsensitive), qPrintable(shown));
            QVERIFY2(!shown.contains(QStringLiteral("отменена")), qPrintable(shown));
            if (QLatin1String(language) == QLatin1String("ru"))
                QVERIFY2(shown.contains(QStringLiteral("не ответил за 700 мс (время ожидания истекло)")), qPrintable(shown));
            else
                QCOMPARE(shown, english);
        }
        qDeleteAll(held);
        QVERIFY(Language::apply(QStringLiteral("en")));
    }

    // Finding 12: signed in or a guest, and the name only if the user lets it be shared.
    void accountWithOrWithoutTheName()
    {
        DiagnosticsDialog dialog;
        dialog.setAccount(false, QString());
        QVERIFY2(dialog.reportText().contains(QLatin1String("Account: a guest (not signed in)")), qPrintable(dialog.reportText()));
        dialog.setAccount(true, QStringLiteral("alice"));
        QVERIFY(dialog.reportText().contains(QLatin1String("Account: signed in as alice")));
        QCheckBox *share = dialog.shareNameBox();
        QVERIFY(!share->isHidden());
        share->setChecked(false);
        QVERIFY2(dialog.reportText().contains(QLatin1String("Account: signed in (the name is not shared)")),
                 qPrintable(dialog.reportText()));
        QVERIFY(!dialog.reportText().contains(QLatin1String("alice")));
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

QTEST_MAIN(TestDiagnosticsDialog)
#include "tst_diagnosticsdialog.moc"
