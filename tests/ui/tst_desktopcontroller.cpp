// The desktop app's wiring: with nothing configured it starts the embedded server and connects as
// a guest; settings apply without a restart (language, proxy), and when the configured server
// keeps failing the fallback server is tried and used.

#include "chatserver.h"
#include "chatwindow.h"
#include "connectionmanager.h"
#include "desktopcontroller.h"

#include <QDir>
#include <QNetworkProxy>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Tether;

class tst_DesktopController : public QObject
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
};

QTEST_MAIN(tst_DesktopController)
#include "tst_desktopcontroller.moc"
