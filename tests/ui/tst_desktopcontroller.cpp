// The desktop app's wiring: with nothing configured it starts the embedded server and connects as
// a guest; settings apply without a restart (language, proxy), and when the configured server
// keeps failing the fallback server is tried and used.

#include "chatserver.h"
#include "chatwindow.h"
#include "connectionbanner.h"
#include "connectionmanager.h"
#include "desktopcontroller.h"
#include "chatsession.h"
#include "settingsdialog.h"
#include "signindialog.h"
#include "tlstrust.h"
#include "trustcertificatedialog.h"

#include <QApplication>
#include <QCryptographicHash>
#include <QDialogButtonBox>
#include <QDir>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkProxy>
#include <QPushButton>
#include <QSettings>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include <functional>

using namespace Tether;

namespace {

// The sign-in dialog is modal: it is driven from a timer that runs inside its exec(). The script
// gets each visible dialog and returns true when it is done with it.
struct SignInDriver
{
    std::function<bool(SignInDialog *)> script;
    int dialogsSeen = 0;
    QTimer timer;

    SignInDriver()
    {
        timer.setInterval(50);
        QObject::connect(&timer, &QTimer::timeout, &timer, [this] {
            for (QWidget *w : QApplication::topLevelWidgets()) {
                auto *dialog = qobject_cast<SignInDialog *>(w);
                if (!dialog || !dialog->isVisible())
                    continue;
                if (dialog->property("seenByDriver").isNull()) {
                    dialog->setProperty("seenByDriver", true);
                    ++dialogsSeen;
                }
                if (script && script(dialog))
                    script = nullptr;
            }
        });
        timer.start();
    }

    static bool signIn(SignInDialog *dialog, const QString &user, const QString &password)
    {
        dialog->findChild<QLineEdit *>(QStringLiteral("userEdit"))->setText(user);
        dialog->findChild<QLineEdit *>(QStringLiteral("passwordEdit"))->setText(password);
        for (QPushButton *button : dialog->findChildren<QPushButton *>()) {
            if (button->isDefault()) {
                button->click();
                return true;
            }
        }
        return false;
    }
};

bool lobbyHas(ChatSession *session, const QString &text)
{
    for (const ChatMessage &m : session->messages(QStringLiteral("lobby")))
        if (m.text == text)
            return true;
    return false;
}

} // namespace

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

    // Finding 3: alice types offline and quits; without a keychain the next launch connects as a
    // guest on her store while the sign-in dialog is open. Her message must stay queued (not
    // "Not sent"), and go, once, when she signs in again.
    void offlineMessageWaitsForItsAccountAcrossARestart()
    {
        QSettings().clear();
        qunsetenv("DBUS_SESSION_BUS_ADDRESS"); // no keychain: tokens are kept in memory only
        QTemporaryDir serverDir;
        ServerConfig serverConfig;
        serverConfig.allowGuests = true;
        serverConfig.demo = true;
        serverConfig.passwordIterations = 1000;
        serverConfig.databasePath = serverDir.filePath(QStringLiteral("server.sqlite"));
        auto server = std::make_unique<ChatServer>(serverConfig);
        QVERIFY(server->start());
        QVERIFY(server->addUser(QStringLiteral("alice"), QStringLiteral("alice-pw")));
        serverConfig.port = server->port();
        const QString url = server->webSocketUrl().toString();

        SignInDriver driver;
        auto &script = driver.script;
        auto signInAsAlice = [](SignInDialog *dialog) {
            return SignInDriver::signIn(dialog, QStringLiteral("alice"), QStringLiteral("alice-pw"));
        };

        QSettings().setValue(QStringLiteral("connection/server"), url);
        QSettings().setValue(QStringLiteral("connection/user"), QStringLiteral("alice"));
        QString id;
        {
            LaunchOptions options;
            options.language = QStringLiteral("en");
            DesktopController first(options);
            script = signInAsAlice; // no token kept: the app asks
            QVERIFY(first.start());
            QTRY_VERIFY_WITH_TIMEOUT(first.session() && first.session()->isSynced()
                                         && first.session()->userName() == QLatin1String("alice"),
                                     30000);
            server.reset(); // the server goes away; alice types anyway, and quits
            QTRY_VERIFY_WITH_TIMEOUT(first.connection()->state() != ConnectionState::Connected, 30000);
            id = first.session()->send(QStringLiteral("lobby"), QStringLiteral("typed offline"));
            QVERIFY(!id.isEmpty());
            QCOMPARE(first.session()->outboxSize(), 1);
        }
        QCOMPARE(QSettings().value(QStringLiteral("connection/user")).toString(), QStringLiteral("alice"));

        server = std::make_unique<ChatServer>(serverConfig); // back, on the same port
        QVERIFY(server->start());
        LaunchOptions options;
        options.language = QStringLiteral("en");
        DesktopController second(options);
        bool sawGuest = false;
        ChatMessage whileGuest;
        int outboxWhileGuest = -1;
        script = [&](SignInDialog *dialog) {
            ChatSession *session = second.session();
            if (!session || !session->isSynced() || !session->userName().startsWith(QLatin1String("guest-")))
                return false; // the guest session is not there yet
            sawGuest = true;
            for (const ChatMessage &m : session->outbox())
                if (m.id == id)
                    whileGuest = m;
            outboxWhileGuest = session->outboxSize();
            return signInAsAlice(dialog);
        };
        QVERIFY(second.start());
        QTRY_VERIFY_WITH_TIMEOUT(sawGuest, 30000);
        QCOMPARE(whileGuest.id, id);
        QCOMPARE(whileGuest.delivery, ChatMessage::Delivery::Queued); // not "⚠ Not sent"
        QVERIFY2(whileGuest.errorCode.isEmpty(), qPrintable(whileGuest.errorCode));
        QCOMPARE(outboxWhileGuest, 1);

        QTRY_VERIFY_WITH_TIMEOUT(second.session()->userName() == QLatin1String("alice") && second.session()->isSynced(),
                                 30000);
        QTRY_COMPARE_WITH_TIMEOUT(second.session()->outboxSize(), 0, 30000);
        int copies = 0;
        for (const ChatMessage &m : second.session()->messages(QStringLiteral("lobby"))) {
            if (m.text == QLatin1String("typed offline")) {
                ++copies;
                QCOMPARE(m.delivery, ChatMessage::Delivery::Sent);
                QCOMPARE(m.id, id);
            }
        }
        QCOMPARE(copies, 1);
        second.connection()->close();
    }

    // Issue 12, accounts per service: another primary server is another service with its own
    // profile (account, stored token, local store); alice's token never goes to it, and coming
    // back restores alice, signed in again without being asked.
    void eachServiceKeepsItsOwnAccount()
    {
        QSettings().clear();
        qunsetenv("DBUS_SESSION_BUS_ADDRESS"); // tokens in memory: the same process remembers them
        QTemporaryDir serverDir;
        ServerConfig serverConfig;
        serverConfig.allowGuests = true;
        serverConfig.demo = true;
        serverConfig.passwordIterations = 1000;
        serverConfig.databasePath = serverDir.filePath(QStringLiteral("a.sqlite"));
        ChatServer a(serverConfig);
        QVERIFY(a.start());
        QVERIFY(a.addUser(QStringLiteral("alice"), QStringLiteral("alice-pw")));
        serverConfig.databasePath = serverDir.filePath(QStringLiteral("b.sqlite"));
        ChatServer b(serverConfig);
        QVERIFY(b.start());

        QSettings().setValue(QStringLiteral("connection/server"), a.webSocketUrl().toString());
        QSettings().setValue(QStringLiteral("connection/user"), QStringLiteral("alice"));
        SignInDriver driver;
        driver.script = [](SignInDialog *dialog) {
            return SignInDriver::signIn(dialog, QStringLiteral("alice"), QStringLiteral("alice-pw"));
        };
        LaunchOptions options;
        options.language = QStringLiteral("en");
        DesktopController controller(options);
        QVERIFY(controller.start());
        QTRY_VERIFY_WITH_TIMEOUT(controller.session()->userName() == QLatin1String("alice") && controller.session()->isSynced(),
                                 30000);
        const QString id = controller.session()->send(QStringLiteral("lobby"), QStringLiteral("said on A"));
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(controller.session()->outboxSize(), 0, 30000);
        const int dialogsOnA = driver.dialogsSeen;
        QCOMPARE(dialogsOnA, 1);

        // Another service: a guest there (nobody signed in to it), with a store of its own.
        AppSettings toB = controller.settings();
        toB.serverUrl = b.webSocketUrl().toString();
        QVERIFY(controller.applySettings(toB).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(controller.connection()->displayUrl().port() == b.webSocketUrl().port()
                                     && controller.session()->isSynced(),
                                 30000);
        QVERIFY2(controller.session()->userName().startsWith(QLatin1String("guest-")), qPrintable(controller.session()->userName()));
        QVERIFY(controller.connection()->credentials().refreshToken.isEmpty());
        QVERIFY(controller.connection()->credentials().accessToken.isEmpty());
        QVERIFY(!lobbyHas(controller.session(), QStringLiteral("said on A")));
        QVERIFY(!controller.window()->isSignedIn());

        // Back to A: alice again, from the remembered token, without a dialog; her store is back.
        AppSettings toA = controller.settings();
        toA.serverUrl = a.webSocketUrl().toString();
        QVERIFY(controller.applySettings(toA).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(controller.connection()->displayUrl().port() == a.webSocketUrl().port()
                                     && controller.session()->isSynced()
                                     && controller.session()->userName() == QLatin1String("alice"),
                                 30000);
        QCOMPARE(driver.dialogsSeen, dialogsOnA);
        QVERIFY(controller.window()->isSignedIn());
        QVERIFY(lobbyHas(controller.session(), QStringLiteral("said on A")));
        controller.connection()->close();
    }

    // Issue 12, local store: a damaged store is moved aside at start and the user is told in the
    // banner (and, tst_diagnostics, the report); the window works on the fresh store.
    void damagedStoreIsToldInTheBanner()
    {
        QSettings().clear();
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
        QVERIFY(QDir().mkpath(dir));
        // The built-in server's guest store (DesktopController::identityKey(): "local|" and no user).
        const QString key = QString::fromLatin1(QCryptographicHash::hash("local|", QCryptographicHash::Sha1).toHex().left(16));
        const QString path = dir + QStringLiteral("/chat-") + key + QStringLiteral(".sqlite");
        QFile::remove(path);
        {
            QFile garbage(path);
            QVERIFY(garbage.open(QIODevice::WriteOnly));
            garbage.write(QByteArray(8192, '\x5a'));
        }
        LaunchOptions options;
        options.language = QStringLiteral("en");
        DesktopController controller(options);
        QVERIFY(controller.start());
        QVERIFY(controller.usesEmbeddedServer());
        QVERIFY(controller.session()->isOpen());
        const QString movedTo = controller.session()->storeRecovery().movedTo;
        QVERIFY2(movedTo.contains(QLatin1String(".corrupt-")), qPrintable(movedTo));
        QVERIFY(QFile::exists(movedTo));
        const QString banner = controller.window()->banner()->text();
        QVERIFY2(banner.contains(QLatin1String("was damaged and has been replaced")), qPrintable(banner));
        QVERIFY2(banner.contains(QDir::toNativeSeparators(movedTo)), qPrintable(banner));
        QVERIFY(controller.window()->banner()->isVisibleTo(controller.window()));
        QTRY_COMPARE_WITH_TIMEOUT(controller.connection()->state(), ConnectionState::Connected, 30000);
        controller.connection()->close();
        QFile::remove(movedTo);
    }

    // Issue 12, trust on first use: a self-signed server is refused as tls_untrusted; the app asks
    // once with the fingerprint, and trusting it pins exactly that certificate and connects.
    void selfSignedServerIsTrustedOnFirstUse()
    {
        QSettings().clear();
        QFile certFile(QStringLiteral(TETHER_TEST_DATA "/selfsigned.crt"));
        QFile keyFile(QStringLiteral(TETHER_TEST_DATA "/selfsigned.key"));
        QVERIFY(certFile.open(QIODevice::ReadOnly) && keyFile.open(QIODevice::ReadOnly));
        const QSslCertificate cert(&certFile, QSsl::Pem);
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setLocalCertificate(cert);
        ssl.setPrivateKey(QSslKey(&keyFile, QSsl::Rsa, QSsl::Pem));
        QWebSocketServer secure(QStringLiteral("tls-test"), QWebSocketServer::SecureMode);
        secure.setSslConfiguration(ssl);
        QVERIFY(secure.listen(QHostAddress::LocalHost, 0));
        QList<QWebSocket *> accepted;
        connect(&secure, &QWebSocketServer::newConnection, &secure, [&] {
            while (QWebSocket *socket = secure.nextPendingConnection())
                accepted << socket;
        });
        const QString print = TlsTrust::fingerprint(cert);

        LaunchOptions options;
        options.language = QStringLiteral("en");
        options.server = QStringLiteral("wss://127.0.0.1:%1/ws").arg(secure.serverPort());
        DesktopController controller(options);
        QVERIFY(controller.start());
        TrustCertificateDialog *dialog = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((dialog = controller.window()->findChild<TrustCertificateDialog *>()) && dialog->isVisible(),
                                 30000);
        QCOMPARE(dialog->fingerprint(), print);
        QVERIFY(accepted.isEmpty()); // nothing got through before the user said yes
        dialog->findChild<QPushButton *>(QStringLiteral("trustButton"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(controller.connection()->state(), ConnectionState::Connected, 30000);
        QVERIFY(!accepted.isEmpty());
        QCOMPARE(QSettings().value(QStringLiteral("tls/pinnedSha256")).toString(), print);
        QCOMPARE(controller.window()->findChildren<TrustCertificateDialog *>().size(), 0); // asked once, closed
        controller.connection()->close();
        qDeleteAll(accepted);
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
        // Issue 13: a transport chosen in Settings applies at once, not at the next drop.
        b = a;
        b.transportMode = ConnectionConfig::TransportMode::LongPoll;
        QVERIFY(DesktopController::affectsConnection(a, b));
        b = a;
        b.wsRetryIntervalMs = a.wsRetryIntervalMs + 1000;
        QVERIFY(DesktopController::affectsConnection(a, b));
    }
};

QTEST_MAIN(TestDesktopController)
#include "tst_desktopcontroller.moc"
