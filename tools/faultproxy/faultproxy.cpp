#include "faultproxy.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <deque>
#include <vector>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace Tether {

Q_LOGGING_CATEGORY(lcFaultProxy, "tether.faultproxy")

namespace {

// Each socket's own read buffer: bounded, so that in Stall the kernel's buffers fill behind it.
constexpr qint64 kReadBufferBytes = 256 * 1024;

struct Chunk
{
    QByteArray data;
    qint64 arrivedMs = 0;
};

// One direction of a link.
struct Pipe
{
    std::deque<Chunk> chunks;
    double tokens = 0;       // throttle allowance in bytes
    bool sourceClosed = false;
    bool destinationClosed = false;
};

struct Link
{
    QPointer<QTcpSocket> client;
    QPointer<QTcpSocket> upstream;
    bool upstreamConnected = false;
    bool blackholed = false;  // once blackholed, a link never forwards again (a dead path stays dead)
    Pipe up;    // client -> upstream
    Pipe down;  // upstream -> client
};

// abort() alone sends FIN when nothing is unread; linger 0 makes the close a real RST.
void resetSocket(QTcpSocket *socket)
{
    if (!socket)
        return;
    socket->disconnect();
#ifdef Q_OS_UNIX
    const qintptr fd = socket->socketDescriptor();
    if (fd != -1) {
        struct linger lin;
        lin.l_onoff = 1;
        lin.l_linger = 0;
        ::setsockopt(int(fd), SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
    }
#endif
    socket->abort();
    socket->deleteLater();
}

} // namespace

class FaultProxy::Private
{
public:
    explicit Private(FaultProxy *q) : q(q) {}

    FaultProxy *q;
    QTcpServer server;
    QString upstreamHost = QStringLiteral("127.0.0.1");
    quint16 upstreamPort = 0;
    Mode mode = Mode::Pass;
    int param = 0;
    std::vector<std::unique_ptr<Link>> links;
    // Removed links live until the event loop returns: socket signals re-enter pump()/onSocketGone()
    // synchronously (disconnectFromHost() emits disconnected()), and those frames still hold the pointer.
    std::vector<std::unique_ptr<Link>> graveyard;
    QTimer tick;
    QElapsedTimer clock;
    qint64 lastTickMs = 0;
    int accepted = 0;
    int dropped = 0;
    int acceptErrors = 0;
    QHostAddress listenAddress;
    quint16 listenPort = 0;
    bool wantListening = false;
    QTimer relisten;

    void updateListening();

    void onNewConnection();
    void onReadable(Link *link, bool fromClient);
    void onSocketGone(Link *link, bool client);
    void pump(Link *link);
    bool pumpPipe(Link *link, Pipe &pipe, QTcpSocket *destination); // true if data is left
    void removeIfDone(Link *link);
    void removeLink(Link *link);
    void refill();
    void scheduleTick();
    Link *find(Link *link) const
    {
        for (const auto &l : links)
            if (l.get() == link)
                return l.get();
        return nullptr;
    }
};

FaultProxy::FaultProxy(QObject *parent) : QObject(parent), d(new Private(this))
{
    d->clock.start();
    d->tick.setInterval(5);
    d->relisten.setInterval(50);
    connect(&d->relisten, &QTimer::timeout, this, [this] { d->updateListening(); });
    connect(&d->server, &QTcpServer::newConnection, this, [this] { d->onNewConnection(); });
    // QTcpServer pauses accepting for good after any non-temporary accept() error, e.g.
    // ECONNABORTED when a client resets a connection still in the backlog. Keep accepting.
    connect(&d->server, &QTcpServer::acceptError, this, [this](QAbstractSocket::SocketError error) {
        qCDebug(lcFaultProxy) << "accept error" << error << d->server.errorString() << "- accepting again";
        d->acceptErrors++;
        if (d->server.isListening())
            d->server.resumeAccepting();
    });
    connect(&d->tick, &QTimer::timeout, this, [this] {
        d->refill();
        bool pending = false;
        for (size_t i = 0; i < d->links.size(); ++i) {
            Link *link = d->links[i].get();
            d->pump(link);
        }
        for (const auto &l : d->links)
            pending = pending || !l->up.chunks.empty() || !l->down.chunks.empty();
        if (!pending)
            d->tick.stop();
    });
}

FaultProxy::~FaultProxy()
{
    close();
}

void FaultProxy::setUpstream(const QString &host, quint16 port)
{
    d->upstreamHost = host;
    d->upstreamPort = port;
}

QString FaultProxy::upstreamHost() const { return d->upstreamHost; }
quint16 FaultProxy::upstreamPort() const { return d->upstreamPort; }

bool FaultProxy::listen(const QHostAddress &address, quint16 port, QString *errorMessage)
{
    if (d->wantListening) {
        if (errorMessage)
            *errorMessage = QStringLiteral("already listening on port %1").arg(d->listenPort);
        return false;
    }
    if (!d->server.listen(address, port)) {
        if (errorMessage)
            *errorMessage = QStringLiteral("cannot listen on %1:%2: %3")
                                .arg(address.toString()).arg(port).arg(d->server.errorString());
        return false;
    }
    d->listenAddress = d->server.serverAddress();
    d->listenPort = d->server.serverPort();
    d->wantListening = true;
    d->updateListening();
    qCDebug(lcFaultProxy) << "listening on" << d->server.serverAddress().toString() << d->server.serverPort()
                          << "upstream" << d->upstreamHost << d->upstreamPort;
    return true;
}

void FaultProxy::close()
{
    d->wantListening = false;
    d->relisten.stop();
    d->server.close();
    while (!d->links.empty())
        d->removeLink(d->links.back().get());
    d->tick.stop();
}

bool FaultProxy::isListening() const { return d->wantListening; }
QHostAddress FaultProxy::address() const { return d->listenAddress; }
quint16 FaultProxy::port() const { return d->listenPort; }

bool FaultProxy::setMode(Mode mode, int param, QString *errorMessage)
{
    if ((mode == Mode::Delay && param < 0) || (mode == Mode::Throttle && param <= 0)) {
        if (errorMessage)
            *errorMessage = QStringLiteral("%1 needs a positive value, got %2").arg(modeName(mode)).arg(param);
        return false;
    }
    if (mode != Mode::Delay && mode != Mode::Throttle)
        param = 0;

    qCDebug(lcFaultProxy) << "mode" << modeName(mode) << param;
    switch (mode) {
    case Mode::Drop:
        d->dropped += int(d->links.size());
        while (!d->links.empty())
            d->removeLink(d->links.back().get());
        // Drop is an action; afterwards new connections pass.
        d->mode = Mode::Pass;
        d->param = 0;
        Q_EMIT modeChanged(Mode::Drop, 0);
        Q_EMIT modeChanged(Mode::Pass, 0);
        return true;
    case Mode::Blackhole:
        for (const auto &l : d->links) {
            l->blackholed = true;
            l->up.chunks.clear();
            l->down.chunks.clear();
        }
        break;
    case Mode::Throttle:
        for (const auto &l : d->links)
            l->up.tokens = l->down.tokens = 0;
        d->lastTickMs = d->clock.elapsed();
        break;
    default:
        break;
    }
    const bool wasStalled = d->mode == Mode::Stall;
    d->mode = mode;
    d->param = param;
    d->updateListening();
    std::vector<Link *> links;
    for (const auto &l : d->links)
        links.push_back(l.get());
    for (Link *link : links) {
        if (!d->find(link))
            continue;
        if (wasStalled && mode != Mode::Stall) {
            // What waited in the sockets while stalled travels now.
            if (link->client && link->client->bytesAvailable() > 0)
                d->onReadable(link, true);
            if (d->find(link) && link->upstream && link->upstream->bytesAvailable() > 0)
                d->onReadable(link, false);
            if (!d->find(link))
                continue;
        }
        d->pump(link);
    }
    Q_EMIT modeChanged(mode, param);
    return true;
}

FaultProxy::Mode FaultProxy::mode() const { return d->mode; }
int FaultProxy::param() const { return d->param; }

int FaultProxy::connectionCount() const
{
    int n = 0;
    for (const auto &l : d->links)
        if (l->client)
            ++n;
    return n;
}

int FaultProxy::acceptedCount() const { return d->accepted; }
int FaultProxy::droppedCount() const { return d->dropped; }
int FaultProxy::acceptErrorCount() const { return d->acceptErrors; }

QString FaultProxy::modeName(Mode mode)
{
    switch (mode) {
    case Mode::Pass: return QStringLiteral("pass");
    case Mode::Delay: return QStringLiteral("delay");
    case Mode::Drop: return QStringLiteral("drop");
    case Mode::Blackhole: return QStringLiteral("blackhole");
    case Mode::Refuse: return QStringLiteral("refuse");
    case Mode::Throttle: return QStringLiteral("throttle");
    case Mode::Stall: return QStringLiteral("stall");
    }
    return QString();
}

bool FaultProxy::parseCommand(const QString &line, Mode *mode, int *param, QString *errorMessage)
{
    auto fail = [errorMessage](const QString &message) {
        if (errorMessage)
            *errorMessage = message;
        return false;
    };
    const QStringList parts = line.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (parts.isEmpty())
        return fail(QStringLiteral("empty command"));
    const QString name = parts.first().toLower();
    static const Mode all[] = {Mode::Pass, Mode::Delay, Mode::Drop, Mode::Blackhole, Mode::Refuse, Mode::Throttle,
                               Mode::Stall};
    for (Mode m : all) {
        if (modeName(m) != name)
            continue;
        const bool needsValue = m == Mode::Delay || m == Mode::Throttle;
        if (!needsValue) {
            if (parts.size() != 1)
                return fail(QStringLiteral("%1 takes no value").arg(name));
            *mode = m;
            *param = 0;
            return true;
        }
        if (parts.size() != 2)
            return fail(QStringLiteral("%1 needs one value (%2)")
                            .arg(name, m == Mode::Delay ? QStringLiteral("ms") : QStringLiteral("bytes/s")));
        bool ok = false;
        const int value = parts.at(1).toInt(&ok);
        if (!ok || value < 0 || (m == Mode::Throttle && value == 0))
            return fail(QStringLiteral("%1: bad value '%2'").arg(name, parts.at(1)));
        *mode = m;
        *param = value;
        return true;
    }
    return fail(QStringLiteral("unknown command '%1' (pass, delay MS, drop, blackhole, refuse, throttle BYTES_PER_S)")
                    .arg(name));
}

// Refuse closes the listening socket, so the kernel answers a SYN with RST: a real ECONNREFUSED.
// (Accepting and resetting instead makes QAbstractSocket retry the connect in a tight loop.)
void FaultProxy::Private::updateListening()
{
    const bool listen = wantListening && mode != Mode::Refuse;
    if (!listen) {
        relisten.stop();
        if (server.isListening())
            server.close();
        return;
    }
    if (server.isListening())
        return;
    if (server.listen(listenAddress, listenPort)) {
        relisten.stop();
        return;
    }
    // Someone took the port meanwhile (unlikely on loopback): keep trying rather than give up.
    qCWarning(lcFaultProxy) << "cannot listen again on port" << listenPort << server.errorString() << "- retrying";
    relisten.start();
}

void FaultProxy::Private::onNewConnection()
{
    while (QTcpSocket *client = server.nextPendingConnection()) {
        if (mode == Mode::Refuse) {
            // Accepted by the kernel just before the listener closed.
            resetSocket(client);
            continue;
        }
        ++accepted;
        client->setParent(q);
        client->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        client->setReadBufferSize(kReadBufferBytes); // so that Stall pushes back
        auto owned = std::make_unique<Link>();
        Link *link = owned.get();
        link->client = client;
        links.push_back(std::move(owned));

        QObject::connect(client, &QTcpSocket::readyRead, q, [this, link] { onReadable(link, true); });
        QObject::connect(client, &QTcpSocket::disconnected, q, [this, link] { onSocketGone(link, true); });

        if (mode == Mode::Blackhole) {
            // A half-open path: the client believes it is connected, the server never hears of it.
            link->blackholed = true;
        } else {
            auto *upstream = new QTcpSocket(q);
            upstream->setReadBufferSize(kReadBufferBytes);
            link->upstream = upstream;
            QObject::connect(upstream, &QTcpSocket::connected, q, [this, link, upstream] {
                upstream->setSocketOption(QAbstractSocket::LowDelayOption, 1);
                link->upstreamConnected = true;
                pump(link);
            });
            QObject::connect(upstream, &QTcpSocket::readyRead, q, [this, link] { onReadable(link, false); });
            QObject::connect(upstream, &QTcpSocket::disconnected, q, [this, link] { onSocketGone(link, false); });
            QObject::connect(upstream, &QAbstractSocket::errorOccurred, q,
                             [this, link, upstream](QAbstractSocket::SocketError) {
                                 if (!find(link) || link->upstreamConnected)
                                     return; // disconnected() handles errors of an established link
                                 qCDebug(lcFaultProxy) << "upstream connect failed:" << upstream->errorString();
                                 // The server is not there: the client gets what it would get, a reset.
                                 removeLink(link);
                             });
            upstream->connectToHost(upstreamHost, upstreamPort);
        }
        Q_EMIT q->connectionAccepted();
    }
}

void FaultProxy::Private::onReadable(Link *link, bool fromClient)
{
    if (!find(link))
        return;
    QTcpSocket *source = fromClient ? link->client.data() : link->upstream.data();
    if (!source)
        return;
    if (mode == Mode::Stall && !link->blackholed)
        return; // left in the socket: its bounded buffer fills, then the kernel's, then the sender's
    const QByteArray data = source->readAll();
    if (data.isEmpty() || link->blackholed)
        return; // a blackhole swallows everything
    Pipe &pipe = fromClient ? link->up : link->down;
    pipe.chunks.push_back({data, clock.elapsed()});
    pump(link);
}

void FaultProxy::Private::onSocketGone(Link *link, bool client)
{
    if (!find(link))
        return;
    QTcpSocket *socket = client ? link->client.data() : link->upstream.data();
    if (socket && socket->bytesAvailable() > 0)
        onReadable(link, client); // the last bytes before the close still travel
    if (!find(link))
        return;
    if (socket) {
        socket->disconnect();
        socket->deleteLater();
    }
    if (client) {
        link->client = nullptr;
        link->up.sourceClosed = true;
        link->down.destinationClosed = true;
        link->down.chunks.clear();
    } else {
        link->upstream = nullptr;
        link->down.sourceClosed = true;
        link->up.destinationClosed = true;
        link->up.chunks.clear();
    }
    Q_EMIT q->connectionClosed();
    if (!link->blackholed && client && !link->upstreamConnected && link->upstream) {
        // The client left before the server answered: nothing to deliver.
        resetSocket(link->upstream);
        link->upstream = nullptr;
    }
    pump(link);
    removeIfDone(link);
}

void FaultProxy::Private::pump(Link *link)
{
    if (!find(link))
        return;
    if (link->blackholed) {
        removeIfDone(link);
        return;
    }
    bool left = false;
    if (link->upstreamConnected)
        left = pumpPipe(link, link->up, link->upstream) || left;
    left = pumpPipe(link, link->down, link->client) || left;
    if (left)
        scheduleTick();
    // Half-close propagation: once a side is gone and its data delivered, close the other side.
    if (link->up.sourceClosed && link->up.chunks.empty() && link->upstream && link->upstreamConnected)
        link->upstream->disconnectFromHost();
    if (!find(link))
        return;
    if (link->down.sourceClosed && link->down.chunks.empty() && link->client)
        link->client->disconnectFromHost();
    removeIfDone(link);
}

bool FaultProxy::Private::pumpPipe(Link *link, Pipe &pipe, QTcpSocket *destination)
{
    Q_UNUSED(link);
    if (!destination || pipe.destinationClosed) {
        pipe.chunks.clear();
        return false;
    }
    const qint64 now = clock.elapsed();
    while (!pipe.chunks.empty()) {
        Chunk &chunk = pipe.chunks.front();
        if (mode == Mode::Delay && chunk.arrivedMs + param > now)
            return true;
        if (mode == Mode::Throttle) {
            const qint64 allowed = qint64(pipe.tokens);
            if (allowed <= 0)
                return true;
            if (allowed < chunk.data.size()) {
                destination->write(chunk.data.left(allowed));
                chunk.data.remove(0, allowed);
                pipe.tokens -= double(allowed);
                return true;
            }
            pipe.tokens -= double(chunk.data.size());
        }
        destination->write(chunk.data);
        pipe.chunks.pop_front();
    }
    return false;
}

void FaultProxy::Private::refill()
{
    const qint64 now = clock.elapsed();
    const qint64 dt = now - lastTickMs;
    lastTickMs = now;
    if (mode != Mode::Throttle || dt <= 0)
        return;
    // A burst of at most 1/20 s keeps the rate smooth.
    const double cap = qMax(1.0, param / 20.0);
    const double add = double(param) * double(dt) / 1000.0;
    for (const auto &l : links) {
        l->up.tokens = qMin(cap, l->up.tokens + add);
        l->down.tokens = qMin(cap, l->down.tokens + add);
    }
}

void FaultProxy::Private::scheduleTick()
{
    if (!tick.isActive()) {
        lastTickMs = clock.elapsed();
        tick.start();
    }
}

void FaultProxy::Private::removeIfDone(Link *link)
{
    if (!find(link))
        return;
    if (!link->client && !link->upstream)
        removeLink(link);
}

void FaultProxy::Private::removeLink(Link *link)
{
    for (auto it = links.begin(); it != links.end(); ++it) {
        if (it->get() != link)
            continue;
        std::unique_ptr<Link> owned = std::move(*it);
        links.erase(it);
        resetSocket(owned->client);
        resetSocket(owned->upstream);
        owned->client = nullptr;
        owned->upstream = nullptr;
        if (graveyard.empty())
            QTimer::singleShot(0, q, [this] { graveyard.clear(); });
        graveyard.push_back(std::move(owned));
        return;
    }
}

} // namespace Tether
