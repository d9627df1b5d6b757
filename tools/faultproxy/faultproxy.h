#pragma once
// FaultProxy is a TCP proxy on 127.0.0.1 that injects network faults between a client and a server,
// switchable at run time: for tests (in-process) and manual use (tether-faultproxy).

#include <QHostAddress>
#include <QObject>
#include <QString>

#include <memory>

namespace Tether {

class FaultProxy : public QObject
{
    Q_OBJECT

public:
    enum class Mode {
        Pass,      // forward everything at once
        Delay,     // forward each chunk `param` ms after it arrived (order kept)
        Drop,      // an action: reset (RST) every current connection now, then Pass
        Blackhole, // current and new connections stay open but forward nothing, ever (a half-open link)
        Refuse,    // new connections are refused (the listener closes: ECONNREFUSED); current ones keep working
        Throttle,  // forward at most `param` bytes per second per direction per connection
        Stall,     // read nothing from either side: TCP backpressure reaches both ends (a peer that
                   // does not read); leaving it forwards what waited
    };
    Q_ENUM(Mode)

    explicit FaultProxy(QObject *parent = nullptr);
    ~FaultProxy() override;

    // Where to forward to; takes effect for new connections.
    void setUpstream(const QString &host, quint16 port);
    QString upstreamHost() const;
    quint16 upstreamPort() const;

    // port 0 picks a free port. Loopback addresses are what tests use; false + message on failure.
    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0,
                QString *errorMessage = nullptr);
    void close();                 // stop listening and reset every connection
    bool isListening() const;
    QHostAddress address() const;
    quint16 port() const;

    // param: ms for Delay, bytes/s for Throttle (> 0); ignored otherwise.
    bool setMode(Mode mode, int param = 0, QString *errorMessage = nullptr);
    Mode mode() const;
    int param() const;

    int connectionCount() const;  // client connections currently open (blackholed ones included)
    int acceptedCount() const;    // client connections accepted (forwarded or blackholed)
    int droppedCount() const;     // connections reset by Drop
    int acceptErrorCount() const; // accept() failures survived (e.g. a client reset while queued)

    // "pass", "delay", "drop", "blackhole", "refuse", "throttle".
    static QString modeName(Mode mode);
    // Parses one command line: "pass", "delay 200", "drop", "blackhole", "refuse", "throttle 4096".
    static bool parseCommand(const QString &line, Mode *mode, int *param, QString *errorMessage);

Q_SIGNALS:
    void modeChanged(Tether::FaultProxy::Mode mode, int param);
    void connectionAccepted();
    void connectionClosed();

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace Tether
