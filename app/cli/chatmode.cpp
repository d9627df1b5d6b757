#include "chatmode.h"

#include "authclient.h"
#include "chatsession.h"
#include "connectionmanager.h"
#include "eventprinter.h"
#include "keys.h"
#include "messageframe.h"
#include "stdinreader.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

namespace Tether {

namespace {

QString str(const char *latin1) { return QString::fromLatin1(latin1); }

namespace Key = Protocol::Key;

// A received message printed with the wire message's fields: a history entry without "type".
QJsonObject messageFields(const ChatMessage &m)
{
    Protocol::MessageFrame frame;
    frame.conversation = m.conversation;
    frame.seq = m.seq;
    frame.id = m.id;
    frame.from = m.from;
    frame.text = m.text;
    frame.ts = m.timestamp.toMSecsSinceEpoch();
    return frame.toJson(Protocol::MessageFrame::Form::HistoryEntry);
}

} // namespace

ChatMode::ChatMode(const ConnectionConfig &connection, const ChatCliOptions &options, bool json, int flushTimeoutMs,
                   QObject *parent)
    : QObject(parent)
    , m_connectionConfig(connection)
    , m_options(options)
    , m_flushTimeoutMs(flushTimeoutMs)
    , m_printer(new EventPrinter(json, this))
    , m_stdin(new StdinReader(this))
{
    m_loginRetry.setSingleShot(true);
    connect(&m_loginRetry, &QTimer::timeout, this, &ChatMode::login);
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, [this] {
        m_printer->print(str("error"), {{str("code"), str("unsent")},
                                        {str("message"), QStringLiteral("%1 messages not acknowledged within %2 ms; "
                                                                        "they stay in the outbox for the next run")
                                                             .arg(pendingCount())
                                                             .arg(m_flushTimeoutMs)}});
        finish(1);
    });
}

ChatMode::~ChatMode() = default;

void ChatMode::start()
{
    m_connection = new ConnectionManager(m_connectionConfig, nullptr, this);
    ChatSessionConfig config;
    config.databasePath = m_options.databasePath;
    config.outboxLimit = m_options.outboxLimit;
    m_session = new ChatSession(m_connection, config, this);

    // The store opens first: lines typed while we log in are already safe in the outbox.
    QString error;
    if (!m_session->open(&error)) {
        m_printer->print(str("error"), {{str("code"), str("storage_error")}, {str("message"), error}});
        finish(1);
        return;
    }
    const ChatSession::StoreRecovery recovery = m_session->storeRecovery();
    if (!recovery.movedTo.isEmpty())
        m_printer->print(str("store_recovered"), {{str("moved_to"), recovery.movedTo},
                                                  {str("reason"), recovery.reason},
                                                  {str("salvaged"), recovery.salvagedOutbox}});

    connect(m_connection, &ConnectionManager::stateChanged, this,
            [this](ConnectionState state, ConnectionState previous) {
                QJsonObject f{{str("state"), connectionStateName(state)}, {str("previous"), connectionStateName(previous)}};
                if (state == ConnectionState::Reconnecting) {
                    f.insert(str("attempt"), m_connection->attempt());
                    f.insert(str("delay_ms"), double(m_connection->msUntilNextAttempt()));
                } else if (state == ConnectionState::Connected) {
                    f.insert(str("url"), m_connection->displayUrl().toString());
                    EventPrinter::addTransport(f, m_connection);
                }
                m_printer->print(str("state"), f);
                if (m_finishing)
                    return;
                if (state == ConnectionState::SignedOut || state == ConnectionState::Failed)
                    finish(1);
            });
    // Another transport while connected: a state event of its own.
    connect(m_connection, &ConnectionManager::transportChanged, this, [this](const QString &) {
        QJsonObject f{{str("state"), connectionStateName(m_connection->state())},
                      {str("previous"), connectionStateName(m_connection->state())},
                      {str("url"), m_connection->displayUrl().toString()}};
        EventPrinter::addTransport(f, m_connection);
        m_printer->print(str("state"), f);
    });
    connect(m_connection, &ConnectionManager::closed, this, [this](int code, const QString &reason) {
        m_printer->print(str("closed"), {{str("code"), code}, {str("reason"), reason}});
    });
    connect(m_connection, &ConnectionManager::errorOccurred, this,
            [this](ConnectionManager::Error e, const QString &message) {
                m_printer->print(str("error"), {{str("code"), EventPrinter::errorName(e)}, {str("message"), message}});
            });

    connect(m_session, &ChatSession::messagesAdded, this, [this](const QString &, const QList<ChatMessage> &list) {
        for (const ChatMessage &m : list) {
            if (m.delivery == ChatMessage::Delivery::Received)
                m_printer->print(str("message"), messageFields(m));
        }
    });
    connect(m_session, &ChatSession::messageUpdated, this, [this](const ChatMessage &m) {
        if (m.delivery == ChatMessage::Delivery::Sent)
            m_printer->print(str("ack"), {{Key::Id, m.id}, {Key::Conversation, m.conversation},
                                          {Key::Seq, double(m.seq)}});
        else if (m.delivery == ChatMessage::Delivery::Failed)
            m_printer->print(str("failed"), {{Key::Id, m.id}, {Key::Conversation, m.conversation},
                                             {Key::Code, m.errorCode}});
        if (m_eof)
            checkDrained();
    });
    connect(m_session, &ChatSession::synced, this, [this] {
        m_printer->print(str("synced"), {{str("user"), m_session->userName()},
                                         {str("outbox"), m_session->outboxSize()},
                                         {str("reconnects"), m_session->reconnects()}});
        if (m_eof)
            checkDrained();
    });
    connect(m_session, &ChatSession::typing, this, [this](const QString &conversation, const QString &from) {
        m_printer->print(str("typing"), {{Key::Conversation, conversation}, {Key::From, from}});
    });
    connect(m_session, &ChatSession::errorOccurred, this, [this](ChatSession::Error error, const QString &message) {
        m_printer->print(str("error"), {{str("code"), ChatSession::errorName(error)}, {str("message"), message}});
    });

    connect(m_stdin, &StdinReader::lineRead, this, &ChatMode::onLine);
    connect(m_stdin, &StdinReader::finished, this, &ChatMode::onStdinFinished);
    m_stdin->start();

    if (m_options.user.isEmpty())
        startSession(); // guest
    else
        login();
}

void ChatMode::stop(int exitCode)
{
    finish(exitCode);
}

void ChatMode::login()
{
    if (m_finishing)
        return;
    if (!m_auth) {
        m_auth = new AuthClient(this);
        // --http, or the HTTP side of the WebSocket URL (same host and port).
        m_auth->setServer(m_options.httpUrl.isEmpty() ? m_connectionConfig.url : m_options.httpUrl);
        m_auth->setNetworkSettings(m_connectionConfig);
        m_auth->setTimeoutMs(qMax(1000, m_connectionConfig.connectTimeoutMs));
        connect(m_auth, &AuthClient::finished, this, &ChatMode::onLoginFinished);
    }
    ++m_loginAttempts;
    m_auth->login(m_options.user, m_options.password);
}

void ChatMode::onLoginFinished(const AuthClient::Result &result)
{
    if (m_finishing)
        return;
    if (result.serverDate.isValid())
        m_connection->observeServerTime(result.serverDate, result.roundTripMs); // before the first attempt
    if (result.succeeded()) {
        m_connection->setCredentials(result.credentials);
        m_printer->print(str("login"), {{str("user"), m_options.user}, {str("attempts"), m_loginAttempts}});
        startSession();
        return;
    }
    if (!result.isTransient()) {
        // Wrong name or password will not get better by trying again.
        m_printer->print(str("error"), {{str("code"), str("login_failed")},
                                        {str("message"), QStringLiteral("login as %1 refused (HTTP %2): %3")
                                                             .arg(m_options.user)
                                                             .arg(result.httpStatus)
                                                             .arg(result.serverError)}});
        finish(1);
        return;
    }
    // The server is not there (yet): try again like a reconnect would, with the same backoff.
    const Backoff backoff(m_connectionConfig.backoff, [] { return QRandomGenerator::global()->generateDouble(); });
    const int delayMs = backoff.delayMs(m_loginAttempts);
    m_printer->print(str("error"), {{str("code"), str("login_unreachable")},
                                    {str("message"), QStringLiteral("%1: %2; retrying in %3 ms")
                                                         .arg(m_auth->server().toString(), result.errorString())
                                                         .arg(delayMs)}});
    m_loginRetry.start(qMax(1, delayMs));
}

void ChatMode::startSession()
{
    if (m_finishing)
        return;
    m_connection->open();
}

void ChatMode::onLine(const QString &line)
{
    if (m_finishing || !m_session)
        return;
    QString text = line;
    QString id;
    QString conversation = m_options.conversation;
    if (m_options.stdinJson) {
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(line.toUtf8(), &parseError);
        const QJsonObject o = doc.object();
        if (!doc.isObject() || !o.value(Key::Text).isString()) {
            m_printer->print(str("error"), {{str("code"), str("bad_input")},
                                            {str("message"), QStringLiteral("expected {\"text\":...,\"id\"?,\"conversation\"?}: %1")
                                                                 .arg(doc.isObject() ? str("no text") : parseError.errorString())}});
            return;
        }
        text = o.value(Key::Text).toString();
        id = o.value(Key::Id).toString();
        if (o.value(Key::Conversation).isString())
            conversation = o.value(Key::Conversation).toString();
    }
    if (text.trimmed().isEmpty())
        return; // an empty line is not a message
    QString error;
    const QString sent = id.isEmpty() ? m_session->send(conversation, text, &error)
                                      : m_session->sendWithId(id, conversation, text, &error);
    if (!sent.isEmpty())
        m_printer->print(str("queued"), {{Key::Id, sent}, {Key::Conversation, conversation}});
    // A refusal was printed through ChatSession::errorOccurred.
}

int ChatMode::pendingCount() const
{
    int n = 0;
    if (!m_session)
        return 0;
    for (const ChatMessage &m : m_session->outbox())
        if (m.delivery != ChatMessage::Delivery::Failed)
            ++n;
    return n;
}

void ChatMode::onStdinFinished()
{
    m_eof = true;
    if (m_flushTimeoutMs > 0)
        m_flushTimer.start(m_flushTimeoutMs);
    checkDrained();
}

void ChatMode::checkDrained()
{
    if (m_finishing || pendingCount() > 0)
        return;
    const int failed = m_session ? m_session->outboxSize() : 0;
    finish(failed > 0 ? 1 : 0);
}

void ChatMode::finish(int exitCode)
{
    if (m_finishing)
        return;
    m_finishing = true;
    m_exitCode = exitCode;
    m_flushTimer.stop();
    m_loginRetry.stop();
    auto done = [this] {
        QJsonObject fields{{str("code"), m_exitCode}, {str("unsent"), m_session ? m_session->outboxSize() : 0}};
        if (m_printer->isJson() && m_connection) {
            // The session's connection summary, in the report's and the operators' words.
            const ConnectionStats stats = m_connection->stats();
            fields.insert(str("connects"), stats.connects);
            fields.insert(str("disconnects_by_code"), stats.disconnectsByCodeJson());
            fields.insert(str("connection_duration_seconds"), stats.durationJson());
        }
        m_printer->print(str("exit"), fields);
        Q_EMIT finished(m_exitCode);
    };
    if (m_connection && m_connection->state() != ConnectionState::Disconnected
        && m_connection->state() != ConnectionState::Failed && m_connection->state() != ConnectionState::SignedOut) {
        m_connection->close();
        if (m_connection->isClosing()) {
            connect(m_connection, &ConnectionManager::closingFinished, this, done);
            return;
        }
    }
    done();
}

} // namespace Tether
