#pragma once
// One WebSocket attempt from the upgrade request to its end: the token in the configured transport
// (header, query or a first auth frame), TLS errors (never ignored), the HTTP 401 on the upgrade,
// the handshake timeout, how the connection ended (with Qt 6.4's close-code quirks undone) and a
// bounded graceful close. A fresh object per attempt, like QWebSocketPrivate's make/release of
// its connections around one socket.

#include "transport.h"

#include <QAbstractSocket>
#include <QList>
#include <QTimer>

QT_BEGIN_NAMESPACE
class QSslError;
class QWebSocket;
QT_END_NAMESPACE

namespace Tether {

class WebSocketTransport : public Transport
{
    Q_OBJECT
public:
    // How long close() waits for the close frame to go out and the connection to end, then aborts.
    static constexpr int GracefulCloseTimeoutMs = 2000;

    explicit WebSocketTransport(QObject *parent = nullptr);
    ~WebSocketTransport() override;

    void open(const ConnectionConfig &config) override;
    State state() const override { return m_state; }
    TransportEnd end() const override { return m_end; }
    bool isWritable() const override;
    qint64 sendText(const QString &text) override;
    bool ping(const QByteArray &payload) override;
    void close(int code = Protocol::toInt(Protocol::CloseCode::Normal), const QString &reason = QString()) override;
    void abort() override;

    // The upgrade URL with the token in it when the transport is Query (not for display).
    static QUrl requestUrl(const ConnectionConfig &config);

private:
    void makeConnections();
    void releaseConnections();
    void onConnected();
    void onAboutToClose();
    void onError();
#ifndef QT_NO_SSL
    void onSslErrors(const QList<QSslError> &errors);
#endif
    void onText(const QString &text);
    void onHandshakeTimeout();
    void finish(bool abortSocket);

    QWebSocket *m_socket = nullptr;
    QString m_pin;         // normalised SHA-256 of the one certificate trusted as is
    QString m_caFileError; // the CA file could not be used: said with the TLS error
    State m_state = State::Idle;
    QString m_accessToken;       // for the auth frame only
    bool m_authFrame = false;    // the token goes in a first frame, and the answer completes the handshake
    int m_connectTimeoutMs = 10000;
    QString m_goodbyeType;
    QTimer m_handshakeTimer;
    QTimer m_closeTimer;

    bool m_upgraded = false;
    bool m_awaitingAuthAnswer = false;
    bool m_closeFrameReceived = false;
    bool m_unauthorized = false;
    bool m_closingByUs = false;
    int m_ownCloseCode = 0;
    QString m_ownCloseReason;
    int m_goodbyeCode = 0; // from the server's goodbye frame (a valid close code), 0 = none
    QString m_goodbyeReason;
    QString m_error;
    int m_socketError = -1;
    TransportEnd m_end;
};

} // namespace Tether
