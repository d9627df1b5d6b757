#include "pgredisfixture.h"

#include <QDir>
#include <QFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <pwd.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

namespace {
constexpr int kStartTimeoutMs = 60000;
}

PgRedisFixture::PgRedisFixture() : m_pgBin(QStringLiteral("/usr/lib/postgresql/15/bin")) {}

PgRedisFixture::~PgRedisFixture()
{
    killRedis();
    if (m_pgRunning) {
        QString ignored;
        runPg(QStringLiteral("pg_ctl"), { QStringLiteral("-D"), m_dir.path() + QStringLiteral("/data"), QStringLiteral("-m"),
                                          QStringLiteral("immediate"), QStringLiteral("-w"), QStringLiteral("stop") },
              &ignored);
    }
}

quint16 PgRedisFixture::freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

bool PgRedisFixture::runPg(const QString &program, const QStringList &arguments, QString *errorMessage, int timeoutMs)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setWorkingDirectory(m_dir.path());
    const QString path = m_pgBin + QLatin1Char('/') + program;
    if (m_asPostgresUser)
        process.start(QStringLiteral("runuser"), QStringList{ QStringLiteral("-u"), QStringLiteral("postgres"),
                                                              QStringLiteral("--"), path } + arguments);
    else
        process.start(path, arguments);
    if (!process.waitForFinished(timeoutMs) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        if (errorMessage)
            *errorMessage = QStringLiteral("%1 failed: %2").arg(program, QString::fromLocal8Bit(process.readAll()).right(2000));
        process.kill();
        process.waitForFinished(5000);
        return false;
    }
    return true;
}

bool PgRedisFixture::start(QString *errorMessage)
{
    if (!m_dir.isValid() || !QFile::exists(m_pgBin + QStringLiteral("/initdb"))) {
        if (errorMessage)
            *errorMessage = QStringLiteral("PostgreSQL 15 is not installed (scripts/deps)");
        return false;
    }
    if (::geteuid() == 0) {
        // PostgreSQL refuses root: the data directory belongs to the postgres user, who runs it.
        const passwd *user = ::getpwnam("postgres");
        if (!user || ::chown(QFile::encodeName(m_dir.path()).constData(), user->pw_uid, user->pw_gid) != 0) {
            if (errorMessage)
                *errorMessage = QStringLiteral("running as root and there is no usable 'postgres' user");
            return false;
        }
        m_asPostgresUser = true;
    }
    if (!runPg(QStringLiteral("initdb"), { QStringLiteral("-D"), m_dir.path() + QStringLiteral("/data"),
                                           QStringLiteral("-A"), QStringLiteral("trust"), QStringLiteral("-U"),
                                           QStringLiteral("tether"), QStringLiteral("-E"), QStringLiteral("UTF8"),
                                           QStringLiteral("--no-sync") },
               errorMessage, kStartTimeoutMs))
        return false;
    m_pgPort = freePort();
    m_redisPort = freePort();
    return startPostgres(errorMessage) && startRedis(errorMessage);
}

bool PgRedisFixture::startPostgres(QString *errorMessage)
{
    // Loopback only, its socket in our directory (not /run/postgresql), fsync off (tests).
    const QString options = QStringLiteral("-p %1 -k %2 -c listen_addresses=127.0.0.1 -c fsync=off "
                                           "-c synchronous_commit=off -c max_connections=100")
                                    .arg(m_pgPort).arg(m_dir.path());
    if (!runPg(QStringLiteral("pg_ctl"), { QStringLiteral("-D"), m_dir.path() + QStringLiteral("/data"), QStringLiteral("-l"),
                                           m_dir.path() + QStringLiteral("/postgres.log"), QStringLiteral("-o"), options,
                                           QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("60"),
                                           QStringLiteral("start") },
               errorMessage, kStartTimeoutMs))
        return false;
    m_pgRunning = true;
    return true;
}

bool PgRedisFixture::stopPostgres(QString *errorMessage)
{
    if (!runPg(QStringLiteral("pg_ctl"), { QStringLiteral("-D"), m_dir.path() + QStringLiteral("/data"), QStringLiteral("-m"),
                                           QStringLiteral("fast"), QStringLiteral("-w"), QStringLiteral("stop") },
               errorMessage, kStartTimeoutMs))
        return false;
    m_pgRunning = false;
    return true;
}

bool PgRedisFixture::startRedis(QString *errorMessage)
{
    killRedis();
    m_redis = std::make_unique<QProcess>();
    m_redis->setProcessChannelMode(QProcess::MergedChannels);
    m_redis->start(QStringLiteral("redis-server"),
                   { QStringLiteral("--port"), QString::number(m_redisPort), QStringLiteral("--save"), QString(),
                     QStringLiteral("--appendonly"), QStringLiteral("no"), QStringLiteral("--bind"),
                     QStringLiteral("127.0.0.1"), QStringLiteral("--dir"), QDir::tempPath() });
    if (!m_redis->waitForStarted(10000)) {
        if (errorMessage)
            *errorMessage = QStringLiteral("cannot start redis-server (scripts/deps)");
        return false;
    }
    // Ready when it accepts a connection.
    const bool up = QTest::qWaitFor([this] {
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, m_redisPort);
        return probe.waitForConnected(200);
    }, 20000);
    if (!up && errorMessage)
        *errorMessage = QStringLiteral("redis-server did not come up: %1").arg(QString::fromLocal8Bit(m_redis->readAll()));
    return up;
}

void PgRedisFixture::pauseRedis(bool paused)
{
    if (m_redis && m_redis->processId() > 0)
        ::kill(pid_t(m_redis->processId()), paused ? SIGSTOP : SIGCONT);
}

void PgRedisFixture::killRedis()
{
    if (!m_redis)
        return;
    pauseRedis(false);
    m_redis->kill();
    m_redis->waitForFinished(10000);
    m_redis.reset();
}

QString PgRedisFixture::conninfo(const QString &database) const
{
    return QStringLiteral("host=127.0.0.1 port=%1 dbname=%2 user=tether").arg(m_pgPort).arg(database);
}

QString PgRedisFixture::redisUrl() const
{
    return QStringLiteral("redis://127.0.0.1:%1").arg(m_redisPort);
}

QString PgRedisFixture::createDatabase(const QString &name, QString *errorMessage)
{
    if (!runPg(QStringLiteral("psql"), { QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                                         QString::number(m_pgPort), QStringLiteral("-U"), QStringLiteral("tether"),
                                         QStringLiteral("-d"), QStringLiteral("postgres"), QStringLiteral("-q"),
                                         QStringLiteral("-c"), QStringLiteral("CREATE DATABASE \"%1\"").arg(name) },
               errorMessage))
        return QString();
    return conninfo(name);
}
