// The app's proxy settings against a real HTTP CONNECT proxy (Debian's tinyproxy, started here in a
// temporary folder on a free loopback port) in front of the real server: the WebSocket and the
// login both go through it (set on the socket and the network access manager: Qt skips the
// application proxy for loopback), and a proxy that refuses CONNECT is named in the error.
#include "appsettings.h"
#include "authclient.h"
#include "chatserver.h"
#include "connectionmanager.h"
#include "manualnetworkmonitor.h"
#include "proxyspec.h"

#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Tether;

namespace {

constexpr int Long = 20000;
const QString Password = QStringLiteral("secret-pw");

quint16 freePort()
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
        if (!process.waitForStarted(Long))
            return false;
        // Ready when it accepts a connection.
        return QTest::qWaitFor([this] {
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, port);
            return s.waitForConnected(200);
        }, Long);
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
    AppSettings settings() const
    {
        AppSettings s;
        s.proxyMode = AppSettings::ProxyMode::Manual;
        s.proxyType = AppSettings::ProxyType::Http;
        s.proxyHost = QStringLiteral("127.0.0.1");
        s.proxyPort = port;
        return s;
    }

    QProcess process;
    quint16 port = 0;
    QString logPath;
};

} // namespace

class TestProxy : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<ChatServer> m_server;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        ServerConfig config;
        config.databasePath = m_dir.filePath(QStringLiteral("server.sqlite"));
        config.passwordIterations = 1000;
        config.allowGuests = true;
        m_server = std::make_unique<ChatServer>(config);
        QVERIFY(m_server->start());
        QVERIFY(m_server->addUser(QStringLiteral("alice"), Password));
    }

    void cleanupTestCase() { m_server.reset(); }

    void proxySpecParsing()
    {
        QCOMPARE(ProxySpec::parse(QStringLiteral("none"))->type(), QNetworkProxy::NoProxy);
        QCOMPARE(ProxySpec::parse(QStringLiteral("system"))->type(), QNetworkProxy::DefaultProxy);
        const auto http = ProxySpec::parse(QStringLiteral("http://127.0.0.1:3128"));
        QVERIFY(http);
        QCOMPARE(http->type(), QNetworkProxy::HttpProxy);
        QCOMPARE(http->port(), quint16(3128));
        QCOMPARE(ProxySpec::parse(QStringLiteral("socks5://127.0.0.1:1080"))->type(), QNetworkProxy::Socks5Proxy);
        QString error;
        QVERIFY(!ProxySpec::parse(QStringLiteral("ftp://127.0.0.1:21"), &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(!ProxySpec::parse(QStringLiteral("http://127.0.0.1")));
        QCOMPARE(ProxySpec::toString(*http), QStringLiteral("http://127.0.0.1:3128"));
    }

    void connectsAndLogsInThroughTheProxy()
    {
        QTemporaryDir dir;
        Tinyproxy proxy;
        QVERIFY(proxy.start(dir.path(), m_server->port()));
        ConnectionConfig config = proxy.settings().applyTo(ConnectionConfig());
        config.url = m_server->webSocketUrl();
        QCOMPARE(config.proxy.type(), QNetworkProxy::HttpProxy);

        // The login through the proxy (a plain HTTP request: tinyproxy forwards it).
        AuthClient auth;
        auth.setServer(config.url);
        auth.setNetworkSettings(config);
        QSignalSpy finished(&auth, &AuthClient::finished);
        QVERIFY(auth.login(QStringLiteral("alice"), Password));
        QVERIFY(finished.wait(Long));
        const auto result = finished.at(0).at(0).value<AuthClient::Result>();
        QVERIFY2(result.succeeded(), qPrintable(result.errorString()));
        QTRY_VERIFY_WITH_TIMEOUT(proxy.log().contains(QLatin1String("/api/auth/login")), Long);

        ManualNetworkMonitor monitor;
        config.credentials = result.credentials;
        ConnectionManager m(config, &monitor);
        QSignalSpy connected(&m, &ConnectionManager::connected);
        m.open();
        QVERIFY(connected.wait(Long));
        QTRY_VERIFY_WITH_TIMEOUT(proxy.log().contains(QStringLiteral("CONNECT")), Long);
        m.close();
    }

    void aProxyThatRefusesConnectIsNamed()
    {
        QTemporaryDir dir;
        Tinyproxy proxy;
        QVERIFY(proxy.start(dir.path(), 443)); // CONNECT only to 443: our server's port is refused
        ConnectionConfig config = proxy.settings().applyTo(ConnectionConfig());
        config.url = m_server->webSocketUrl();
        config.backoff.initialMs = 60000; // one attempt is enough
        ManualNetworkMonitor monitor;
        ConnectionManager m(config, &monitor);
        QSignalSpy errors(&m, &ConnectionManager::errorOccurred);
        m.open();
        QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), Long);
        const QString message = errors.at(0).at(1).toString();
        QVERIFY2(message.contains(QStringLiteral("proxy http://127.0.0.1:%1").arg(proxy.port)), qPrintable(message));
        QCOMPARE(m.stats().connects, 0);
        m.close();
    }
};

QTEST_GUILESS_MAIN(TestProxy)
#include "tst_proxy.moc"
