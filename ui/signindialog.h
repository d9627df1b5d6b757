#pragma once
// Sign in with a username and password (POST /api/auth/login on the server's HTTP side), create
// an account where the server allows it (POST /api/auth/register: the built-in server does), or
// continue as a guest. Says where the sign-in will be kept (keychain or memory only).

#include "authclient.h"
#include "connectionconfig.h"

#include <QDateTime>
#include <QDialog>
#include <QUrl>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace Tether {

class SignInDialog : public QDialog
{
    Q_OBJECT

public:
    explicit SignInDialog(QWidget *parent = nullptr);

    void setServerUrl(const QUrl &webSocketUrl);
    QUrl serverUrl() const;
    void setUserName(const QString &name);
    // Shown under the form: where tokens are kept.
    void setKeychainNote(bool persistent, const QString &reason);
    // The server is the built-in one on this computer: say that an account can be created here.
    void setBuiltInServer(bool builtIn);

    bool isGuest() const { return m_guest; }
    QString userName() const { return m_userName; }
    Credentials credentials() const { return m_credentials; }
    // The sign-in answer's HTTP Date (the server's clock) and round trip; invalid when absent.
    QDateTime serverDate() const { return m_serverDate; }
    qint64 serverDateRttMs() const { return m_serverDateRttMs; }

    QLineEdit *serverEdit() const { return m_server; }
    QLineEdit *userEdit() const { return m_user; }
    QLineEdit *passwordEdit() const { return m_password; }
    QPushButton *signInButton() const { return m_signIn; }
    QPushButton *guestButton() const { return m_guestButton; }
    QPushButton *createAccountButton() const { return m_createAccount; }
    bool accountCreated() const { return m_accountCreated; }
    QString statusText() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    void signIn();
    void onSignInFinished(const Tether::AuthClient::Result &result);
    void createAccount();
    void setBusy(bool busy);

    QLineEdit *m_server = nullptr;
    QLineEdit *m_user = nullptr;
    QLineEdit *m_password = nullptr;
    QLabel *m_serverLabel = nullptr;
    QLabel *m_userLabel = nullptr;
    QLabel *m_passwordLabel = nullptr;
    QLabel *m_intro = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_keychain = nullptr;
    QPushButton *m_signIn = nullptr;
    QPushButton *m_guestButton = nullptr;
    QPushButton *m_createAccount = nullptr;
    QPushButton *m_cancel = nullptr;
    AuthClient *m_auth = nullptr;
    bool m_persistent = true;
    QString m_keychainReason;
    bool m_guest = false;
    bool m_builtIn = false;
    bool m_accountCreated = false;
    QString m_userName;
    Credentials m_credentials;
    QDateTime m_serverDate;
    qint64 m_serverDateRttMs = 0;
};

} // namespace Tether
