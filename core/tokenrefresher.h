#pragma once
// Exchanges a refresh token for new tokens: POST {"refresh_token": R} to the refresh URL and read
// {"access_token", "refresh_token"?, "expires_in"?}. One request at a time: asking again while one
// is running joins it (everyone waits for the same finished()).

#include <QObject>
#include <QPointer>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace Tether {

class TokenRefresher : public QObject
{
    Q_OBJECT
public:
    enum class Result {
        Success,
        TransientError, // network error, timeout, 5xx, unreadable answer: try again later
        Rejected,       // 400/401/403: the refresh token is dead
    };
    Q_ENUM(Result)

    struct Outcome
    {
        Result result = Result::TransientError;
        QString accessToken;
        QString refreshToken;   // empty when the server did not rotate it
        qint64 expiresInMs = -1; // -1 when not given
        int httpStatus = 0;
        QString error;          // human-readable, never contains a token
    };

    explicit TokenRefresher(QObject *parent = nullptr);
    ~TokenRefresher() override;

    bool isRunning() const;
    // Starts a refresh, or joins the one running. Returns false when one was already running.
    bool refresh(const QUrl &url, const QString &refreshToken, int timeoutMs = 15000);
    void cancel(); // no finished() for the cancelled request

Q_SIGNALS:
    void finished(const Tether::TokenRefresher::Outcome &outcome);

private:
    void onReplyFinished(QNetworkReply *reply);

    QNetworkAccessManager *m_nam;
    QPointer<QNetworkReply> m_reply;
};

} // namespace Tether
