#include "serverprocess.h"

#include "procstats.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>

namespace Tether::Bench {

QString executablePath(const QString &name)
{
    QString envName = QStringLiteral("TETHER_") + name.mid(name.indexOf(QLatin1Char('-')) + 1).toUpper();
    const QString fromEnv = qEnvironmentVariable(envName.toLatin1().constData());
    if (!fromEnv.isEmpty())
        return fromEnv;
#ifdef TETHER_SERVER_EXE
    if (name == QLatin1String("tether-server") && QFileInfo::exists(QStringLiteral(TETHER_SERVER_EXE)))
        return QStringLiteral(TETHER_SERVER_EXE);
#endif
#ifdef TETHER_CLI_EXE
    if (name == QLatin1String("tether-cli") && QFileInfo::exists(QStringLiteral(TETHER_CLI_EXE)))
        return QStringLiteral(TETHER_CLI_EXE);
#endif
    // build/<dir>/bench/<bench>/bench-x -> build/<dir>/{server,app/cli}/
    const QDir buildRoot(QCoreApplication::applicationDirPath() + QStringLiteral("/../.."));
    for (const QString &candidate : {QStringLiteral("server/"), QStringLiteral("app/cli/")}) {
        const QString path = buildRoot.filePath(candidate + name);
        if (QFileInfo::exists(path))
            return QFileInfo(path).canonicalFilePath();
    }
    return name;
}

ServerProcess::ServerProcess(QObject *parent)
    : QObject(parent)
{
}

ServerProcess::~ServerProcess()
{
    kill();
}

bool ServerProcess::addPublicConversation(const QString &id, QString *errorMessage, int timeoutMs)
{
    QProcess add;
    add.start(executablePath(QStringLiteral("tether-server")),
              {QStringLiteral("--db"), m_dir.filePath(QStringLiteral("server.sqlite")), QStringLiteral("--add-conversation"),
               id, QStringLiteral("--public")});
    if (add.waitForFinished(timeoutMs) && add.exitStatus() == QProcess::NormalExit && add.exitCode() == 0)
        return true;
    if (errorMessage)
        *errorMessage = QStringLiteral("tether-server --add-conversation %1 failed: %2")
                                .arg(id, QString::fromLocal8Bit(add.readAllStandardError()).trimmed());
    return false;
}

void ServerProcess::setArguments(const QStringList &arguments)
{
    m_arguments = arguments;
}

bool ServerProcess::start(QString *errorMessage, int timeoutMs)
{
    auto fail = [&](const QString &message) {
        if (errorMessage)
            *errorMessage = message;
        kill();
        return false;
    };
    if (!m_dir.isValid())
        return fail(QStringLiteral("no temporary directory"));
    kill();
    delete m_process;
    m_process = new QProcess(this);
    m_stderr.clear();
    connect(m_process, &QProcess::readyReadStandardError, this, [this] {
        m_stderr += m_process->readAllStandardError();
        if (m_stderr.size() > 16384)
            m_stderr = m_stderr.right(8192);
    });
    QStringList arguments = {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(m_port),
                             QStringLiteral("--db"), m_dir.filePath(QStringLiteral("server.sqlite"))};
    arguments += m_arguments;
    const QString program = executablePath(QStringLiteral("tether-server"));
    // Per-connection info logging would put pipe writes on the server's hot path under load.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (!environment.contains(QStringLiteral("QT_LOGGING_RULES")))
        environment.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("tether.*.info=false;tether.*.debug=false"));
    m_process->setProcessEnvironment(environment);
    m_process->start(program, arguments);
    if (!m_process->waitForStarted(timeoutMs))
        return fail(QStringLiteral("cannot start %1: %2").arg(program, m_process->errorString()));

    // Wait with the event loop running (not waitForReadyRead): in-process clients keep their
    // timers, so a restart does not freeze the reconnect schedule being measured.
    bool listening = false;
    QString problem;
    connect(m_process, &QProcess::readyReadStandardOutput, this, [&, process = m_process] {
        while (!listening && process->canReadLine()) {
            const QJsonObject line = QJsonDocument::fromJson(process->readLine()).object();
            if (line.value(QStringLiteral("event")).toString() != QLatin1String("listening"))
                continue;
            m_ws = QUrl(line.value(QStringLiteral("ws")).toString());
            m_http = QUrl(line.value(QStringLiteral("http")).toString());
            m_port = quint16(m_ws.port());
            if (!m_ws.isValid() || m_ws.port() <= 0)
                problem = QStringLiteral("tether-server printed no usable ws URL");
            listening = true;
        }
    });
    spinUntil([&] { return listening || m_process->state() != QProcess::Running; }, timeoutMs);
    disconnect(m_process, &QProcess::readyReadStandardOutput, this, nullptr);
    if (listening && problem.isEmpty())
        return true;
    m_stderr += m_process->readAllStandardError();
    if (problem.isEmpty())
        problem = QStringLiteral("tether-server did not report listening (%1): %2")
                      .arg(m_process->state() == QProcess::Running ? QStringLiteral("timeout")
                                                                  : QStringLiteral("exited"),
                           QString::fromLocal8Bit(m_stderr.right(2000)));
    return fail(problem);
}

void ServerProcess::kill()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        m_process->waitForFinished(10000);
    }
}

bool ServerProcess::terminate(int timeoutMs)
{
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return false;
    m_process->terminate();
    // Keep the event loop turning so in-process clients see their close frames meanwhile.
    spinUntil([this] { return m_process->state() == QProcess::NotRunning; }, timeoutMs);
    if (m_process->state() != QProcess::NotRunning) {
        kill();
        return false;
    }
    return m_process->exitStatus() == QProcess::NormalExit && m_process->exitCode() == 0;
}

bool ServerProcess::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

qint64 ServerProcess::pid() const
{
    return m_process ? m_process->processId() : 0;
}

QString ServerProcess::stderrTail() const
{
    return QString::fromLocal8Bit(m_stderr.right(2000));
}

} // namespace Tether::Bench
