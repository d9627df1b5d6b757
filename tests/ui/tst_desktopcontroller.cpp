// The desktop app's wiring: with nothing configured it starts the embedded server and connects as
// a guest; settings apply without a restart (language, proxy), and when the configured server
// keeps failing the fallback server is tried and used.

#include "chatserver.h"
#include "chatwindow.h"
#include "connectionmanager.h"
#include "desktopcontroller.h"
#include "settingsdialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkProxy>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Tether;

class TestDesktopController : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("TetherTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_desktopcontroller"));
        QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).removeRecursively();
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
        QSettings().clear();
    }

    void freshStartAppliedSettingsAndFallback()
    {
        LaunchOptions options;
        options.language = QStringLiteral("en");
        DesktopController controller(options);
        QString error;
        QVERIFY2(controller.start(&error), qPrintable(error));
        QVERIFY(controller.usesEmbeddedServer());
        QVERIFY(controller.window()->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(controller.connection()->state(), ConnectionState::Connected, 30000);
        QCOMPARE(controller.connection()->displayUrl().host(), QStringLiteral("127.0.0.1"));
        auto *send = controller.window()->findChild<QPushButton *>(QStringLiteral("sendButton"));
        QCOMPARE(send->text(), QStringLiteral("Send"));

        // Language and proxy: applied at once.
        AppSettings s = controller.settings();
        s.language = QStringLiteral("ru");
        s.proxyMode = AppSettings::ProxyMode::None;
        controller.applySettings(s);
        QTRY_COMPARE(send->text(), QStringLiteral("Отправить"));
        QCOMPARE(QNetworkProxy::applicationProxy().type(), QNetworkProxy::NoProxy);
        QCOMPARE(QSettings().value(QStringLiteral("ui/language")).toString(), QStringLiteral("ru"));

        // A server that refuses, with a working fallback: after one failed attempt the fallback is used.
        QTemporaryDir serverDir;
        ServerConfig serverConfig;
        serverConfig.databasePath = serverDir.filePath(QStringLiteral("s.sqlite"));
        serverConfig.allowGuests = true;
        serverConfig.demo = true;
        ChatServer fallback(serverConfig);
        QVERIFY(fallback.start());
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        QUrl dead(QStringLiteral("ws://127.0.0.1/ws"));
        dead.setPort(probe.serverPort());
        probe.close();

        s.serverUrl = dead.toString();
        s.fallbackServers = {fallback.webSocketUrl().toString()};
        s.failuresBeforeFallback = 1;
        s.backoffInitialMs = 100;
        s.backoffMaxMs = 300;
        controller.applySettings(s);
        QVERIFY(!controller.usesEmbeddedServer());
        QTRY_VERIFY_WITH_TIMEOUT(controller.connection()->state() == ConnectionState::Connected
                                     && controller.connection()->displayUrl().port() == fallback.webSocketUrl().port(),
                                 30000);
        QCOMPARE(QSettings().value(QStringLiteral("connection/server")).toString(), dead.toString());
        controller.connection()->close();
    }

    // Settings that shape the socket reach a live connection by a controlled reconnect; the rest do not.
    void connectionSettingsReconnectWhileConnected()
    {
        QSettings().clear();
        QTemporaryDir serverDir;
        ServerConfig serverConfig;
        serverConfig.allowGuests = true;
        serverConfig.demo = true;
        serverConfig.databasePath = serverDir.filePath(QStringLiteral("a.sqlite"));
        ChatServer first(serverConfig);
        QVERIFY(first.start());
        serverConfig.databasePath = serverDir.filePath(QStringLiteral("b.sqlite"));
        ChatServer second(serverConfig);
        QVERIFY(second.start());

        LaunchOptions options;
        options.language = QStringLiteral("en");
        DesktopController controller(options);
        QVERIFY(controller.start());
        ConnectionManager *connection = controller.connection();
        QTRY_COMPARE_WITH_TIMEOUT(connection->state(), ConnectionState::Connected, 30000);

        AppSettings s = controller.settings();
        s.serverUrl = first.webSocketUrl().toString();
        controller.applySettings(s);
        QTRY_VERIFY_WITH_TIMEOUT(connection->state() == ConnectionState::Connected
                                     && connection->displayUrl().port() == first.webSocketUrl().port(),
                                 30000);

        // Another server while Connected: the app ends up connected to it.
        s.serverUrl = second.webSocketUrl().toString();
        controller.applySettings(s);
        QTRY_VERIFY_WITH_TIMEOUT(connection->state() == ConnectionState::Connected
                                     && connection->displayUrl().port() == second.webSocketUrl().port(),
                                 30000);

        // Only the language: the live connection is left alone.
        QSignalSpy states(connection, &ConnectionManager::stateChanged);
        s.language = QStringLiteral("ru");
        controller.applySettings(s);
        QCOMPARE(connection->state(), ConnectionState::Connected);
        QCOMPARE(states.count(), 0);

        // A timing while Connected: closed with 1000 and connected again, with the new value in force.
        QSignalSpy closed(connection, &ConnectionManager::closed);
        QSignalSpy connected(connection, &ConnectionManager::connected);
        s.heartbeatIntervalMs = 7000;
        controller.applySettings(s);
        QVERIFY(closed.count() >= 1 || closed.wait(10000));
        QCOMPARE(closed.first().at(0).toInt(), 1000);
        QTRY_VERIFY_WITH_TIMEOUT(connected.count() >= 1, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(connection->state(), ConnectionState::Connected, 30000);
        QCOMPARE(connection->config().heartbeatIntervalMs, 7000);
        QCOMPARE(connection->displayUrl().port(), second.webSocketUrl().port());

        // A proxy change too (none -> system, both reach 127.0.0.1 directly here).
        connected.clear();
        s.proxyMode = s.proxyMode == AppSettings::ProxyMode::None ? AppSettings::ProxyMode::System
                                                                  : AppSettings::ProxyMode::None;
        controller.applySettings(s);
        QTRY_VERIFY_WITH_TIMEOUT(connected.count() >= 1, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(connection->state(), ConnectionState::Connected, 30000);
        connection->close();
    }

    // Finding 9: Settings ▸ Server names the server in use, also under --server, and applies a
    // new one at once (or says why it cannot).
    void settingsShowAndChangeTheServerInUse()
    {
        QSettings().clear();
        QTemporaryDir serverDir;
        ServerConfig serverConfig;
        serverConfig.allowGuests = true;
        serverConfig.databasePath = serverDir.filePath(QStringLiteral("a.sqlite"));
        ChatServer first(serverConfig);
        QVERIFY(first.start());
        serverConfig.databasePath = serverDir.filePath(QStringLiteral("b.sqlite"));
        ChatServer second(serverConfig);
        QVERIFY(second.start());

        LaunchOptions options;
        options.language = QStringLiteral("en");
        options.server = first.webSocketUrl().toString();
        DesktopController controller(options);
        QVERIFY(controller.start());
        ConnectionManager *connection = controller.connection();
        QTRY_COMPARE_WITH_TIMEOUT(connection->state(), ConnectionState::Connected, 30000);

        controller.showSettings();
        auto *dialog = controller.window()->findChild<SettingsDialog *>();
        QVERIFY(dialog);
        QVERIFY2(dialog->serverInUse().contains(first.webSocketUrl().toString()), qPrintable(dialog->serverInUse()));
        QVERIFY2(dialog->serverInUse().contains(QLatin1String("--server")), qPrintable(dialog->serverInUse()));
        auto *edit = dialog->findChild<QLineEdit *>(QStringLiteral("serverUrlEdit"));
        QVERIFY(edit->text().isEmpty()); // nothing configured: the field shows the configuration
        QPushButton *apply = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Apply);

        // An address the app cannot use: said in the dialog, nothing changes.
        edit->setText(QStringLiteral("http://chat.example.com/ws"));
        apply->click();
        QVERIFY2(dialog->serverProblem().contains(QLatin1String("is not a server address")), qPrintable(dialog->serverProblem()));
        QCOMPARE(connection->displayUrl().port(), first.webSocketUrl().port());
        QVERIFY(QSettings().value(QStringLiteral("connection/server")).toString().isEmpty());

        // Another server: used at once although --server named the first, and kept.
        edit->setText(second.webSocketUrl().toString());
        apply->click();
        QVERIFY(dialog->serverProblem().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(connection->state() == ConnectionState::Connected
                                     && connection->displayUrl().port() == second.webSocketUrl().port(),
                                 30000);
        QCOMPARE(QSettings().value(QStringLiteral("connection/server")).toString(), second.webSocketUrl().toString());
        QTRY_VERIFY(dialog->serverInUse() == second.webSocketUrl().toString());
        dialog->close();
        connection->close();
    }

    // Finding 10: the built-in server lets people create an account; a guest has no "Sign out".
    void builtInServerHasNoDeadEnds()
    {
        QSettings().clear();
        LaunchOptions options;
        options.language = QStringLiteral("en");
        DesktopController controller(options);
        QVERIFY(controller.start());
        QVERIFY(controller.usesEmbeddedServer());
        QTRY_COMPARE_WITH_TIMEOUT(controller.connection()->state(), ConnectionState::Connected, 30000);
        QVERIFY(!controller.window()->isSignedIn());
        QVERIFY(!controller.window()->signOutAction()->isVisible());
        QVERIFY(controller.serverInUseText().startsWith(QLatin1String("the built-in local server")));

        QUrl url = controller.connection()->displayUrl();
        url.setScheme(QStringLiteral("http"));
        url.setPath(QStringLiteral("/api/auth/register"));
        QNetworkAccessManager network;
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        std::unique_ptr<QNetworkReply> reply(network.post(request, R"({"username":"frank","password":"pw"})"));
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 15000);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 201);
        controller.connection()->close();
    }

    void affectsConnectionIsNarrow()
    {
        AppSettings a;
        AppSettings b = a;
        b.language = QStringLiteral("ru");
        b.userName = QStringLiteral("ann");
        b.failuresBeforeFallback = 7;
        QVERIFY(!DesktopController::affectsConnection(a, b));
        b = a;
        b.proxyPort = 3128;
        QVERIFY(DesktopController::affectsConnection(a, b));
        b = a;
        b.connectTimeoutMs = 1234;
        QVERIFY(DesktopController::affectsConnection(a, b));
        b = a;
        b.backoffMaxMs = 1234;
        QVERIFY(DesktopController::affectsConnection(a, b));
    }
};

QTEST_MAIN(TestDesktopController)
#include "tst_desktopcontroller.moc"
