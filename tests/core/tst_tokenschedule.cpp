// TokenSchedule with an injected clock: when a token is due before an attempt, and when the
// refresh ahead of expiry comes while connected, for JWTs, opaque tokens with expires_in,
// unreadable tokens and tokens that live shorter than the skew.
#include "tokenschedule.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <limits>

using namespace Tether;

namespace {

const QDateTime Start = QDateTime::fromMSecsSinceEpoch(1700000000000, Qt::UTC);

QString part(const QByteArray &raw)
{
    return QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

// A JWT issued iatOffsetS and expiring expOffsetS seconds from Start (no claim when the offset is nan).
QString jwt(double iatOffsetS, double expOffsetS)
{
    QJsonObject claims { { QStringLiteral("sub"), QStringLiteral("alice") } };
    const double start = double(Start.toSecsSinceEpoch());
    if (!qIsNaN(iatOffsetS))
        claims.insert(QStringLiteral("iat"), start + iatOffsetS);
    if (!qIsNaN(expOffsetS))
        claims.insert(QStringLiteral("exp"), start + expOffsetS);
    return part(R"({"alg":"HS256","typ":"JWT"})") + QLatin1Char('.')
            + part(QJsonDocument(claims).toJson(QJsonDocument::Compact)) + QStringLiteral(".c2ln");
}

Credentials credentials(const QString &access, const QString &refresh = QStringLiteral("refresh-1"))
{
    Credentials c;
    c.accessToken = access;
    c.refreshToken = refresh;
    c.refreshUrl = QUrl(QStringLiteral("http://127.0.0.1:1/api/auth/refresh"));
    return c;
}

constexpr double None = std::numeric_limits<double>::quiet_NaN();

} // namespace

class TestTokenSchedule : public QObject
{
    Q_OBJECT

    QDateTime m_now;
    TokenSchedule schedule()
    {
        TokenSchedule s([this] { return m_now; });
        s.setSkewMs(30000);
        return s;
    }

private Q_SLOTS:
    void init() { m_now = Start; }

    void canRefresh()
    {
        QVERIFY(TokenSchedule::canRefresh(credentials(QStringLiteral("a"))));
        QVERIFY(!TokenSchedule::canRefresh(credentials(QStringLiteral("a"), QString())));
        Credentials noUrl = credentials(QStringLiteral("a"));
        noUrl.refreshUrl = QUrl();
        QVERIFY(!TokenSchedule::canRefresh(noUrl));
    }

    void dueBeforeAnAttempt_data()
    {
        QTest::addColumn<QString>("access");
        QTest::addColumn<QString>("refresh");
        QTest::addColumn<bool>("due");
        QTest::newRow("anonymous") << QString() << QString() << false;
        QTest::newRow("only a refresh token") << QString() << QStringLiteral("r") << true;
        QTest::newRow("expired jwt") << jwt(-120, -60) << QStringLiteral("r") << true;
        QTest::newRow("jwt expiring within the skew") << jwt(-60, 29) << QStringLiteral("r") << true;
        QTest::newRow("jwt expiring exactly at the skew") << jwt(-60, 30) << QStringLiteral("r") << true;
        QTest::newRow("jwt expiring just after the skew") << jwt(-60, 31) << QStringLiteral("r") << false;
        QTest::newRow("fresh jwt") << jwt(0, 900) << QStringLiteral("r") << false;
        QTest::newRow("jwt without exp") << jwt(0, None) << QStringLiteral("r") << false;
        QTest::newRow("unreadable jwt") << QStringLiteral("eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln") << QStringLiteral("r") << true;
        QTest::newRow("opaque, expiry unknown") << QStringLiteral("opaque-token") << QStringLiteral("r") << false;
        QTest::newRow("expired jwt, no refresh token") << jwt(-120, -60) << QString() << true;
    }

    void dueBeforeAnAttempt()
    {
        QFETCH(QString, access);
        QFETCH(QString, refresh);
        QFETCH(bool, due);
        QCOMPARE(schedule().isDue(credentials(access, refresh)), due);
    }

    void opaqueTokenUsesExpiresIn()
    {
        TokenSchedule s = schedule();
        const Credentials c = credentials(QStringLiteral("opaque-token"));
        s.tokensIssued(900000);
        QVERIFY(!s.isDue(c));
        m_now = Start.addMSecs(900000 - 30001);
        QVERIFY(!s.isDue(c));
        m_now = Start.addMSecs(900000 - 30000);
        QVERIFY(s.isDue(c));
        m_now = Start.addMSecs(1000000);
        QVERIFY(s.isDue(c));
        s.forgetIssuedExpiry();
        QVERIFY(!s.isDue(c)); // the expiry belonged to the old token
        s.tokensIssued(0);    // no expires_in: still unknown
        QVERIFY(!s.isDue(c));
    }

    void jwtExpiryWinsOverExpiresIn()
    {
        TokenSchedule s = schedule();
        s.tokensIssued(10000); // would be due at once
        QVERIFY(!s.isDue(credentials(jwt(0, 900))));
        QCOMPARE(s.msUntilRefresh(credentials(jwt(0, 900))), qint64(720000));
    }

    void refreshAheadOfExpiry_data()
    {
        QTest::addColumn<QString>("access");
        QTest::addColumn<qint64>("ms");
        QTest::newRow("80 % of the lifetime") << jwt(0, 900) << qint64(720000);
        QTest::newRow("issued earlier") << jwt(-100, 900) << qint64(700000);
        QTest::newRow("half the remaining life comes later") << jwt(-600, 300) << qint64(150000);
        QTest::newRow("exp - skew comes first") << jwt(0, 100) << qint64(70000);
        QTest::newRow("no iat: exp - skew") << jwt(None, 900) << qint64(870000);
        QTest::newRow("past 80 %: half the remaining life") << jwt(-850, 50) << qint64(25000);
        QTest::newRow("shorter than the skew") << jwt(0, 10) << qint64(5000);
        QTest::newRow("about to expire: at least a second") << jwt(-60, 1) << qint64(TokenSchedule::MinRefreshDelayMs);
        QTest::newRow("already expired") << jwt(-120, -60) << qint64(TokenSchedule::MinRefreshDelayMs);
        QTest::newRow("far future: fits a timer") << jwt(0, 10.0 * 365 * 24 * 3600) << qint64(std::numeric_limits<int>::max());
        QTest::newRow("opaque, expiry unknown") << QStringLiteral("opaque-token") << qint64(-1);
        QTest::newRow("jwt without exp") << jwt(0, None) << qint64(-1);
        QTest::newRow("unreadable jwt") << QStringLiteral("eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln") << qint64(-1);
        QTest::newRow("no access token") << QString() << qint64(-1);
    }

    void refreshAheadOfExpiry()
    {
        QFETCH(QString, access);
        QFETCH(qint64, ms);
        QCOMPARE(schedule().msUntilRefresh(credentials(access)), ms);
    }

    void nothingToRefreshWith()
    {
        QCOMPARE(schedule().msUntilRefresh(credentials(jwt(0, 900), QString())), qint64(-1));
        Credentials noUrl = credentials(jwt(0, 900));
        noUrl.refreshUrl = QUrl();
        QCOMPARE(schedule().msUntilRefresh(noUrl), qint64(-1));
    }

    void opaqueTokenRefreshFollowsTheClock()
    {
        TokenSchedule s = schedule();
        const Credentials c = credentials(QStringLiteral("opaque-token"));
        s.tokensIssued(900000);
        QCOMPARE(s.msUntilRefresh(c), qint64(720000));
        m_now = Start.addMSecs(700000);
        QCOMPARE(s.msUntilRefresh(c), qint64(100000)); // half of the 200 s left beats the 20 s to 80 %
        m_now = Start.addMSecs(880000);
        QCOMPARE(s.msUntilRefresh(c), qint64(10000));
        m_now = Start.addMSecs(2000000);
        QCOMPARE(s.msUntilRefresh(c), qint64(TokenSchedule::MinRefreshDelayMs));
        s.tokensIssued(10000); // shorter than the skew
        QCOMPARE(s.msUntilRefresh(c), qint64(5000));
    }

    void skewIsConfigurable()
    {
        TokenSchedule s = schedule();
        s.setSkewMs(0);
        QCOMPARE(s.skewMs(), 0);
        QVERIFY(!s.isDue(credentials(jwt(-60, 1))));
        QCOMPARE(s.msUntilRefresh(credentials(jwt(0, 100))), qint64(80000));
        s.setSkewMs(200000);
        QVERIFY(s.isDue(credentials(jwt(0, 100))));
    }

    void defaultClockIsTheWallClock()
    {
        TokenSchedule s;
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const Credentials expired = credentials(jwt(double(now - Start.toSecsSinceEpoch()) - 120,
                                                    double(now - Start.toSecsSinceEpoch()) - 60));
        QVERIFY(s.isDue(expired));
    }
};

QTEST_GUILESS_MAIN(TestTokenSchedule)
#include "tst_tokenschedule.moc"
