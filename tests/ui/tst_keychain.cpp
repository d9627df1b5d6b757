// Sign-in remembered through a real keychain: run by with-keychain.sh inside a private D-Bus
// session with gnome-keyring-daemon (the Secret Service), unlocked by the script. Tokens go
// through QtKeychain (CredentialStore) into the Secret Service and come back in another lifetime;
// the desktop app signed in as alice is alice again after a restart, twice (the refresh token
// rotates and the new one is kept). Run outside that session, it fails and says so.

#include "authclient.h"
#include "chatserver.h"
#include "chatsession.h"
#include "chatwindow.h"
#include "connectionmanager.h"
#include "credentialstore.h"
#include "desktopcontroller.h"
#include "signindialog.h"

#include <QApplication>
#include <QDir>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace Tether;

namespace {
const QString TestService = QStringLiteral("org.tether.Tether.keychain-test");
const QString AppService = QStringLiteral("org.tether.Tether"); // what DesktopController uses

// A fresh store (nothing in memory), so the answer comes from the keychain. Empty = none.
QString readFromKeychain(const QString &service, const QString &key)
{
    CredentialStore store(service);
    bool done = false;
    QString token;
    store.readToken(key, [&](const QString &t) {
        token = t;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 10000))
        qWarning("keychain read timed out");
    if (!store.isPersistent())
        qWarning("keychain unavailable: %s", qPrintable(store.unavailableReason()));
    return token;
}

// What the Secret Service holds, asked through libsecret's own tool rather than QtKeychain.
QString secretToolLookup(const QString &service, const QString &key)
{
    QProcess tool;
    tool.start(QStringLiteral("secret-tool"), {QStringLiteral("lookup"), QStringLiteral("server"), service,
                                                QStringLiteral("user"), key});
    if (!tool.waitForFinished(10000))
        return QStringLiteral("<secret-tool timed out>");
    return QString::fromUtf8(tool.readAllStandardOutput());
}
} // namespace

class TestKeychain : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ChatServer> m_server;

private Q_SLOTS:
    void initTestCase()
    {
        if (qEnvironmentVariable("TETHER_KEYCHAIN_SESSION") != QLatin1String("1"))
            QFAIL("no Secret Service session: run this test through tests/ui/with-keychain.sh "
                  "(ctest -R keychain does), which starts and unlocks gnome-keyring-daemon");
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("TetherTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_keychain"));
        QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).removeRecursively();
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
        QSettings().clear();

        ServerConfig config;
        config.databasePath = m_dir.filePath(QStringLiteral("server.sqlite"));
        config.passwordIterations = 1000;
        m_server = std::make_unique<ChatServer>(config);
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        QVERIFY2(m_server->addUser(QStringLiteral("alice"), QStringLiteral("wonderland rabbit hole"), &error),
                 qPrintable(error));
    }
    void cleanupTestCase() { m_server.reset(); }

    // Written by one store, read by another: it went through the Secret Service.
    void tokensRoundTripThroughTheSecretService()
    {
        const QString key = CredentialStore::key(QStringLiteral("http://127.0.0.1:1"), QStringLiteral("carol"));
        {
            CredentialStore store(TestService);
            bool probed = false;
            store.probe([&] { probed = true; });
            QTRY_VERIFY_WITH_TIMEOUT(probed, 10000);
            QVERIFY2(store.isPersistent(), qPrintable(QStringLiteral("keychain unavailable: ") + store.unavailableReason()));
            QSignalSpy written(&store, &CredentialStore::tokenWritten);
            store.writeToken(key, QStringLiteral("refresh-1"));
            QTRY_COMPARE_WITH_TIMEOUT(written.count(), 1, 10000);
            QCOMPARE(written.at(0).at(1).toBool(), true);
        }
        QCOMPARE(readFromKeychain(TestService, key), QStringLiteral("refresh-1"));
        QCOMPARE(secretToolLookup(TestService, key), QStringLiteral("refresh-1"));

        {
            CredentialStore store(TestService); // rotated: the new token replaces the old
            QSignalSpy written(&store, &CredentialStore::tokenWritten);
            store.writeToken(key, QStringLiteral("refresh-2"));
            QTRY_COMPARE_WITH_TIMEOUT(written.count(), 1, 10000);
            QCOMPARE(written.at(0).at(1).toBool(), true);
        }
        QCOMPARE(readFromKeychain(TestService, key), QStringLiteral("refresh-2"));

        {
            CredentialStore store(TestService);
            store.removeToken(key);
            QTRY_VERIFY_WITH_TIMEOUT(secretToolLookup(TestService, key).isEmpty(), 10000);
        }
        QCOMPARE(readFromKeychain(TestService, key), QString());
        const QString other = CredentialStore::key(QStringLiteral("http://127.0.0.1:1"), QStringLiteral("nobody"));
        QCOMPARE(readFromKeychain(TestService, other), QString());
    }

    // A store may go away right after asking (a window closed, a profile switched): what it asked
    // for still happens, and the keychain's late answer does not reach a job that is gone.
    void jobsOutliveTheirStore()
    {
        const QString key = CredentialStore::key(QStringLiteral("http://127.0.0.1:1"), QStringLiteral("dave"));
        {
            CredentialStore store(TestService);
            store.writeToken(key, QStringLiteral("refresh-late"));
        }
        QTRY_COMPARE_WITH_TIMEOUT(secretToolLookup(TestService, key), QStringLiteral("refresh-late"), 10000);
        {
            CredentialStore store(TestService);
            store.removeToken(key);
        }
        QTRY_VERIFY_WITH_TIMEOUT(secretToolLookup(TestService, key).isEmpty(), 10000);
        // The delete's answer arrives after its store is gone; an event loop turn must survive it.
        QCOMPARE(readFromKeychain(TestService, key), QString());
    }

    // The app itself: signed in once with the password, it is alice again after each restart.
    void signInRememberedAcrossRestarts()
    {
        AppSettings settings;
        settings.language = QStringLiteral("en");
        settings.serverUrl = m_server->webSocketUrl().toString();
        settings.userName = QStringLiteral("alice");
        {
            QSettings qs;
            settings.save(qs);
        }
        const QString key = CredentialStore::key(AuthClient::httpBaseFor(m_server->webSocketUrl()).toString(),
                                                 QStringLiteral("alice"));
        QCOMPARE(readFromKeychain(AppService, key), QString());

        // Answers every sign-in dialog that opens with alice's password, and counts them.
        int dialogs = 0;
        QTimer answerer;
        answerer.setInterval(20);
        connect(&answerer, &QTimer::timeout, this, [&] {
            auto *dialog = qobject_cast<SignInDialog *>(QApplication::activeModalWidget());
            if (!dialog || dialog->property("answered").toBool())
                return;
            dialog->setProperty("answered", true);
            ++dialogs;
            dialog->userEdit()->setText(QStringLiteral("alice"));
            dialog->passwordEdit()->setText(QStringLiteral("wonderland rabbit hole"));
            dialog->signInButton()->click();
        });
        answerer.start();

        LaunchOptions options;
        options.language = QStringLiteral("en");
        QString firstToken;
        {
            // First run: nothing remembered, so the app asks; the token goes to the keychain.
            DesktopController app(options);
            QString error;
            QVERIFY2(app.start(&error), qPrintable(error));
            QVERIFY(!app.usesEmbeddedServer());
            QTRY_VERIFY_WITH_TIMEOUT(app.session()->userName() == QLatin1String("alice")
                                         && app.connection()->state() == ConnectionState::Connected,
                                     30000);
            QCOMPARE(dialogs, 1);
            QTRY_VERIFY_WITH_TIMEOUT(!(firstToken = readFromKeychain(AppService, key)).isEmpty(), 15000);
            QVERIFY2(secretToolLookup(AppService, key) == firstToken, "libsecret holds another token"); // no tokens in logs
        }
        QString secondToken;
        {
            // Second run: no dialog; the remembered refresh token signs alice in (and rotates).
            DesktopController app(options);
            QVERIFY(app.start());
            QTRY_VERIFY_WITH_TIMEOUT(app.session()->userName() == QLatin1String("alice")
                                         && app.connection()->state() == ConnectionState::Connected,
                                     30000);
            QCOMPARE(dialogs, 1);
            QVERIFY(app.window()->windowTitle().contains(QLatin1String("alice")));
            // The server consumed the first refresh token; the new one must be what is kept.
            QTRY_VERIFY_WITH_TIMEOUT((secondToken = readFromKeychain(AppService, key)) != firstToken
                                         && !secondToken.isEmpty(),
                                     15000);
        }
        {
            // Third run: signed in with the rotated token, still without asking.
            DesktopController app(options);
            QVERIFY(app.start());
            QTRY_VERIFY_WITH_TIMEOUT(app.session()->userName() == QLatin1String("alice")
                                         && app.connection()->state() == ConnectionState::Connected,
                                     30000);
            QCOMPARE(dialogs, 1);
            QVERIFY(app.connection()->credentials().refreshToken != firstToken);
        }
        answerer.stop();
    }
};

QTEST_MAIN(TestKeychain)
#include "tst_keychain.moc"
