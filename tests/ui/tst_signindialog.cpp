// Signing in against a real server: POST /api/auth/login gives tokens (the password is not kept),
// a wrong password says so and keeps the dialog open, guests need nothing, and an unreachable
// server is reported.

#include "chatserver.h"
#include "language.h"
#include "signindialog.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Tether;

class TestSignInDialog : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ChatServer> m_server;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(Language::apply(QStringLiteral("en")));
        ServerConfig config;
        config.databasePath = m_dir.filePath(QStringLiteral("s.sqlite"));
        config.passwordIterations = 1000;
        m_server = std::make_unique<ChatServer>(config);
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        QVERIFY2(m_server->addUser(QStringLiteral("carol"), QStringLiteral("correct horse battery"), &error), qPrintable(error));
    }
    void cleanupTestCase() { m_server.reset(); }

    void signInWithThePassword()
    {
        SignInDialog dialog;
        dialog.setServerUrl(m_server->webSocketUrl());
        dialog.show();
        dialog.userEdit()->setText(QStringLiteral("carol"));
        dialog.passwordEdit()->setText(QStringLiteral("wrong"));
        dialog.signInButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(dialog.statusText(), QStringLiteral("Wrong username or password."), 15000);
        QVERIFY(dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Rejected));

        // Enter signs in again: the failed attempt must not have handed "default" to Cancel.
        QVERIFY(dialog.signInButton()->isDefault());
        dialog.passwordEdit()->setText(QStringLiteral("correct horse battery"));
        QTest::keyClick(dialog.passwordEdit(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 15000);
        QVERIFY(!dialog.isGuest());
        QCOMPARE(dialog.userName(), QStringLiteral("carol"));
        QVERIFY(dialog.credentials().accessToken.startsWith(QLatin1String("eyJ")));
        QVERIFY(!dialog.credentials().refreshToken.isEmpty());
        QCOMPARE(dialog.credentials().refreshUrl.path(), QStringLiteral("/api/auth/refresh"));
        QCOMPARE(dialog.credentials().refreshUrl.port(), int(m_server->webSocketUrl().port()));
        QVERIFY(dialog.passwordEdit()->text().isEmpty()); // the password is not kept
    }

    // Finding 10: where the server allows it (the built-in one does), an account can be created
    // from the dialog; a taken name and a closed registration are said in plain words.
    void createAnAccount()
    {
        QTemporaryDir dir;
        ServerConfig config;
        config.databasePath = dir.filePath(QStringLiteral("open.sqlite"));
        config.passwordIterations = 1000;
        config.openRegistration = true;
        ChatServer open(config);
        QVERIFY(open.start());

        SignInDialog dialog;
        dialog.setServerUrl(open.webSocketUrl());
        dialog.setBuiltInServer(true);
        dialog.show();
        QVERIFY(dialog.createAccountButton()->isVisible());
        QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("signInIntro"))->text().contains(QLatin1String("Create an account here")));
        dialog.userEdit()->setText(QStringLiteral("dave"));
        dialog.passwordEdit()->setText(QStringLiteral("s3cret words"));
        dialog.createAccountButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 15000);
        QVERIFY(dialog.accountCreated());
        QVERIFY(!dialog.isGuest());
        QCOMPARE(dialog.userName(), QStringLiteral("dave"));
        QVERIFY(dialog.credentials().accessToken.startsWith(QLatin1String("eyJ")));
        QVERIFY(dialog.passwordEdit()->text().isEmpty());

        SignInDialog again;
        again.setServerUrl(open.webSocketUrl());
        again.show();
        again.userEdit()->setText(QStringLiteral("dave"));
        again.passwordEdit()->setText(QStringLiteral("other"));
        again.createAccountButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(again.statusText(),
                                  QStringLiteral("This username is taken. Choose another one, or sign in with it."), 15000);
        QVERIFY(again.isVisible());

        SignInDialog closed;
        closed.setServerUrl(m_server->webSocketUrl()); // registration is not open there
        closed.show();
        closed.userEdit()->setText(QStringLiteral("erin"));
        closed.passwordEdit()->setText(QStringLiteral("pw"));
        closed.createAccountButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(closed.statusText().startsWith(QLatin1String("This server does not let people create accounts")),
                                 15000);
        QVERIFY(closed.createAccountButton()->isEnabled());
    }

    void guestNeedsNothing()
    {
        SignInDialog dialog;
        dialog.show();
        dialog.guestButton()->click();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QVERIFY(dialog.isGuest());
        QVERIFY(dialog.credentials().isAnonymous());
    }

    void unreachableServerIsReported()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        QUrl url(QStringLiteral("ws://127.0.0.1/ws"));
        url.setPort(probe.serverPort());
        probe.close();
        SignInDialog dialog;
        dialog.setServerUrl(url);
        dialog.show();
        dialog.userEdit()->setText(QStringLiteral("carol"));
        dialog.passwordEdit()->setText(QStringLiteral("x"));
        dialog.signInButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog.statusText().startsWith(QLatin1String("Could not reach the server")), 15000);
        QVERIFY(dialog.signInButton()->isEnabled());
    }

    void keychainNoteTellsTheTruth()
    {
        SignInDialog dialog;
        dialog.setKeychainNote(false, QStringLiteral("no Secret Service"));
        QLabel *note = dialog.findChild<QLabel *>(QStringLiteral("keychainNote"));
        QVERIFY(note);
        QVERIFY(note->text().contains(QLatin1String("memory only")));
        // The keychain's own English reason is not part of the (translated) sentence.
        QVERIFY(!note->text().contains(QLatin1String("no Secret Service")));
        QCOMPARE(note->toolTip(), QStringLiteral("no Secret Service"));
        QVERIFY(Language::apply(QStringLiteral("ru")));
        QTRY_VERIFY(note->text().contains(QStringLiteral("только в памяти")));
        QVERIFY(Language::apply(QStringLiteral("en")));
    }
};

QTEST_MAIN(TestSignInDialog)
#include "tst_signindialog.moc"
