// Connection admission (issue 10, item 3): --max-per-address and --max-connections count
// WebSockets and raw sockets still sending their request, and refuse the next with HTTP 503 at
// once; a WebSocket must authenticate within --auth-timeout (4003; 1008 for a guest without hello).

#include "admissioncontrol.h"
#include "frontdoor.h"
#include "servertestutil.h"

#include <memory>
#include <vector>

using namespace TestUtil;

namespace {
// A raw TCP connection from a chosen loopback address; records what the server answers.
class Raw
{
public:
    explicit Raw(const QHostAddress &from = QHostAddress::LocalHost)
    {
        m_socket.bind(from);
        QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket, [this] { m_data += m_socket.readAll(); });
        QObject::connect(&m_socket, &QTcpSocket::disconnected, &m_socket, [this] { m_closed = true; });
    }
    bool connectTo(quint16 port)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        return m_socket.waitForConnected(kTimeout);
    }
    void write(const QByteArray &data) { m_socket.write(data); }
    bool waitClosed(int ms = kTimeout) { return QTest::qWaitFor([&] { return m_closed; }, ms); }
    const QByteArray &data() const { return m_data; }
    bool isClosed() const { return m_closed; }
    void abort() { m_socket.abort(); }

private:
    QTcpSocket m_socket;
    QByteArray m_data;
    bool m_closed = false;
};

QByteArray healthRequest()
{
    return "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
}
} // namespace

class TestServerAdmission : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void perAddressCap();
    void rawSocketsCountTowardsMaxConnections();
    void defaultCapFromDescriptorLimit();
    void authTimeoutWithoutGuests();
    void authTimeoutForGuests();
    void authTimeoutOff();
};

void TestServerAdmission::perAddressCap()
{
    Tether::ServerConfig config;
    config.allowGuests = true;
    config.maxPerAddress = 3;
    Fixture f(config);
    QVERIFY(f.start());
    Client a, b, c;
    QVERIFY(a.open(f.ws()));
    QVERIFY(b.open(f.ws()));
    QVERIFY(c.open(f.ws()));
    // The fourth from 127.0.0.1 is answered 503 at once, before any upgrade.
    Raw fourth;
    QVERIFY(fourth.connectTo(f.server()->port()));
    fourth.write(healthRequest());
    QVERIFY(fourth.waitClosed());
    QVERIFY2(fourth.data().startsWith("HTTP/1.1 503"), fourth.data().constData());
    QVERIFY(fourth.data().contains("Retry-After: "));
    QVERIFY(fourth.data().contains("\"server_busy\""));
    Client d;
    QVERIFY(!d.open(f.ws()));
    // Another address is not affected.
    Raw other(QHostAddress(str("127.0.0.2")));
    QVERIFY(other.connectTo(f.server()->port()));
    other.write(healthRequest());
    QVERIFY(other.waitClosed());
    QVERIFY2(other.data().startsWith("HTTP/1.1 200"), other.data().constData());
    // A slot comes back when a connection goes.
    a.socket().close();
    QVERIFY(a.waitClosed());
    QTRY_COMPARE_WITH_TIMEOUT(f.server()->frontDoor().admission().count(QHostAddress::LocalHost), 2, kTimeout);
    Client e;
    QVERIFY(e.open(f.ws()));
    QVERIFY(!e.hello().isEmpty());
}

// Sockets that connect and send nothing hold their slots: over --max-connections even /health
// is refused (503) until one goes; nothing waits unanswered.
void TestServerAdmission::rawSocketsCountTowardsMaxConnections()
{
    Tether::ServerConfig config;
    config.maxConnections = 3;
    config.maxPerAddress = 0;
    Fixture f(config);
    QVERIFY(f.start());
    QCOMPARE(f.server()->maxConnections(), 3);
    std::vector<std::unique_ptr<Raw>> idle;
    for (int i = 0; i < 3; ++i) {
        idle.push_back(std::make_unique<Raw>());
        QVERIFY(idle.back()->connectTo(f.server()->port()));
    }
    QTRY_COMPARE_WITH_TIMEOUT(f.server()->frontDoor().admission().total(), 3, kTimeout);
    Raw refused;
    QVERIFY(refused.connectTo(f.server()->port()));
    refused.write(healthRequest());
    QVERIFY(refused.waitClosed());
    QVERIFY2(refused.data().startsWith("HTTP/1.1 503"), refused.data().constData());
    QVERIFY(refused.data().contains("connection limit"));
    QCOMPARE(f.server()->frontDoor().refusedOverLimit(), 1);
    for (auto &r : idle)
        QVERIFY(!r->isClosed());
    idle.front()->abort();
    QTRY_COMPARE_WITH_TIMEOUT(f.server()->frontDoor().admission().total(), 2, kTimeout);
    QCOMPARE(http("GET", f.url("/health")).status, 200);
}

void TestServerAdmission::defaultCapFromDescriptorLimit()
{
    Fixture f;
    QVERIFY(f.start());
    QCOMPARE(f.config().maxConnections, Tether::ServerConfig::AutoMaxConnections);
    const qint64 limit = Tether::AdmissionControl::descriptorLimit();
    QVERIFY(limit > 0);
    QCOMPARE(f.server()->maxConnections(), Tether::AdmissionControl::defaultMaxConnections(limit));
    QVERIFY(f.server()->maxConnections() < limit);
    QCOMPARE(f.server()->frontDoor().admission().maxConnections(), f.server()->maxConnections());
}

void TestServerAdmission::authTimeoutWithoutGuests()
{
    Tether::ServerConfig config;
    config.authTimeoutMs = 400;
    Fixture f(config);
    QVERIFY(f.start());
    QVERIFY(f.server()->addUser(str("alice"), str("pw")));
    QElapsedTimer clock;
    clock.start();
    RawClient silent; // the wire code itself
    QVERIFY(silent.open(f.ws()));
    Client byFrame;
    QVERIFY(byFrame.open(f.ws()));
    byFrame.send(QJsonObject{ { str("type"), str("auth") }, { str("token"), f.token(str("alice")) } });
    QVERIFY(!byFrame.waitFor(str("auth_ok")).isEmpty());
    Client byHeader;
    QVERIFY(byHeader.open(f.ws(), f.token(str("alice"))));
    Client pinging; // frames are not authentication
    QVERIFY(pinging.open(f.ws()));
    pinging.socket().ping();
    QVERIFY(silent.waitClosed());
    QCOMPARE(silent.closeCode(), 4003);
    QVERIFY(clock.elapsed() >= 350);
    QVERIFY(pinging.waitClosed());
    QCOMPARE(pinging.intendedCloseCode(), 4003);
    // Well past the timeout the authenticated ones are still there.
    QTest::qWait(600);
    QVERIFY(!byFrame.isClosed());
    QVERIFY(!byHeader.isClosed());
    QVERIFY(!byHeader.hello().isEmpty());
}

void TestServerAdmission::authTimeoutForGuests()
{
    Tether::ServerConfig config;
    config.allowGuests = true;
    config.demo = true;
    config.authTimeoutMs = 400;
    Fixture f(config);
    QVERIFY(f.start());
    RawClient silent;
    QVERIFY(silent.open(f.ws()));
    Client noHello; // a guest that only pings never says hello
    QVERIFY(noHello.open(f.ws()));
    noHello.send(QJsonObject{ { str("type"), str("ping") } });
    QVERIFY(!noHello.waitFor(str("pong")).isEmpty());
    Client guest;
    QVERIFY(guest.open(f.ws()));
    QVERIFY(!guest.hello().isEmpty());
    QVERIFY(silent.waitClosed());
    QCOMPARE(silent.closeCode(), 1008);
    QVERIFY(noHello.waitClosed());
    QCOMPARE(noHello.intendedCloseCode(), 1008);
    QTest::qWait(600);
    QVERIFY(!guest.isClosed());
}

void TestServerAdmission::authTimeoutOff()
{
    Tether::ServerConfig config;
    config.authTimeoutMs = 0;
    config.idleTimeoutMs = 0;
    Fixture f(config);
    QVERIFY(f.start());
    RawClient silent;
    QVERIFY(silent.open(f.ws()));
    QVERIFY(!silent.waitClosed(1500));
}

QTEST_GUILESS_MAIN(TestServerAdmission)
#include "tst_server_admission.moc"
