#pragma once
// The seam under ConnectionManager: one connection attempt over some transport, from open() to
// exactly one closed(). WebSocketTransport is the one implementation today; nothing above the
// connection layer sees which transport carries the frames.

#include "closecode.h"
#include "closepolicy.h"
#include "connectionconfig.h"

#include <QByteArray>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <functional>

namespace Tether {

// How one transport ended: what the close policy decides on, and what ConnectionManager counts,
// logs and reports.
struct TransportEnd
{
    CloseInfo close;             // code (1006 = no close frame), reason, HTTP 401 on the upgrade
    bool wasOpen = false;        // it had connected (with the auth frame: before the server's answer)
    bool closedByServer = false; // a close frame or a goodbye announcement arrived: the server chose to end it
    QString error;               // what went wrong on the socket (network, TLS, HTTP); empty if nothing
    int socketError = -1;        // the QAbstractSocket::SocketError behind error, -1 when none
};

class Transport : public QObject
{
    Q_OBJECT
public:
    enum class State {
        Idle,       // not opened yet
        Connecting, // open() called: connecting, upgrading, or waiting for the answer to the auth frame
        Open,       // opened() was emitted: frames flow both ways
        Closing,    // close() called: waiting (bounded) for the peer to acknowledge
        Closed,     // closed() was emitted; end() says how it ended
    };
    Q_ENUM(State)

    /*!
        \enum Transport::Error
        Reported by errorOccurred(); closed() follows, with the details in TransportEnd.
        \value HandshakeTimeout No connection, upgrade or answer to the auth frame within connectTimeoutMs.
        \value SocketError      The network failed: refused, reset, unreachable, proxy, protocol error.
        \value TlsError         The certificate was not trusted (never ignored), or TLS failed.
        \value Unauthorized     The server refused the credentials on the upgrade (HTTP 401).
    */
    enum class Error {
        HandshakeTimeout,
        SocketError,
        TlsError,
        Unauthorized,
    };
    Q_ENUM(Error)

    // Makes a fresh transport for each attempt; the caller owns it.
    using Factory = std::function<Transport *()>;

    explicit Transport(QObject *parent = nullptr);
    ~Transport() override;

    // Connects to config.url with config.credentials.accessToken in config.tokenTransport, within
    // config.connectTimeoutMs. Once per object.
    virtual void open(const ConnectionConfig &config) = 0;
    virtual State state() const = 0;
    virtual TransportEnd end() const = 0; // valid once Closed
    // True while text can be written: Open, and the underlying connection still up.
    virtual bool isWritable() const = 0;
    // Returns the bytes written, or -1 when not writable (nothing is queued here).
    virtual qint64 sendText(const QString &text) = 0;
    // A transport-level ping; the answer arrives as pongReceived(payload). False when this
    // transport has no pings of its own (an application JSON ping still works).
    virtual bool ping(const QByteArray &payload) = 0;
    // Ends the connection politely with code; closed() follows (possibly before this returns) once
    // the close is through or a short grace period passed. Ignored unless Connecting or Open.
    virtual void close(int code = Protocol::toInt(Protocol::CloseCode::Normal), const QString &reason = QString()) = 0;
    // Ends the connection at once (the link is dead); closed() is emitted before this returns,
    // unless it already was.
    virtual void abort() = 0;

Q_SIGNALS:
    void opened();
    void textReceived(const QString &text);
    void binaryReceived(qint64 bytes);  // not used by the protocol: counted, then ignored
    void frameReceived();               // any frame, even part of a message: the link is alive
    void pongReceived(const QByteArray &payload);
    // Exactly once per opened transport, however it ended (also after close() and abort()).
    void closed(const Tether::TransportEnd &end);
    // May come more than once per attempt; closed() always follows.
    void errorOccurred(Tether::Transport::Error error, const QString &message);
};

} // namespace Tether

Q_DECLARE_METATYPE(Tether::TransportEnd)
