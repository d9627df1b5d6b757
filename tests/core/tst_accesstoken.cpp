// Access-token expiry: JWT claims read without a signature check, opaque tokens used as is,
// broken JWTs reported as errors. The clock is passed in, so every case is deterministic.
#include "accesstoken.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Tether;

namespace {

QString part(const QByteArray &raw)
{
    return QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QString jwt(const QByteArray &payload)
{
    return part(R"({"alg":"HS256","typ":"JWT"})") + QLatin1Char('.') + part(payload) + QStringLiteral(".c2lnbmF0dXJl");
}

QString jwt(const QJsonObject &claims)
{
    return jwt(QJsonDocument(claims).toJson(QJsonDocument::Compact));
}

const QDateTime now = QDateTime(QDate(2026, 11, 21), QTime(12, 0), Qt::UTC);
qint64 at(qint64 offsetS) { return now.toSecsSinceEpoch() + offsetS; }

} // namespace

class TestAccessToken : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void classification_data()
    {
        QTest::addColumn<QString>("token");
        QTest::addColumn<bool>("empty");
        QTest::addColumn<bool>("isJwt");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<bool>("hasExpiry");
        QTest::newRow("empty") << QString() << true << false << true << false;
        QTest::newRow("opaque") << QStringLiteral("s3cr3t-opaque-token") << false << false << true << false;
        QTest::newRow("two parts") << QStringLiteral("abc.def") << false << false << true << false;
        QTest::newRow("four parts") << QStringLiteral("a.b.c.d") << false << false << true << false;
        QTest::newRow("dots but not base64") << QStringLiteral("a b.c d.e f") << false << false << true << false;
        QTest::newRow("header not JSON") << (part("nope") + QStringLiteral(".") + part("{}") + QStringLiteral(".x"))
                                         << false << false << true << false;
        QTest::newRow("jwt with exp") << jwt(QJsonObject{{QStringLiteral("exp"), at(600)}}) << false << true << true << true;
        QTest::newRow("jwt without exp") << jwt(QJsonObject{{QStringLiteral("sub"), QStringLiteral("u1")}})
                                         << false << true << true << false;
        QTest::newRow("jwt broken payload") << jwt(QByteArray("{not json")) << false << true << false << false;
        QTest::newRow("jwt payload array") << jwt(QByteArray("[1,2]")) << false << true << false << false;
        QTest::newRow("jwt binary payload") << jwt(QByteArray("\xff\xfe\x00", 3)) << false << true << false << false;
        QTest::newRow("jwt exp string") << jwt(QJsonObject{{QStringLiteral("exp"), QStringLiteral("tomorrow")}})
                                        << false << true << false << false;
        QTest::newRow("jwt empty signature") << (jwt(QJsonObject{{QStringLiteral("exp"), at(5)}}).section(QLatin1Char('.'), 0, 1)
                                                 + QStringLiteral("."))
                                             << false << true << true << true;
    }

    void classification()
    {
        QFETCH(QString, token);
        QFETCH(bool, empty);
        QFETCH(bool, isJwt);
        QFETCH(bool, valid);
        QFETCH(bool, hasExpiry);
        const AccessToken parsed = AccessToken::parse(token);
        QCOMPARE(parsed.isEmpty(), empty);
        QCOMPARE(parsed.isJwt(), isJwt);
        QCOMPARE(parsed.isValid(), valid);
        QCOMPARE(parsed.error().isEmpty(), valid);
        QCOMPARE(parsed.expiresAt().has_value(), hasExpiry);
    }

    void expiryIsRead()
    {
        const AccessToken token = AccessToken::parse(jwt(QJsonObject{{QStringLiteral("exp"), at(600)},
                                                                     {QStringLiteral("iat"), at(-300)}}));
        QCOMPARE(*token.expiresAt(), now.addSecs(600));
        QCOMPARE(*token.issuedAt(), now.addSecs(-300));
    }

    void needsRefresh_data()
    {
        QTest::addColumn<qint64>("expOffsetS");
        QTest::addColumn<int>("skewMs");
        QTest::addColumn<bool>("expected");
        QTest::newRow("fresh") << qint64(600) << 30000 << false;
        QTest::newRow("just outside skew") << qint64(31) << 30000 << false;
        QTest::newRow("exactly at skew") << qint64(30) << 30000 << true;
        QTest::newRow("within skew") << qint64(10) << 30000 << true;
        QTest::newRow("expiring now") << qint64(0) << 30000 << true;
        QTest::newRow("expired") << qint64(-3600) << 30000 << true;
        QTest::newRow("no skew, fresh") << qint64(1) << 0 << false;
        QTest::newRow("no skew, expired") << qint64(-1) << 0 << true;
    }

    void needsRefresh()
    {
        QFETCH(qint64, expOffsetS);
        QFETCH(int, skewMs);
        QFETCH(bool, expected);
        const AccessToken token = AccessToken::parse(jwt(QJsonObject{{QStringLiteral("exp"), at(expOffsetS)}}));
        QCOMPARE(token.needsRefresh(now, skewMs), expected);
    }

    void unknownExpiryNeverNeedsRefresh()
    {
        for (const QString &raw : {QString(), QStringLiteral("opaque"), jwt(QByteArray("{broken"))}) {
            const AccessToken token = AccessToken::parse(raw);
            QVERIFY(!token.needsRefresh(now, 30000));
            QCOMPARE(token.msUntilProactiveRefresh(now, 30000), qint64(-1));
        }
    }

    void proactiveRefresh_data()
    {
        QTest::addColumn<qint64>("iatOffsetS"); // 1 = no iat claim
        QTest::addColumn<qint64>("expOffsetS");
        QTest::addColumn<qint64>("expectedMs");
        // 15 min token issued now: due at 80% = 720 s (earlier than exp - 30 s = 870 s).
        QTest::newRow("80% of 15 min") << qint64(0) << qint64(900) << qint64(720000);
        // Half its life gone: 80% point is 120 s ahead... issued 300 s ago, lifetime 900 s.
        QTest::newRow("issued earlier") << qint64(-300) << qint64(600) << qint64(420000);
        // Short token: 80% of 100 s = 80 s, but exp - skew = 70 s comes first.
        QTest::newRow("skew first") << qint64(0) << qint64(100) << qint64(70000);
        QTest::newRow("no iat: exp - skew") << qint64(1) << qint64(600) << qint64(570000);
        QTest::newRow("past the 80% point") << qint64(-850) << qint64(50) << qint64(0);
        QTest::newRow("expired") << qint64(-900) << qint64(-10) << qint64(0);
        QTest::newRow("iat after exp ignored") << qint64(500) << qint64(400) << qint64(370000);
    }

    void proactiveRefresh()
    {
        QFETCH(qint64, iatOffsetS);
        QFETCH(qint64, expOffsetS);
        QFETCH(qint64, expectedMs);
        QJsonObject claims{{QStringLiteral("exp"), at(expOffsetS)}};
        if (iatOffsetS != 1)
            claims.insert(QStringLiteral("iat"), at(iatOffsetS));
        QCOMPARE(AccessToken::parse(jwt(claims)).msUntilProactiveRefresh(now, 30000), expectedMs);
    }
};

QTEST_GUILESS_MAIN(TestAccessToken)
#include "tst_accesstoken.moc"
