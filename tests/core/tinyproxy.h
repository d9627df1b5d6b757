#pragma once
// Debian's tinyproxy as a real HTTP CONNECT proxy for tests: started in the foreground in a given
// folder, on a free loopback port, allowing CONNECT to one port only; its log tells what passed.

#include <QFile>
#include <QHostAddress>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

namespace TestProxies {

inline quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

// tinyproxy in the foreground, allowing CONNECT to connectPort only.
class Tinyproxy
{
public:
    bool start(const QString &dir, quint16 connectPort)
    {
        const QString binary = QStandardPaths::findExecutable(QStringLiteral("tinyproxy"),
                                                              {QStringLiteral("/usr/bin"), QStringLiteral("/usr/sbin")});
        if (binary.isEmpty()) {
            qWarning("tinyproxy is not installed (scripts/deps installs it)");
            return false;
        }
        port = freePort();
        logPath = dir + QStringLiteral("/tinyproxy.log");
        const QString config = dir + QStringLiteral("/tinyproxy.conf");
        QFile f(config);
        if (!f.open(QIODevice::WriteOnly))
            return false;
        f.write(QStringLiteral("Port %1\nListen 127.0.0.1\nTimeout 30\nMaxClients 20\nLogFile \"%2\"\nLogLevel Info\n"
                               "PidFile \"%3/tinyproxy.pid\"\nAllow 127.0.0.1\nConnectPort %4\n")
                        .arg(port)
                        .arg(logPath, dir)
                        .arg(connectPort)
                        .toUtf8());
        f.close();
        process.start(binary, {QStringLiteral("-d"), QStringLiteral("-c"), config});
        if (!process.waitForStarted(20000))
            return false;
        // Ready when it accepts a connection.
        return QTest::qWaitFor([this] {
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, port);
            return s.waitForConnected(200);
        }, 20000);
    }
    ~Tinyproxy()
    {
        if (process.state() != QProcess::NotRunning) {
            process.terminate();
            if (!process.waitForFinished(5000))
                process.kill();
            process.waitForFinished(5000);
        }
    }
    QString log() const
    {
        QFile f(logPath);
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    }

    QProcess process;
    quint16 port = 0;
    QString logPath;
};

} // namespace TestProxies
