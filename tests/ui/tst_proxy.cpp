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
#include "../core/tinyproxy.h"

#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Tether;
using TestProxies::Tinyproxy;

namespace {

constexpr int Long = 20000;
const QString Password = QStringLiteral("secret-pw");

// The app's manual proxy settings for this tinyproxy.
AppSettings settingsFor(const Tinyproxy &proxy)
{
    AppSettings s;
    s.proxyMode = AppSettings::ProxyMode::Manual;
    s.proxyType = AppSettings::ProxyType::Http;
    s.proxyHost = QStringLiteral("127.0.0.1");
    s.proxyPort = proxy.port;
    return s;
}

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
        ConnectionConfig config = settingsFor(proxy).applyTo(ConnectionConfig());
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
        ConnectionConfig config = settingsFor(proxy).applyTo(ConnectionConfig());
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
