// Logins (issue 10, item 4): rate limited per address and per user name with 429 + Retry-After,
// counted when the request arrives (before any hashing); hashing runs off the event-loop thread,
// so chat stays responsive during a login flood; unknown user and wrong password get the same
// answer in about the same time; a bounded number of hashes wait (503 beyond).

#include "servertestutil.h"

#include <QElapsedTimer>
#include <QTimer>

#include <algorithm>
#include <memory>
#include <vector>

using namespace TestUtil;

namespace {
// One POST /api/auth/login on its own raw socket, so any number run at once (QNetworkAccessManager
// keeps to six per host).
class Login
{
public:
    Login(quint16 port, const QString &user, const QString &password, const QHostAddress &from = QHostAddress::LocalHost)
    {
        m_socket.bind(from);
        QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket, [this] { m_data += m_socket.readAll(); });
        QObject::connect(&m_socket, &QTcpSocket::disconnected, &m_socket, [this] {
            m_done = true;
            m_ms = m_clock.elapsed();
        });
        const QByteArray body = QJsonDocument(QJsonObject{ { str("username"), user }, { str("password"), password } })
                                        .toJson(QJsonDocument::Compact);
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        m_socket.write("POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                       "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        m_clock.start();
    }
    bool done() const { return m_done; }
    int status() const { return m_data.mid(9, 3).toInt(); }
    QByteArray header(const QByteArray &name) const
    {
        for (const QByteArray &line : m_data.left(m_data.indexOf("\r\n\r\n")).split('\n')) {
            if (line.toLower().startsWith(name.toLower() + ':'))
                return line.mid(name.size() + 1).trimmed();
        }
        return QByteArray();
    }
    QByteArray body() const { return m_data.mid(m_data.indexOf("\r\n\r\n") + 4); }
    qint64 ms() const { return m_ms; }

private:
    QTcpSocket m_socket;
    QByteArray m_data;
    QElapsedTimer m_clock;
    bool m_done = false;
    qint64 m_ms = -1;
};

bool allDone(const std::vector<std::unique_ptr<Login>> &logins, int timeoutMs = 60000)
{
    return QTest::qWaitFor([&] {
        return std::all_of(logins.cbegin(), logins.cend(), [](const auto &l) { return l->done(); });
    }, timeoutMs);
}

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype rank = qBound<qsizetype>(0, qsizetype(std::ceil(p / 100.0 * double(values.size()))) - 1, values.size() - 1);
    return values.at(rank);
}
} // namespace

class TestServerLogins : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void perUserNameLimit();
    void perAddressLimit();
    void countedBeforeHashing();
    void pingStaysFastDuringLoginFlood();
    void unknownUserLooksLikeWrongPassword();
    void boundedPendingHashes();
    void registrationIsLimitedAndHashedElsewhere();
};

void TestServerLogins::perUserNameLimit()
{
    Tether::ServerConfig config;
    config.loginRatePerMinute = 0;
    config.loginUserRatePerMinute = 3;
    Fixture f(config);
    QVERIFY(f.start());
    QVERIFY(f.server()->addUser(str("alice"), str("right")));
    QVERIFY(f.server()->addUser(str("bob"), str("right")));
    for (int i = 0; i < 3; ++i) {
        Login l(f.server()->port(), str("alice"), str("wrong"));
        QVERIFY(QTest::qWaitFor([&] { return l.done(); }, kTimeout));
        QCOMPARE(l.status(), 401);
    }
    Login limited(f.server()->port(), str("alice"), str("right")); // even the right password: counted first
    QVERIFY(QTest::qWaitFor([&] { return limited.done(); }, kTimeout));
    QCOMPARE(limited.status(), 429);
    const int retryAfter = limited.header("Retry-After").toInt();
    QVERIFY2(retryAfter >= 1 && retryAfter <= 20, limited.header("Retry-After").constData());
    QCOMPARE(QJsonDocument::fromJson(limited.body()).object().value(str("error")).toString(), str("rate_limited"));
    Login bob(f.server()->port(), str("bob"), str("right"));
    QVERIFY(QTest::qWaitFor([&] { return bob.done(); }, kTimeout));
    QCOMPARE(bob.status(), 200);
}

void TestServerLogins::perAddressLimit()
{
    Tether::ServerConfig config;
    config.loginRatePerMinute = 4;
    config.loginUserRatePerMinute = 0;
    Fixture f(config);
    QVERIFY(f.start());
    for (int i = 0; i < 4; ++i) {
        Login l(f.server()->port(), QStringLiteral("user%1").arg(i), str("x"));
        QVERIFY(QTest::qWaitFor([&] { return l.done(); }, kTimeout));
        QCOMPARE(l.status(), 401);
    }
    Login limited(f.server()->port(), str("user9"), str("x"));
    QVERIFY(QTest::qWaitFor([&] { return limited.done(); }, kTimeout));
    QCOMPARE(limited.status(), 429);
    QVERIFY(limited.header("Retry-After").toInt() >= 1);
    Login elsewhere(f.server()->port(), str("user9"), str("x"), QHostAddress(str("127.0.0.2")));
    QVERIFY(QTest::qWaitFor([&] { return elsewhere.done(); }, kTimeout));
    QCOMPARE(elsewhere.status(), 401);
}

// Twenty attempts at once for one name with a limit of three: exactly three are hashed, whatever
// the hashes still running when the others arrive.
void TestServerLogins::countedBeforeHashing()
{
    Tether::ServerConfig config;
    config.loginRatePerMinute = 0;
    config.loginUserRatePerMinute = 3;
    Fixture f(config);
    f.config().passwordIterations = 20000;
    QVERIFY(f.start());
    QVERIFY(f.server()->addUser(str("alice"), str("right")));
    std::vector<std::unique_ptr<Login>> logins;
    for (int i = 0; i < 20; ++i)
        logins.push_back(std::make_unique<Login>(f.server()->port(), str("alice"), str("wrong")));
    QVERIFY(allDone(logins));
    int refused = 0, limited = 0;
    for (const auto &l : logins) {
        refused += l->status() == 401 ? 1 : 0;
        limited += l->status() == 429 ? 1 : 0;
    }
    QCOMPARE(refused, 3);
    QCOMPARE(limited, 17);
}

// 200 wrong-password logins with PBKDF2 rounds while a connected client pings: its round
// trip stays short (the figure for the record is in bench/abuse; the bound here is generous).
void TestServerLogins::pingStaysFastDuringLoginFlood()
{
    Tether::ServerConfig config;
    config.allowGuests = true;
    config.loginRatePerMinute = 0;
    config.loginUserRatePerMinute = 0;
    config.maxPendingLogins = 0;
    config.maxPerAddress = 0;
    Fixture f(config);
    // A third of the default rounds keeps the test short on a loaded machine; bench/abuse runs the
    // default 100,000.
    f.config().passwordIterations = 30000;
    QVERIFY(f.start());
    QVERIFY(f.server()->addUser(str("alice"), str("right")));
    Client pinger;
    QVERIFY(pinger.open(f.ws()));
    QVERIFY(!pinger.hello().isEmpty());

    std::vector<std::unique_ptr<Login>> logins;
    for (int i = 0; i < 200; ++i)
        logins.push_back(std::make_unique<Login>(f.server()->port(), str("alice"), QStringLiteral("wrong%1").arg(i)));
    QElapsedTimer clock;
    clock.start();
    QHash<int, qint64> sentAt;
    QList<double> rtts;
    int next = 0;
    QObject::connect(&pinger.socket(), &QWebSocket::textMessageReceived, &pinger.socket(), [&](const QString &text) {
        const QJsonObject frame = QJsonDocument::fromJson(text.toUtf8()).object();
        if (frame.value(str("type")).toString() == str("pong"))
            rtts.append(double(clock.elapsed() - sentAt.value(frame.value(str("ts")).toInt())));
    });
    QTimer tick;
    QObject::connect(&tick, &QTimer::timeout, &tick, [&] {
        sentAt.insert(next, clock.elapsed());
        pinger.send(QJsonObject{ { str("type"), str("ping") }, { str("ts"), next++ } });
    });
    tick.start(20);
    QVERIFY(allDone(logins, 120000));
    const qint64 floodMs = clock.elapsed();
    tick.stop();
    QTest::qWait(200);
    int refused = 0;
    for (const auto &l : logins)
        refused += l->status() == 401 ? 1 : 0;
    QCOMPARE(refused, 200);
    QVERIFY2(rtts.size() >= 10, qPrintable(QString::number(rtts.size())));
    const double p99 = percentile(rtts, 99);
    qInfo("login flood: 200 logins in %lld ms, %lld pings, ping p99 %.1f ms, max %.1f ms", floodMs,
          qint64(rtts.size()), p99, percentile(rtts, 100));
    // The hashes take seconds in all; run on the event loop they would hold every pong that long.
    QVERIFY2(p99 < 250, qPrintable(QStringLiteral("ping p99 %1 ms during the login flood").arg(p99)));
}

void TestServerLogins::unknownUserLooksLikeWrongPassword()
{
    Tether::ServerConfig config;
    config.loginRatePerMinute = 0;
    config.loginUserRatePerMinute = 0;
    Fixture f(config);
    f.config().passwordIterations = 30000;
    QVERIFY(f.start());
    QVERIFY(f.server()->addUser(str("alice"), str("right")));
    QList<double> known, unknown;
    QByteArray knownBody, unknownBody;
    for (int i = 0; i < 8; ++i) {
        for (const bool exists : { true, false }) {
            Login l(f.server()->port(), exists ? str("alice") : QStringLiteral("nobody%1").arg(i), str("wrong"));
            QVERIFY(QTest::qWaitFor([&] { return l.done(); }, kTimeout));
            QCOMPARE(l.status(), 401);
            (exists ? known : unknown).append(double(l.ms()));
            (exists ? knownBody : unknownBody) = l.body();
        }
    }
    QCOMPARE(unknownBody, knownBody); // the same answer
    const double a = percentile(known, 50);
    const double b = percentile(unknown, 50);
    qInfo("login time, median: wrong password %.1f ms, unknown user %.1f ms", a, b);
    // The same derivation runs for both; generous for a shared machine.
    QVERIFY2(b > a * 0.5 && b < a * 2.0 + 5, qPrintable(QStringLiteral("%1 vs %2 ms").arg(a).arg(b)));
}

void TestServerLogins::boundedPendingHashes()
{
    Tether::ServerConfig config;
    config.loginRatePerMinute = 0;
    config.loginUserRatePerMinute = 0;
    config.maxPendingLogins = 2;
    Fixture f(config);
    f.config().passwordIterations = 200000;
    QVERIFY(f.start());
    QVERIFY(f.server()->addUser(str("alice"), str("right")));
    std::vector<std::unique_ptr<Login>> logins;
    for (int i = 0; i < 10; ++i)
        logins.push_back(std::make_unique<Login>(f.server()->port(), str("alice"), str("wrong")));
    QVERIFY(allDone(logins));
    int busy = 0, refused = 0;
    for (const auto &l : logins) {
        if (l->status() == 503) {
            ++busy;
            QCOMPARE(l->header("Retry-After"), QByteArray("1"));
        }
        refused += l->status() == 401 ? 1 : 0;
    }
    QVERIFY2(busy >= 5 && refused >= 2 && busy + refused == 10, qPrintable(QStringLiteral("%1 busy, %2 refused").arg(busy).arg(refused)));
}

void TestServerLogins::registrationIsLimitedAndHashedElsewhere()
{
    Tether::ServerConfig config;
    config.openRegistration = true;
    config.loginRatePerMinute = 2;
    Fixture f(config);
    QVERIFY(f.start());
    auto reg = [&](const QString &name) {
        return postJson(f.url("/api/auth/register"), QJsonObject{ { str("username"), name }, { str("password"), str("pw-1234") } });
    };
    const HttpResult first = reg(str("carol"));
    QCOMPARE(first.status, 201);
    QVERIFY(!first.body.value(str("access_token")).toString().isEmpty());
    QCOMPARE(reg(str("carol")).status, 409);
    QCOMPARE(reg(str("dave")).status, 429);
    // The stored hash works for a login (from another address: this one is out of attempts).
    Login login(f.server()->port(), str("carol"), str("pw-1234"), QHostAddress(str("127.0.0.3")));
    QVERIFY(QTest::qWaitFor([&] { return login.done(); }, kTimeout));
    QCOMPARE(login.status(), 200);
}

QTEST_GUILESS_MAIN(TestServerLogins)
#include "tst_server_logins.moc"
