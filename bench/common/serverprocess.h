#pragma once
// A tether-server child process on 127.0.0.1 for benchmarks that want the server on its own core:
// start (reads the JSON "listening" line), kill (a crash), terminate (a graceful restart), restart
// on the same port.

#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

namespace Tether::Bench {

// Path of a project executable ("tether-server", "tether-cli"): the environment variable
// TETHER_SERVER / TETHER_CLI, else the build tree path compiled in, else next to this binary.
QString executablePath(const QString &name);

class ServerProcess : public QObject
{
    Q_OBJECT

public:
    explicit ServerProcess(QObject *parent = nullptr);
    ~ServerProcess() override;

    // Arguments besides --listen and --db (e.g. --allow-guests). The database lives in a temp dir
    // owned by this object, so a restart keeps the data.
    void setArguments(const QStringList &arguments);
    bool start(QString *errorMessage = nullptr, int timeoutMs = 20000); // port 0 first, then the same port
    // Before start(): makes a conversation in the server's database with the operator's command
    // (tether-server --add-conversation ID --public). Guests may only use public conversations.
    bool addPublicConversation(const QString &id, QString *errorMessage = nullptr, int timeoutMs = 20000);
    void kill();            // SIGKILL and reap: what a crash looks like to clients
    bool terminate(int timeoutMs = 30000); // SIGTERM, wait for the graceful exit (exit code 0)
    bool isRunning() const;
    qint64 pid() const;

    quint16 port() const { return m_port; }
    QUrl webSocketUrl() const { return m_ws; }
    QUrl httpUrl() const { return m_http; }
    QString stderrTail() const;

private:
    QProcess *m_process = nullptr;
    QTemporaryDir m_dir;
    QStringList m_arguments;
    quint16 m_port = 0;
    QUrl m_ws;
    QUrl m_http;
    QByteArray m_stderr;
};

} // namespace Tether::Bench
