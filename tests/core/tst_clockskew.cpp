// Clock skew against the real server on 127.0.0.1: the login answer's HTTP Date gives the server's
// clock before any connection; with the local clock (injected) an hour ahead the client connects
// without refreshing a fresh token, an hour behind it refreshes an expired one before connecting.
#include "authclient.h"
#include "chatserver.h"
#include "connectionmanager.h"
#include "manualnetworkmonitor.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Tether;

namespace {
constexpr int Long = 20000;
constexpr qint64 Hour = 3600 * 1000;
const QString Password = QStringLiteral("secret-pw");
} // namespace

class TestClockSkew : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_servers = 0;

    std::unique_ptr<ChatServer> server(int accessTtlMs)
    {
        ServerConfig config;
        config.databasePath = m_dir.filePath(QStringLiteral("server-%1.sqlite").arg(++m_servers));
        config.passwordIterations = 1000;
        config.accessTtlMs = accessTtlMs;
        auto s = std::make_unique<ChatServer>(config);
        if (!s->start() || !s->addUser(QStringLiteral("alice"), Password))
            return nullptr;
        return s;
    }

    static AuthClient::Result login(const QUrl &url)
    {
        AuthClient auth;
        auth.setServer(url);
        QSignalSpy finished(&auth, &AuthClient::finished);
        if (!auth.login(QStringLiteral("alice"), Password) || !finished.wait(Long))
            return {};
        return finished.at(0).at(0).value<AuthClient::Result>();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void loginAnswerCarriesTheServersDate()
    {
        auto s = server(15 * 60 * 1000);
        QVERIFY(s);
        const AuthClient::Result r = login(s->webSocketUrl());
        QVERIFY(r.succeeded());
        QVERIFY(r.serverDate.isValid());
        QVERIFY(qAbs(r.serverDate.msecsTo(QDateTime::currentDateTimeUtc())) < 5000);
        QVERIFY(r.roundTripMs >= 0);
        QCOMPARE(AuthClient::parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"),
                 QDateTime(QDate(1994, 11, 6), QTime(8, 49, 37), Qt::UTC));
        QVERIFY(!AuthClient::parseHttpDate("yesterday").isValid());
    }

    void localClockAheadDoesNotRefresh()
    {
        auto s = server(15 * 60 * 1000);
        QVERIFY(s);
        const AuthClient::Result r = login(s->webSocketUrl());
        QVERIFY(r.succeeded());
        ManualNetworkMonitor monitor;
        ConnectionConfig config;
        config.url = s->webSocketUrl();
        config.credentials = r.credentials;
        ConnectionManager m(config, &monitor);
        m.setLocalClock([] { return QDateTime::currentDateTimeUtc().addMSecs(Hour); });
        m.observeServerTime(r.serverDate, r.roundTripMs);
        QVERIFY(qAbs(m.serverClockOffsetMs() + Hour) < 5000);
        QSignalSpy connected(&m, &ConnectionManager::connected);
        m.open();
        QVERIFY(connected.wait(Long));
        QCOMPARE(m.stats().tokenRefreshes, 0); // the local clock thinks it expired 45 minutes ago
        QCOMPARE(m.stats().attempts, 1);
        // The welcome's server_time keeps the estimate.
        QTRY_VERIFY_WITH_TIMEOUT(qAbs(m.serverClockOffsetMs() + Hour) < 5000, Long);
    }

    void localClockBehindRefreshesAnExpiredToken()
    {
        auto s = server(4000);
        QVERIFY(s);
        const AuthClient::Result r = login(s->webSocketUrl());
        QVERIFY(r.succeeded());
        const QDateTime issued = QDateTime::currentDateTimeUtc();
        ManualNetworkMonitor monitor;
        ConnectionConfig config;
        config.url = s->webSocketUrl();
        config.credentials = r.credentials;
        config.tokenRefreshSkewMs = 0;
        ConnectionManager m(config, &monitor);
        m.setLocalClock([] { return QDateTime::currentDateTimeUtc().addMSecs(-Hour); });
        m.observeServerTime(r.serverDate, r.roundTripMs); // as the app does, right after the login
        // Expired in the server's time (with a margin for the Date header's whole seconds); the
        // local clock, an hour behind, would call it fresh.
        QTRY_VERIFY_WITH_TIMEOUT(issued.msecsTo(QDateTime::currentDateTimeUtc()) > 6000, Long);
        QSignalSpy connected(&m, &ConnectionManager::connected);
        QSignalSpy closed(&m, &ConnectionManager::closed);
        QSignalSpy errors(&m, &ConnectionManager::errorOccurred);
        m.open();
        QVERIFY(connected.wait(Long));
        QCOMPARE(closed.size(), 0); // never tried with the expired token
        QCOMPARE(m.stats().attempts, 1);
        QVERIFY(m.stats().tokenRefreshes >= 1);
        QCOMPARE(errors.size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestClockSkew)
#include "tst_clockskew.moc"
