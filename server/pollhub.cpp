#include "pollhub.h"

#include "chatserver.h"
#include "clientconnection.h"
#include "closecode.h"
#include "endpoints.h"
#include "framehandlers.h"
#include "frontdoor.h"
#include "httperrorbody.h"
#include "httpresponder.h"
#include "keys.h"
#include "pollsession.h"
#include "protocollimits.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QUrlQuery>

namespace Tether {

Q_DECLARE_LOGGING_CATEGORY(lcServer)

using Protocol::ErrorCode;

namespace {
QJsonObject httpError(ErrorCode code, const QString &message)
{
    return Protocol::HttpErrorBody(code, message).toJson();
}

// The token as /ws takes it: "Authorization: Bearer <token>", else ?access_token=<token>.
QString requestToken(const QByteArray &authorization, const QUrlQuery &query)
{
    const QByteArray header = authorization.trimmed();
    const QLatin1String scheme = Protocol::Value::Bearer;
    if (header.size() > scheme.size() + 1 && header.at(scheme.size()) == ' '
        && QLatin1String(header.left(scheme.size())).compare(scheme, Qt::CaseInsensitive) == 0) {
        const QString token = QString::fromLatin1(header.mid(scheme.size() + 1).trimmed());
        if (!token.isEmpty())
            return token;
    }
    return query.queryItemValue(QString(Protocol::Key::AccessToken), QUrl::FullyDecoded);
}

// 192 random bits: the session id is the only credential of the requests after the open.
QString newSessionId()
{
    QByteArray bytes(24, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), bytes.size() / 4);
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

bool methodIs(QTcpSocket *socket, const QByteArray &method, const char *wanted)
{
    if (method == wanted)
        return true;
    HttpResponder::write(socket, 405, httpError(ErrorCode::MethodNotAllowed, QStringLiteral("use %1").arg(QLatin1String(wanted))),
                         "Allow: " + QByteArray(wanted) + "\r\n");
    return false;
}
} // namespace

PollHub::PollHub(const ServerConfig &config, FrameHandlers &handlers, const QElapsedTimer &clock, Hooks hooks,
                 QObject *parent)
    : QObject(parent), m_config(config), m_handlers(handlers), m_clock(clock), m_hooks(std::move(hooks))
{
    m_sweepTimer.setInterval(qBound(5, qMin(qMax(1, m_config.pollExpiryMs), qMax(200, m_config.shutdownGraceMs)) / 4, 1000));
    connect(&m_sweepTimer, &QTimer::timeout, this, &PollHub::sweep);
}

PollHub::~PollHub()
{
    endAll();
}

bool PollHub::isPollPath(const QByteArray &path)
{
    const QLatin1String route(path);
    return route == Protocol::Path::PollOpen || route == Protocol::Path::Poll || route == Protocol::Path::PollSend
            || route == Protocol::Path::PollClose;
}

QList<ClientConnection *> PollHub::clients() const
{
    QList<ClientConnection *> out;
    out.reserve(m_sessions.size());
    for (const PollSession *session : m_sessions)
        out.append(session->client());
    return out;
}

int PollHub::heldPolls() const
{
    int held = 0;
    for (const PollSession *session : m_sessions)
        held += session->isHeld() ? 1 : 0;
    return held;
}

void PollHub::handle(QTcpSocket *socket, const QByteArray &method, const QByteArray &path, const QUrlQuery &query,
                     const QByteArray &body, const QByteArray &authorization)
{
    const QLatin1String route(path);
    if (route == Protocol::Path::PollOpen) {
        if (methodIs(socket, method, "POST"))
            open(socket, query, authorization);
        return;
    }
    PollSession *session = m_sessions.value(query.queryItemValue(QString(Protocol::Key::Session)));
    if (!session) {
        HttpResponder::write(socket, 404, httpError(ErrorCode::NotFound, QStringLiteral("no such poll session (closed or expired)")));
        return;
    }
    if (route == Protocol::Path::Poll) {
        if (methodIs(socket, method, "GET"))
            poll(socket, session, query);
    } else if (route == Protocol::Path::PollSend) {
        if (methodIs(socket, method, "POST"))
            send(socket, session, query, body);
    } else if (methodIs(socket, method, "POST")) { // PollClose: the client is done with it
        HttpResponder::write(socket, 200, QJsonObject());
        end(session);
    }
}

void PollHub::open(QTcpSocket *socket, const QUrlQuery &query, const QByteArray &authorization)
{
    if (m_config.maxPollSessions > 0 && m_sessions.size() >= m_config.maxPollSessions) {
        HttpResponder::write(socket, 503, httpError(ErrorCode::ServerBusy, QStringLiteral("too many poll sessions")),
                             "Retry-After: 5\r\n");
        return;
    }
    // As for connections (AdmissionControl): one address may not take every session.
    const QString address = socket->peerAddress().toString() + QLatin1Char('|');
    if (m_config.maxPerAddress > 0) {
        int fromAddress = 0;
        for (const PollSession *s : std::as_const(m_sessions))
            fromAddress += s->client()->peer().startsWith(address) ? 1 : 0;
        if (fromAddress >= m_config.maxPerAddress) {
            HttpResponder::write(socket, 503, httpError(ErrorCode::ServerBusy, QStringLiteral("too many poll sessions from your address")),
                                 "Retry-After: 5\r\n");
            return;
        }
    }
    const QString id = newSessionId();
    auto *session = new PollSession(id, m_config.pollHoldMs, m_clock, this);
    ClientConnection *client = m_hooks.admit(session, FrontDoor::peerKey(socket->peerAddress(), socket->peerPort()));
    if (!client) {
        delete session;
        HttpResponder::write(socket, 503, httpError(ErrorCode::ServerBusy, QStringLiteral("the server is shutting down")),
                             "Retry-After: 5\r\n");
        return;
    }
    session->setClient(client);
    m_sessions.insert(id, session);
    // Once the close went out, the session goes (not inside the answer's own call chain).
    connect(session, &PollSession::closeSent, this, [this, id] {
        QTimer::singleShot(0, this, [this, id] {
            if (PollSession *s = m_sessions.value(id))
                end(s);
        });
    });
    if (!m_sweepTimer.isActive())
        m_sweepTimer.start();

    const QString token = requestToken(authorization, query);
    if (!token.isEmpty() && !m_handlers.authenticate(client, token)) {
        // What a WebSocket learns from its close code comes in the answer: 4001 or 4003.
        QJsonObject body = httpError(ErrorCode::InvalidToken, client->closeCode() == Protocol::toInt(Protocol::CloseCode::TokenExpired)
                                                                     ? QStringLiteral("token expired")
                                                                     : QStringLiteral("invalid token"));
        body.insert(Protocol::Key::CloseCode, client->closeCode());
        HttpResponder::write(socket, 401, body);
        end(session);
        return;
    }
    HttpResponder::write(socket, 200, QJsonObject{ { Protocol::Key::Session, id }, { Protocol::Key::Cursor, 0 },
                                                   { Protocol::Key::HoldMs, m_config.pollHoldMs } });
}

void PollHub::poll(QTcpSocket *socket, PollSession *session, const QUrlQuery &query)
{
    bool ok = false;
    const qint64 cursor = query.queryItemValue(QString(Protocol::Key::Cursor)).toLongLong(&ok);
    if (!ok || cursor < 0) {
        HttpResponder::write(socket, 400, httpError(ErrorCode::BadRequest, QStringLiteral("cursor must be a number >= 0")));
        return;
    }
    switch (session->poll(socket, cursor)) {
    case PollSession::PollResult::Answered:
    case PollSession::PollResult::Held:
        return;
    case PollSession::PollResult::BadCursor:
        HttpResponder::write(socket, 400, httpError(ErrorCode::BadRequest, QStringLiteral("cursor is ahead of the frames sent")));
        return;
    case PollSession::PollResult::Gone:
        // What the client missed cannot be given again: the session is over, the client resumes anew.
        HttpResponder::write(socket, 410, httpError(ErrorCode::NotFound, QStringLiteral("frames after the cursor are gone")));
        end(session);
        return;
    }
}

void PollHub::send(QTcpSocket *socket, PollSession *session, const QUrlQuery &query, const QByteArray &body)
{
    bool ok = false;
    const qint64 seq = query.queryItemValue(QString(Protocol::Key::Seq)).toLongLong(&ok);
    if (!ok || seq <= 0) {
        HttpResponder::write(socket, 400, httpError(ErrorCode::BadRequest, QStringLiteral("seq must be a number > 0")));
        return;
    }
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !document.isArray()) {
        HttpResponder::write(socket, 400, httpError(ErrorCode::BadJson, QStringLiteral("the body must be a JSON array of frames")));
        return;
    }
    const QJsonArray frames = document.array();
    if (frames.size() > Protocol::Limits::MaxPollBatchFrames) {
        HttpResponder::write(socket, 413, httpError(ErrorCode::TooLarge, QStringLiteral("at most %1 frames per request")
                                                                                 .arg(Protocol::Limits::MaxPollBatchFrames)));
        return;
    }
    // A retried request (its answer was lost) is answered, not handled again: the frames are
    // taken exactly once, whatever they are.
    if (!session->acceptBatch(seq)) {
        HttpResponder::write(socket, 200, QJsonObject{ { Protocol::Key::Accepted, 0 }, { Protocol::Key::Duplicate, true } });
        return;
    }
    ClientConnection *client = session->client();
    int accepted = 0;
    for (const QJsonValue &value : frames) {
        if (client->isClosing())
            break;
        // Each frame goes where a WebSocket text frame goes: rate limit first, then the handlers.
        // Anything but an object is passed as text too, so it gets the same bad_json answer.
        const QByteArray text = value.isObject() ? QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact)
                                                 : QJsonDocument(QJsonArray{ value }).toJson(QJsonDocument::Compact);
        m_handlers.onText(client, QString::fromUtf8(text));
        ++accepted;
    }
    HttpResponder::write(socket, 200, QJsonObject{ { Protocol::Key::Accepted, accepted } });
}

void PollHub::end(PollSession *session)
{
    if (!m_sessions.remove(session->id()))
        return;
    session->releaseHeld();
    session->disconnect(this);
    ClientConnection *client = session->client();
    session->setClient(nullptr);
    session->deleteLater();
    if (client && m_hooks.ended)
        m_hooks.ended(client);
    if (m_sessions.isEmpty())
        m_sweepTimer.stop();
}

void PollHub::endAll()
{
    const auto sessions = m_sessions.values();
    for (PollSession *session : sessions)
        end(session);
}

void PollHub::sweep()
{
    const qint64 now = m_clock.elapsed();
    const auto sessions = m_sessions.values();
    for (PollSession *session : sessions) {
        if (session->isFinished()) {
            // The server closed it: gone once the close was taken, or after the grace period.
            if (session->closeDelivered() || now - session->finishedAtMs() >= qMax(200, m_config.shutdownGraceMs))
                end(session);
        } else if (m_config.pollExpiryMs > 0 && !session->isHeld() && now - session->lastSeenMs() >= m_config.pollExpiryMs) {
            qCInfo(lcServer).noquote() << "poll session of" << session->client()->peer() << "expired: not polled for"
                                       << (now - session->lastSeenMs()) << "ms";
            end(session);
        }
    }
}

} // namespace Tether
