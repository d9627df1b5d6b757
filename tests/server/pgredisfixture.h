#pragma once
// Real PostgreSQL 15 and Redis 7 for the cluster tests, started in a temporary directory on free
// 127.0.0.1 ports and stopped at the end: never the system's cluster on 5432. PostgreSQL refuses
// to run as root, so as root (CI) it runs as Debian's "postgres" user via runuser.

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <memory>

class PgRedisFixture
{
public:
    PgRedisFixture();
    ~PgRedisFixture();
    PgRedisFixture(const PgRedisFixture &) = delete;
    PgRedisFixture &operator=(const PgRedisFixture &) = delete;

    // initdb + pg_ctl start, then redis-server; false with why (e.g. PostgreSQL is not installed).
    bool start(QString *errorMessage);
    bool startPostgres(QString *errorMessage);
    bool stopPostgres(QString *errorMessage); // fast shutdown: clients are cut off
    bool startRedis(QString *errorMessage);
    void killRedis(); // SIGKILL: Redis loses its connections and everything in flight
    void pauseRedis(bool paused); // SIGSTOP / SIGCONT: a Redis that stops answering, connections open

    // A new, empty database; its libpq connection string.
    QString createDatabase(const QString &name, QString *errorMessage);
    QString conninfo(const QString &database) const;
    QString redisUrl() const;
    quint16 postgresPort() const { return m_pgPort; }
    quint16 redisPort() const { return m_redisPort; }

    static quint16 freePort();

private:
    // Runs a PostgreSQL program (as "postgres" when we are root); its output on failure.
    bool runPg(const QString &program, const QStringList &arguments, QString *errorMessage, int timeoutMs = 60000);

    QTemporaryDir m_dir;
    QString m_pgBin;
    bool m_asPostgresUser = false;
    bool m_pgRunning = false;
    quint16 m_pgPort = 0;
    quint16 m_redisPort = 0;
    std::unique_ptr<QProcess> m_redis;
};
