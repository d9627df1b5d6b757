// Settings survive a save/load, turn into connection timings and a proxy, and fallback servers are
// tried in turn when one keeps failing.

#include "appsettings.h"
#include "serverrotation.h"

#include <QNetworkProxy>
#include <QNetworkProxyFactory>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace Tether;

class TestAppSettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip()
    {
        QTemporaryDir dir;
        AppSettings a;
        a.language = QStringLiteral("ru");
        a.serverUrl = QStringLiteral("wss://a.example/ws");
        a.fallbackServers = {QStringLiteral("wss://b.example/ws"), QStringLiteral("wss://c.example/ws")};
        a.userName = QStringLiteral("carol");
        a.proxyMode = AppSettings::ProxyMode::Manual;
        a.proxyType = AppSettings::ProxyType::Socks5;
        a.proxyHost = QStringLiteral("127.0.0.1");
        a.proxyPort = 1080;
        a.heartbeatIntervalMs = 15000;
        a.backoffInitialMs = 700;
        a.failuresBeforeFallback = 4;
        {
            QSettings s(dir.filePath(QStringLiteral("t.ini")), QSettings::IniFormat);
            a.save(s);
        }
        QSettings s(dir.filePath(QStringLiteral("t.ini")), QSettings::IniFormat);
        const AppSettings b = AppSettings::load(s);
        QVERIFY(a == b);
        QCOMPARE(b.proxyDescription(), QStringLiteral("manual socks5://127.0.0.1:1080"));
    }

    void serversAndTimings()
    {
        AppSettings a;
        QVERIFY(a.servers().isEmpty()); // empty = the embedded local server
        a.serverUrl = QStringLiteral(" wss://a/ws ");
        a.fallbackServers = {QStringLiteral("wss://b/ws"), QString(), QStringLiteral("wss://a/ws")};
        QCOMPARE(a.servers(), (QStringList{QStringLiteral("wss://a/ws"), QStringLiteral("wss://b/ws")}));
        a.connectTimeoutMs = 1234;
        a.backoffInitialMs = 5000;
        a.backoffMaxMs = 2000; // below the initial: the initial wins
        ConnectionConfig base;
        base.url = QUrl(QStringLiteral("ws://keep/ws"));
        const ConnectionConfig c = a.applyTo(base);
        QCOMPARE(c.url, base.url);
        QCOMPARE(c.connectTimeoutMs, 1234);
        QCOMPARE(c.backoff.initialMs, 5000);
        QCOMPARE(c.backoff.maxMs, 5000);
    }

    void proxyModes()
    {
        AppSettings a;
        a.proxyMode = AppSettings::ProxyMode::Manual;
        a.proxyHost = QStringLiteral("127.0.0.1");
        a.proxyPort = 3128;
        a.applyProxy();
        QCOMPARE(QNetworkProxy::applicationProxy().type(), QNetworkProxy::HttpProxy);
        QCOMPARE(QNetworkProxy::applicationProxy().port(), quint16(3128));
        a.proxyMode = AppSettings::ProxyMode::None;
        a.applyProxy();
        QCOMPARE(QNetworkProxy::applicationProxy().type(), QNetworkProxy::NoProxy);
        a.proxyMode = AppSettings::ProxyMode::System;
        a.applyProxy();
        QVERIFY(QNetworkProxyFactory::usesSystemConfiguration());
    }

    void rotationTriesFallbacksInTurn()
    {
        ServerRotation r({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}, 3);
        QCOMPARE(r.current(), QStringLiteral("a"));
        QVERIFY(!r.attemptFailed(1));
        QVERIFY(!r.attemptFailed(2));
        QVERIFY(r.attemptFailed(3));
        QCOMPARE(r.current(), QStringLiteral("b"));
        r.connected(); // b works: its failure count starts over
        QVERIFY(!r.attemptFailed(1));
        QVERIFY(!r.attemptFailed(2));
        QVERIFY(r.attemptFailed(3));
        QCOMPARE(r.current(), QStringLiteral("c"));
        for (int i = 0; i < 2; ++i)
            QVERIFY(!r.attemptFailed(i + 1));
        QVERIFY(r.attemptFailed(3));
        QCOMPARE(r.current(), QStringLiteral("a")); // round and round
        // New settings keep the server in use when it is still listed.
        r.setServers({QStringLiteral("x"), QStringLiteral("a")}, 2);
        QCOMPARE(r.current(), QStringLiteral("a"));
        ServerRotation single({QStringLiteral("only")}, 1);
        QVERIFY(!single.attemptFailed(1));
        QVERIFY(!single.attemptFailed(2));
        QCOMPARE(single.current(), QStringLiteral("only"));
    }

    // Primary and fallbacks are replicas of one service: whichever is in use, the service (and so
    // the account, keychain entry and store) is the primary's. Each service keeps its own profile.
    void serviceIsThePrimaryAndProfilesRoundTrip()
    {
        ServerRotation r({QStringLiteral("wss://a.example/ws"), QStringLiteral("wss://a2.example/ws")}, 1);
        QCOMPARE(r.service(), QStringLiteral("wss://a.example/ws"));
        QVERIFY(r.attemptFailed(1));
        QCOMPARE(r.current(), QStringLiteral("wss://a2.example/ws"));
        QCOMPARE(r.service(), QStringLiteral("wss://a.example/ws"));
        r.setServers({QStringLiteral("wss://b.example/ws")}, 1);
        QCOMPARE(r.service(), QStringLiteral("wss://b.example/ws"));

        QTemporaryDir dir;
        QSettings settings(dir.filePath(QStringLiteral("profiles.ini")), QSettings::IniFormat);
        AppSettings a;
        a.userByService.insert(QStringLiteral("wss://a.example/ws"), QStringLiteral("alice"));
        a.userByService.insert(QStringLiteral("wss://b.example/ws"), QStringLiteral("bob"));
        a.caFile = QStringLiteral("/etc/tether/ca.pem");
        a.pinnedCertificate = QStringLiteral("AB:CD");
        a.save(settings);
        const AppSettings b = AppSettings::load(settings);
        QCOMPARE(b.userByService.value(QStringLiteral("wss://b.example/ws")).toString(), QStringLiteral("bob"));
        QCOMPARE(b.caFile, a.caFile);
        QCOMPARE(b.pinnedCertificate, a.pinnedCertificate);
        QVERIFY(a == b);
        const ConnectionConfig c = b.applyTo(ConnectionConfig());
        QCOMPARE(c.caFile, a.caFile);
        QCOMPARE(c.pinnedCertificateSha256, a.pinnedCertificate);
    }
};

QTEST_GUILESS_MAIN(TestAppSettings)
#include "tst_appsettings.moc"
