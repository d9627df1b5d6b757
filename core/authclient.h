#pragma once
// The client of the server's HTTP auth API: sign in, register and refresh tokens, and where that
// API lives for a given WebSocket URL. One request at a time. The sign-in dialog, tether-cli's chat
// mode, ConnectionManager's token refresh and diagnostics all go through it.

#include "connectionconfig.h"

#include <QObject>
#include <QPointer>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace Tether {

class AuthClient : public QObject
{
    Q_OBJECT
public:
    enum class Operation { Login, Register, Refresh };
    Q_ENUM(Operation)

    /*!
        \enum AuthClient::Error
        \value NoError             The request succeeded; Result::credentials holds the tokens.
        \value NetworkError        No HTTP answer: refused, unreachable, TLS failure or timeout. Transient.
        \value ServerError         A 5xx (or, for a refresh, any status not listed here). Transient.
        \value InvalidAnswer       A 2xx without an access token, not JSON at all, or an answer over
                                   64 KiB (cut off). Transient: the server may recover.
        \value InvalidCredentials  Login: wrong user name or password (401).
        \value InvalidToken        Refresh: the refresh token is unknown, used or expired (400/401/403);
                                   sign in again.
        \value RegistrationClosed  Register: the server does not take new accounts (403).
        \value UserExists          Register: that user name is taken (409).
        \value RateLimited         Too many attempts (429): wait before trying again.
        \value RequestRefused      Any other 4xx: the request itself was refused (bad name, bad body).
    */
    enum class Error {
        NoError,
        NetworkError,
        ServerError,
        InvalidAnswer,
        InvalidCredentials,
        InvalidToken,
        RegistrationClosed,
        UserExists,
        RateLimited,
        RequestRefused,
    };
    Q_ENUM(Error)

    struct Result
    {
        Operation operation = Operation::Login;
        Error error = Error::NetworkError;
        int httpStatus = 0;      // 0 when no HTTP answer arrived
        QString serverError;     // the answer's "error" code, e.g. "invalid_credentials" (bounded)
        QString networkError;    // QNetworkReply::errorString() when no HTTP answer arrived
        Credentials credentials; // on success: the tokens (a refresh that did not rotate leaves
                                 // refreshToken empty) and the refresh URL
        qint64 expiresInMs = -1; // the answer's expires_in; -1 when not given
        QString userName;        // login/register: the account's name as the server spells it

        bool succeeded() const { return error == Error::NoError; }
        // Worth trying again later by itself: the server was unreachable, failing or confused.
        bool isTransient() const;
        // One English line for logs and the CLI; never contains a secret. Empty on success.
        QString errorString() const;
    };

    explicit AuthClient(QObject *parent = nullptr);
    ~AuthClient() override;

    // The HTTP side of a server: ws://h:p/ws -> http://h:p, wss:// (or https://) -> https://h:p.
    // Path, query and user info are dropped.
    static QUrl httpBaseFor(const QUrl &serverUrl);
    // Where this server refreshes tokens: httpBaseFor(serverUrl) + /api/auth/refresh.
    static QUrl refreshUrlFor(const QUrl &serverUrl);

    // The server for login() and registerAccount(): its WebSocket or HTTP URL.
    void setServer(const QUrl &serverUrl);
    QUrl server() const { return m_base; } // the HTTP base
    void setTimeoutMs(int ms) { m_timeoutMs = ms; } // per request, default 15 s
    int timeoutMs() const { return m_timeoutMs; }

    bool isRunning() const;
    // Each starts one request and returns true, or returns false while another is running: that
    // one's finished() answers for both. The password is sent once and kept nowhere.
    bool login(const QString &userName, const QString &password);
    bool registerAccount(const QString &userName, const QString &password);
    bool refresh(const QUrl &refreshUrl, const QString &refreshToken);
    void cancel(); // no finished() for the cancelled request

Q_SIGNALS:
    void finished(const Tether::AuthClient::Result &result);

private:
    bool postCredentials(Operation operation, QLatin1String path, const QString &userName, const QString &password);
    bool post(Operation operation, const QUrl &url, const QByteArray &body);
    void onReplyFinished(QNetworkReply *reply);

    QNetworkAccessManager *m_nam;
    QPointer<QNetworkReply> m_reply;
    bool m_answerTooLarge = false;
    Operation m_operation = Operation::Login;
    QUrl m_requestUrl;
    QUrl m_base;
    int m_timeoutMs = 15000;
};

} // namespace Tether

Q_DECLARE_METATYPE(Tether::AuthClient::Result)
