#pragma once
// One long-polling attempt (docs/protocol.md, "Long polling"), the fallback when WebSocket is
// blocked: POST /api/poll/open with the token, then one GET /api/poll held open at a time and
// POSTs of the frames to send, numbered so that a retried POST is taken once. The same frames as
// over WebSocket, under the same ConnectionManager; transport pings are JSON pings it answers itself.

#include "transport.h"

#include <QByteArray>
#include <QList>
#include <QPointer>
#include <QTimer>
#include <QUrl>

QT_BEGIN_NAMESPACE
class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;
class QSslError;
QT_END_NAMESPACE

namespace Tether {

class LongPollTransport : public Transport
{
    Q_OBJECT
public:
    static constexpr int GracefulCloseTimeoutMs = 2000;
    // A send POST that failed on the network is retried (same seq) this many times before the link counts as dead.
    static constexpr int SendRetries = 2;

    explicit LongPollTransport(QObject *parent = nullptr);
    ~LongPollTransport() override;

    void open(const ConnectionConfig &config) override;
    State state() const override { return m_state; }
    TransportEnd end() const override { return m_end; }
    bool isWritable() const override { return m_state == State::Open; }
    qint64 sendText(const QString &text) override;
    bool ping(const QByteArray &payload) override;
    void close(int code = Protocol::toInt(Protocol::CloseCode::Normal), const QString &reason = QString()) override;
    void abort() override;

    // The server's base URL for a WebSocket URL: ws -> http, wss -> https, a trailing /ws dropped
    // (so a server behind a path prefix keeps it).
    static QUrl baseUrl(const QUrl &webSocketUrl);
    // The HTTP status of the last answer that was not 200 (0 = none): what diagnostics names.
    int lastHttpStatus() const { return m_httpStatus; }

private:
    QUrl endpoint(QLatin1String path, bool withSession) const;
    QNetworkRequest request(const QUrl &url) const;
    void watch(QNetworkReply *reply);
    void onOpenFinished();
    void startPoll();
    void onPollFinished();
    void scheduleFlush();
    void flush();
    void onSendFinished();
    void sendClose();
    void deliver(const QByteArray &frame);
#ifndef QT_NO_SSL
    void onSslErrors(QNetworkReply *reply, const QList<QSslError> &errors);
#endif
    // The reply failed: a network error (the link is dead) or an HTTP status other than 200.
    void failWith(QNetworkReply *reply, const QString &what);
    void finish(int code, const QString &reason, bool byServer);

    QNetworkAccessManager *m_manager = nullptr;
    State m_state = State::Idle;
    QUrl m_base;
    QString m_token;
    bool m_tokenInQuery = false;
    QString m_tokenQueryParameter;
    bool m_authFrame = false;
    bool m_awaitingAuthAnswer = false;
    int m_connectTimeoutMs = 10000;
    int m_holdMs = 25000;
    QString m_pin;
    QString m_caFile;
    QString m_session; // a credential: never logged, never in an error text
    qint64 m_cursor = 0;
    qint64 m_sendSeq = 0;
    int m_sendRetries = 0;
    QList<QByteArray> m_outbox;   // frames not yet posted, in order
    QList<QByteArray> m_inFlight; // the frames of the POST under way (m_sendSeq)
    QPointer<QNetworkReply> m_openReply;
    QPointer<QNetworkReply> m_pollReply;
    QPointer<QNetworkReply> m_sendReply;
    QPointer<QNetworkReply> m_closeReply;
    QTimer m_handshakeTimer;
    QTimer m_closeTimer;
    QTimer m_flushTimer;
    int m_ownCloseCode = 0;
    QString m_ownCloseReason;
    bool m_closeAfterFlush = false;
    int m_httpStatus = 0;
    QString m_error;
    int m_socketError = -1;
    bool m_wasOpen = false;
    TransportEnd m_end;
};

} // namespace Tether
