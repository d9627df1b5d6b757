// ServerClock with an injected local clock, and TokenSchedule judging expiry by it: with the local
// clock an hour off either way, a fresh token is not refreshed in a loop and an expired one is not
// used to connect.
#include "serverclock.h"
#include "tokenschedule.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Tether;

namespace {

const QDateTime ServerNow = QDateTime(QDate(2026, 3, 1), QTime(12, 0), Qt::UTC);
constexpr qint64 Hour = 3600 * 1000;

// A JWT-shaped token (header.payload.signature) with iat/exp in the server's seconds.
QString jwt(const QDateTime &issued, const QDateTime &expires)
{
    const auto part = [](const QJsonObject &o) {
        return QJsonDocument(o).toJson(QJsonDocument::Compact).toBase64(QByteArray::Base64UrlEncoding
                                                                        | QByteArray::OmitTrailingEquals);
    };
    const QByteArray header = part({{QStringLiteral("alg"), QStringLiteral("HS256")}, {QStringLiteral("typ"), QStringLiteral("JWT")}});
    const QByteArray payload = part({{QStringLiteral("sub"), QStringLiteral("alice")},
                                     {QStringLiteral("iat"), double(issued.toSecsSinceEpoch())},
                                     {QStringLiteral("exp"), double(expires.toSecsSinceEpoch())}});
    return QString::fromLatin1(header + '.' + payload + ".c2ln");
}

Credentials credentials(const QString &token)
{
    Credentials c;
    c.accessToken = token;
    c.refreshToken = QStringLiteral("refresh");
    c.refreshUrl = QUrl(QStringLiteral("http://127.0.0.1:1/api/auth/refresh"));
    return c;
}

} // namespace

class TestServerClock : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void estimatesTheOffset()
    {
        QDateTime local = ServerNow.addMSecs(Hour);
        ServerClock clock([&] { return local; });
        QVERIFY(!clock.hasEstimate());
        QCOMPARE(clock.now(), local); // nothing known: the local clock
        QVERIFY(clock.observe(ServerNow, 200));
        QVERIFY(clock.hasEstimate());
        QCOMPARE(clock.offsetMs(), -Hour + 100); // half the round trip passed since the server stamped it
        local = local.addSecs(10);
        QCOMPARE(clock.now(), ServerNow.addMSecs(10000 + 100));
        // A later sample wins (clocks drift and get corrected).
        QVERIFY(clock.observeMs(local.toMSecsSinceEpoch()));
        QCOMPARE(clock.offsetMs(), 0);
    }

    void ignoresNonsense()
    {
        const QDateTime local = ServerNow;
        ServerClock clock([&] { return local; });
        QVERIFY(!clock.observe(QDateTime()));
        QVERIFY(!clock.observeMs(0));
        QVERIFY(!clock.observeMs(-5));
        QVERIFY(!clock.observe(ServerNow.addYears(3)));
        QVERIFY(!clock.hasEstimate());
        QCOMPARE(clock.offsetMs(), 0);
    }

    void expiryIsJudgedByTheServersClock_data()
    {
        QTest::addColumn<qint64>("localOffset");
        QTest::newRow("local an hour ahead") << Hour;
        QTest::newRow("local an hour behind") << -Hour;
        QTest::newRow("local right") << qint64(0);
    }

    void expiryIsJudgedByTheServersClock()
    {
        QFETCH(qint64, localOffset);
        QDateTime serverNow = ServerNow;
        ServerClock clock([&] { return serverNow.addMSecs(localOffset); });
        TokenSchedule schedule([&] { return clock.now(); });
        QVERIFY(clock.observe(serverNow)); // the login answer's Date, or the welcome's server_time

        // Fresh for 15 minutes in the server's time: not due, refreshed ahead of expiry, not at once.
        const Credentials fresh = credentials(jwt(serverNow, serverNow.addSecs(15 * 60)));
        QVERIFY(!schedule.isDue(fresh));
        const qint64 ms = schedule.msUntilRefresh(fresh);
        QVERIFY2(ms >= 10 * 60 * 1000 && ms <= 15 * 60 * 1000, qPrintable(QString::number(ms)));
        // Expired a minute ago in the server's time: due, never used to connect.
        const Credentials expired = credentials(jwt(serverNow.addSecs(-16 * 60), serverNow.addSecs(-60)));
        QVERIFY(schedule.isDue(expired));

        // Without the estimate (today's behaviour) the local clock decides and gets it wrong.
        TokenSchedule local([&] { return serverNow.addMSecs(localOffset); });
        if (localOffset > 0)
            QVERIFY(local.isDue(fresh)); // a refresh loop: every new token looks expired
        else if (localOffset < 0)
            QVERIFY(!local.isDue(expired)); // connecting with an expired token
    }
};

QTEST_GUILESS_MAIN(TestServerClock)
#include "tst_serverclock.moc"
