#include "clisession.h"

#include "connectionmanager.h"
#include "eventprinter.h"
#include "stdinreader.h"

namespace Tether {

CliSession::CliSession(const CliOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_manager(new ConnectionManager(options.connection, nullptr, this))
    , m_printer(new EventPrinter(options.json, this))
    , m_stdin(new StdinReader(this))
{
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, [this] {
        m_printer->print(QStringLiteral("error"),
                         { { QStringLiteral("code"), QStringLiteral("unsent") },
                           { QStringLiteral("message"),
                             QStringLiteral("%1 queued lines not sent within %2 ms")
                                     .arg(m_manager->queuedCount())
                                     .arg(m_options.flushTimeoutMs) } });
        finish(1);
    });
}

void CliSession::start()
{
    m_printer->attach(m_manager);
    connect(m_stdin, &StdinReader::lineRead, m_manager, [this](const QString &line) {
        if (!m_finishing)
            m_manager->send(line); // a rejection is reported through errorOccurred
    });
    connect(m_stdin, &StdinReader::finished, this, &CliSession::onStdinFinished);
    connect(m_manager, &ConnectionManager::stateChanged, this, [this](ConnectionState state) {
        if (m_finishing)
            return;
        if (state == ConnectionState::SignedOut || state == ConnectionState::Failed)
            finish(1);      // nothing more will happen without a human
        else if (state == ConnectionState::Disconnected)
            finish(0);      // the server closed the session normally
        else if (m_eof)
            checkFlushed();
    });
    connect(m_manager, &ConnectionManager::closingFinished, this, [this] {
        if (m_finishing)
            exit();
    });
    m_manager->open();
    m_stdin->start();
}

void CliSession::stop(int exitCode)
{
    finish(exitCode);
}

void CliSession::onStdinFinished()
{
    m_eof = true;
    if (m_manager->queuedCount() > 0)
        m_flushTimer.start(m_options.flushTimeoutMs);
    checkFlushed();
}

void CliSession::checkFlushed()
{
    if (m_finishing || m_manager->queuedCount() > 0)
        return;
    // Lines typed before the first connect are queued; they are out once we are connected.
    finish(0);
}

void CliSession::finish(int exitCode)
{
    if (m_finishing)
        return;
    m_finishing = true;
    m_exitCode = exitCode;
    m_flushTimer.stop();
    const ConnectionState state = m_manager->state();
    if (state != ConnectionState::Disconnected && state != ConnectionState::Failed
        && state != ConnectionState::SignedOut)
        m_manager->close(); // 1000 when connected; a graceful close finishes asynchronously (bounded)
    if (!m_manager->isClosing())
        exit();
}

void CliSession::exit()
{
    if (m_exited)
        return;
    m_exited = true;
    QJsonObject fields{ { QStringLiteral("code"), m_exitCode }, { QStringLiteral("unsent"), m_manager->queuedCount() } };
    if (m_printer->isJson()) {
        // The session's connection summary, in the report's and the operators' words.
        const ConnectionStats stats = m_manager->stats();
        fields.insert(QStringLiteral("connects"), stats.connects);
        fields.insert(QStringLiteral("disconnects_by_code"), stats.disconnectsByCodeJson());
        fields.insert(QStringLiteral("connection_duration_seconds"), stats.durationJson());
    }
    m_printer->print(QStringLiteral("exit"), fields);
    Q_EMIT finished(m_exitCode);
}

} // namespace Tether
