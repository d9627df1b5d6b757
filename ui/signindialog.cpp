#include "signindialog.h"

#include "authclient.h"

#include <QDialogButtonBox>
#include <QEvent>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Tether {

SignInDialog::SignInDialog(QWidget *parent)
    : QDialog(parent)
    , m_auth(new AuthClient(this))
{
    setObjectName(QStringLiteral("signInDialog"));
    m_intro = new QLabel;
    m_intro->setObjectName(QStringLiteral("signInIntro"));
    m_intro->setWordWrap(true);
    m_server = new QLineEdit;
    m_server->setObjectName(QStringLiteral("serverEdit"));
    m_user = new QLineEdit;
    m_user->setObjectName(QStringLiteral("userEdit"));
    m_password = new QLineEdit;
    m_password->setObjectName(QStringLiteral("passwordEdit"));
    m_password->setEchoMode(QLineEdit::Password);
    m_serverLabel = new QLabel;
    m_userLabel = new QLabel;
    m_passwordLabel = new QLabel;
    m_serverLabel->setBuddy(m_server);
    m_userLabel->setBuddy(m_user);
    m_passwordLabel->setBuddy(m_password);
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("signInStatus"));
    m_status->setTextFormat(Qt::PlainText); // quotes the server's error message
    m_status->setWordWrap(true);
    m_keychain = new QLabel;
    m_keychain->setObjectName(QStringLiteral("keychainNote"));
    m_keychain->setWordWrap(true);
    QFont small = m_keychain->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_keychain->setFont(small);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(m_serverLabel, m_server);
    form->addRow(m_userLabel, m_user);
    form->addRow(m_passwordLabel, m_password);

    auto *buttons = new QDialogButtonBox;
    m_signIn = buttons->addButton(QString(), QDialogButtonBox::AcceptRole);
    m_signIn->setDefault(true);
    m_guestButton = buttons->addButton(QString(), QDialogButtonBox::ActionRole);
    m_createAccount = buttons->addButton(QString(), QDialogButtonBox::ActionRole);
    m_createAccount->setObjectName(QStringLiteral("createAccountButton"));
    m_createAccount->setAutoDefault(false);
    m_cancel = buttons->addButton(QDialogButtonBox::Cancel);
    disconnect(buttons, &QDialogButtonBox::accepted, this, nullptr);
    connect(m_signIn, &QPushButton::clicked, this, &SignInDialog::signIn);
    connect(m_guestButton, &QPushButton::clicked, this, [this] {
        m_guest = true;
        m_userName.clear();
        m_credentials = Credentials();
        accept();
    });
    connect(m_createAccount, &QPushButton::clicked, this, &SignInDialog::createAccount);
    connect(m_cancel, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_auth, &AuthClient::finished, this, &SignInDialog::onSignInFinished);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_intro);
    layout->addLayout(form);
    layout->addWidget(m_status);
    layout->addWidget(m_keychain);
    layout->addWidget(buttons);
    retranslateUi();
    setMinimumWidth(420);
}

void SignInDialog::setServerUrl(const QUrl &url)
{
    m_server->setText(url.toString());
}

QUrl SignInDialog::serverUrl() const
{
    return QUrl::fromUserInput(m_server->text().trimmed());
}

void SignInDialog::setUserName(const QString &name)
{
    m_user->setText(name);
    if (!name.isEmpty())
        m_password->setFocus();
}

void SignInDialog::setKeychainNote(bool persistent, const QString &reason)
{
    m_persistent = persistent;
    m_keychainReason = reason;
    retranslateUi();
}

QString SignInDialog::statusText() const
{
    return m_status->text();
}

void SignInDialog::setBusy(bool busy)
{
    m_signIn->setEnabled(!busy);
    m_guestButton->setEnabled(!busy);
    m_createAccount->setEnabled(!busy);
    m_server->setEnabled(!busy);
    m_user->setEnabled(!busy);
    m_password->setEnabled(!busy);
    if (!busy) {
        // Disabling the default button hands "default" to Cancel; take it back, or after a failed
        // attempt Enter would cancel the dialog instead of signing in.
        m_signIn->setDefault(true);
        if (!m_user->text().isEmpty())
            m_password->setFocus();
    }
}

void SignInDialog::signIn()
{
    const QUrl server = serverUrl();
    if (!server.isValid() || server.host().isEmpty()) {
        m_status->setText(tr("Enter the server address, for example wss://chat.example.com/ws."));
        return;
    }
    if (m_user->text().trimmed().isEmpty() || m_password->text().isEmpty()) {
        m_status->setText(tr("Enter your username and password, or continue as a guest."));
        return;
    }
    m_auth->setServer(server);
    m_auth->setTimeoutMs(15000);
    if (!m_auth->login(m_user->text().trimmed(), m_password->text()))
        return; // the sign-in under way answers
    m_status->setText(tr("Signing in…"));
    setBusy(true);
}

void SignInDialog::onSignInFinished(const AuthClient::Result &result)
{
    setBusy(false);
    m_serverDate = result.serverDate;
    m_serverDateRttMs = result.roundTripMs;
    if (result.succeeded()) {
        m_password->clear(); // the password is not kept anywhere
        m_guest = false;
        m_accountCreated = result.operation == AuthClient::Operation::Register;
        m_credentials = result.credentials;
        m_userName = result.userName.isEmpty() ? m_user->text().trimmed() : result.userName;
        m_status->clear();
        accept();
        return;
    }
    switch (result.error) {
    case AuthClient::Error::UserExists:
        m_status->setText(tr("This username is taken. Choose another one, or sign in with it."));
        break;
    case AuthClient::Error::RegistrationClosed:
        m_status->setText(tr("This server does not let people create accounts. Ask its administrator for one."));
        break;
    case AuthClient::Error::RequestRefused:
        if (result.operation == AuthClient::Operation::Register) {
            m_status->setText(tr("Use letters, digits, dots, dashes or underscores for the username (at most 64), "
                                 "and any password that is not empty."));
            break;
        }
        m_status->setText(tr("The server refused the sign-in (HTTP %1).").arg(result.httpStatus));
        break;
    case AuthClient::Error::InvalidCredentials:
        m_status->setText(tr("Wrong username or password."));
        break;
    case AuthClient::Error::RateLimited:
        m_status->setText(tr("Too many attempts. Wait a minute and try again."));
        break;
    case AuthClient::Error::NetworkError:
        // Qt's own error text stays in the log: users get a whole sentence in their language.
        m_status->setText(tr("Could not reach the server. Check the address and your connection."));
        break;
    default:
        m_status->setText(tr("The server refused the sign-in (HTTP %1).").arg(result.httpStatus));
        break;
    }
}

void SignInDialog::setBuiltInServer(bool builtIn)
{
    m_builtIn = builtIn;
    retranslateUi();
}

// Registration: the same form; AuthClient posts it to /api/auth/register, and a created account
// brings the same tokens as a sign-in (onSignInFinished handles both).
void SignInDialog::createAccount()
{
    const QUrl server = serverUrl();
    if (!server.isValid() || server.host().isEmpty()) {
        m_status->setText(tr("Enter the server address, for example wss://chat.example.com/ws."));
        return;
    }
    if (m_user->text().trimmed().isEmpty() || m_password->text().isEmpty()) {
        m_status->setText(tr("Choose a username and a password for the new account."));
        return;
    }
    m_auth->setServer(server);
    m_auth->setTimeoutMs(15000);
    if (!m_auth->registerAccount(m_user->text().trimmed(), m_password->text()))
        return; // the request under way answers
    m_status->setText(tr("Creating the account…"));
    setBusy(true);
}

void SignInDialog::retranslateUi()
{
    setWindowTitle(tr("Sign in to Tether"));
    m_intro->setText(m_builtIn ? tr("This is the built-in server on this computer. Create an account here with any "
                                    "name and password, sign in to one you created, or continue as a guest.")
                               : tr("Sign in with your account, or continue as a guest to chat right away."));
    m_createAccount->setText(tr("Create account"));
    m_createAccount->setAccessibleName(tr("Create an account with this username and password"));
    m_serverLabel->setText(tr("&Server:"));
    m_userLabel->setText(tr("&Username:"));
    m_passwordLabel->setText(tr("&Password:"));
    m_server->setAccessibleName(tr("Server address"));
    m_server->setPlaceholderText(QStringLiteral("wss://chat.example.com/ws"));
    m_user->setAccessibleName(tr("Username"));
    m_password->setAccessibleName(tr("Password"));
    m_signIn->setText(tr("Sign in"));
    m_signIn->setAccessibleName(tr("Sign in"));
    m_guestButton->setText(tr("Continue as guest"));
    m_guestButton->setAccessibleName(tr("Continue as guest"));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setAccessibleName(tr("Cancel"));
    m_status->setAccessibleName(tr("Sign-in status"));
    m_keychain->setAccessibleName(tr("Where your sign-in is kept"));
    // The keychain's own reason is technical English: a tooltip for the curious, not part of the sentence.
    m_keychain->setText(m_persistent
        ? tr("Your sign-in is remembered in the system keychain.")
        : tr("No keychain service is available. Your sign-in is kept in memory only: you will need "
             "to sign in again after restarting Tether."));
    m_keychain->setToolTip(m_persistent || m_keychainReason.isEmpty() ? QString() : m_keychainReason);
}

void SignInDialog::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QDialog::changeEvent(event);
}

} // namespace Tether
