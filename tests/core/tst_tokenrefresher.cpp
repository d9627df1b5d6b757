// TokenRefresher against a real loopback HTTP endpoint: answers, rejections, broken servers, and
// one request at a time.
#include "testpeers.h"
#include "tokenrefresher.h"

#include <QSignalSpy>
#include <QTest>

using namespace Tether;
using namespace TestPeers;

Q_DECLARE_METATYPE(Tether::TokenRefresher::Outcome)

class TestTokenRefresher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<TokenRefresher::Outcome>(); }

    void outcomes_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("result");
        QTest::addColumn<QString>("access");
        QTest::addColumn<QString>("refresh");
        QTest::addColumn<qint64>("expiresInMs");
        using R = TokenRefresher::Result;
        QTest::newRow("full answer") << 200 << QByteArray(R"({"access_token":"A2","refresh_token":"R2","expires_in":900})")
                                     << int(R::Success) << QStringLiteral("A2") << QStringLiteral("R2") << qint64(900000);
        QTest::newRow("no rotation") << 200 << QByteArray(R"({"access_token":"A2"})") << int(R::Success)
                                     << QStringLiteral("A2") << QString() << qint64(-1);
        QTest::newRow("401") << 401 << QByteArray(R"({"error":"invalid_token"})") << int(R::Rejected) << QString()
                             << QString() << qint64(-1);
        QTest::newRow("400") << 400 << QByteArray("{}") << int(R::Rejected) << QString() << QString() << qint64(-1);
        QTest::newRow("500") << 500 << QByteArray("oops") << int(R::TransientError) << QString() << QString() << qint64(-1);
        QTest::newRow("not json") << 200 << QByteArray("<html>") << int(R::TransientError) << QString() << QString()
                                  << qint64(-1);
        QTest::newRow("no access token") << 200 << QByteArray(R"({"refresh_token":"R2"})") << int(R::TransientError)
                                         << QString() << QString() << qint64(-1);
    }

    void outcomes()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(int, result);
        QFETCH(QString, access);
        QFETCH(QString, refresh);
        QFETCH(qint64, expiresInMs);
        HttpServer http;
        QVERIFY(http.listen());
        http.responder = [status, body](const HttpServer::Request &) { return qMakePair(status, body); };
        TokenRefresher refresher;
        QSignalSpy finished(&refresher, &TokenRefresher::finished);
        QVERIFY(refresher.refresh(http.url(), QStringLiteral("R1"), 5000));
        QVERIFY(finished.wait(10000));
        const auto outcome = finished.at(0).at(0).value<TokenRefresher::Outcome>();
        QCOMPARE(int(outcome.result), result);
        QCOMPARE(outcome.accessToken, access);
        QCOMPARE(outcome.refreshToken, refresh);
        QCOMPARE(outcome.expiresInMs, expiresInMs);
        QCOMPARE(outcome.httpStatus, status);
        QVERIFY(!outcome.error.contains(QStringLiteral("R1")));
        QCOMPARE(http.requests().size(), 1);
        QCOMPARE(http.requests().at(0).body, QByteArray(R"({"refresh_token":"R1"})"));
        QVERIFY(!refresher.isRunning());
    }

    void unreachableIsTransient()
    {
        TokenRefresher refresher;
        QSignalSpy finished(&refresher, &TokenRefresher::finished);
        refresher.refresh(QUrl(QStringLiteral("http://127.0.0.1:%1/r").arg(unusedPort())), QStringLiteral("R1"), 5000);
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.at(0).at(0).value<TokenRefresher::Outcome>().result, TokenRefresher::Result::TransientError);
    }

    void oneRequestAtATime()
    {
        HttpServer http;
        QVERIFY(http.listen());
        TokenRefresher refresher;
        QSignalSpy finished(&refresher, &TokenRefresher::finished);
        QVERIFY(refresher.refresh(http.url(), QStringLiteral("R1")));
        QVERIFY(refresher.isRunning());
        QVERIFY(!refresher.refresh(http.url(), QStringLiteral("R1"))); // joins the running one
        QVERIFY(finished.wait(10000));
        QTest::qWait(100);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(http.requests().size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestTokenRefresher)
#include "tst_tokenrefresher.moc"
