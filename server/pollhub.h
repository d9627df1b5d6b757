#pragma once
// The long-polling endpoints (docs/protocol.md, "Long polling"): opens sessions (authenticated as
// /ws is), answers and holds polls, hands the frames of each send to FrameHandlers as a WebSocket's
// would be, and drops sessions that were closed, or not polled for pollExpiryMs. Bounded in number.

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>

class QElapsedTimer;
class QTcpSocket;
class QUrlQuery;

namespace Tether {

class ClientConnection;
class FrameHandlers;
class PollSession;
struct ServerConfig;

class PollHub : public QObject
{
    Q_OBJECT
public:
    // admit: makes the ClientConnection of a new session (nullptr: refused, the server is going
    // down); ended: the session is gone, its connection is the caller's to forget and delete.
    struct Hooks
    {
        std::function<ClientConnection *(PollSession *session, const QString &peer)> admit;
        std::function<void(ClientConnection *client)> ended;
    };

    PollHub(const ServerConfig &config, FrameHandlers &handlers, const QElapsedTimer &clock, Hooks hooks,
            QObject *parent = nullptr);
    ~PollHub() override;

    static bool isPollPath(const QByteArray &path);
    // A complete request to one of the poll paths; always answers (now, or when the poll ends).
    void handle(QTcpSocket *socket, const QByteArray &method, const QByteArray &path, const QUrlQuery &query,
                const QByteArray &body, const QByteArray &authorization);

    QList<ClientConnection *> clients() const;
    int sessionCount() const { return int(m_sessions.size()); }
    int heldPolls() const; // polls waiting for frames now
    // Drops every session at once (the server is finishing): held polls are answered first.
    void endAll();

private:
    void open(QTcpSocket *socket, const QUrlQuery &query, const QByteArray &authorization);
    void poll(QTcpSocket *socket, PollSession *session, const QUrlQuery &query);
    void send(QTcpSocket *socket, PollSession *session, const QUrlQuery &query, const QByteArray &body);
    void end(PollSession *session);
    void sweep();

    const ServerConfig &m_config;
    FrameHandlers &m_handlers;
    const QElapsedTimer &m_clock;
    Hooks m_hooks;
    QHash<QString, PollSession *> m_sessions;
    QHash<PollSession *, qint64> m_finishedAt; // sessions the server closed: when
    QTimer m_sweepTimer;
};

} // namespace Tether
