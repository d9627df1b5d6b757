// Secrets never reach logs, reports or displayed URLs: the rules of SecretRedactor for URLs, free
// text and known secret values.
#include "secretredactor.h"

#include <QTest>
#include <QUrlQuery>

using namespace Tether;

class TestSecretRedactor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void urls_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QStringList>("hidden");
        QTest::addColumn<QStringList>("kept");
        QTest::newRow("plain") << QStringLiteral("ws://127.0.0.1:8080/ws") << QStringList {}
                               << QStringList { QStringLiteral("ws://127.0.0.1:8080/ws") };
        QTest::newRow("query token") << QStringLiteral("wss://h.example/ws?access_token=eyJabc.def.ghi&room=7")
                                     << QStringList { QStringLiteral("eyJabc") }
                                     << QStringList { QStringLiteral("room=7"), QStringLiteral("access_token=REDACTED") };
        QTest::newRow("user info") << QStringLiteral("wss://bob:hunter2@h.example/ws")
                                   << QStringList { QStringLiteral("hunter2"), QStringLiteral("bob") }
                                   << QStringList { QStringLiteral("h.example/ws") };
        QTest::newRow("case and custom") << QStringLiteral("ws://h/ws?Token=aaaa&sig=bbbb&x=1")
                                         << QStringList { QStringLiteral("aaaa"), QStringLiteral("bbbb") }
                                         << QStringList { QStringLiteral("x=1") };
        QTest::newRow("extra parameter") << QStringLiteral("ws://h/ws?t0k=cccc&x=1")
                                         << QStringList { QStringLiteral("cccc") }
                                         << QStringList { QStringLiteral("x=1"), QStringLiteral("t0k=REDACTED") };
        QTest::newRow("name contains a secret word") << QStringLiteral("ws://h/ws?X-Api-Key=dddd&sessionid=eeee&room=2")
                                                     << QStringList { QStringLiteral("dddd"), QStringLiteral("eeee") }
                                                     << QStringList { QStringLiteral("room=2") };
        QTest::newRow("fragment") << QStringLiteral("https://h/cb#access_token")
                                  << QStringList { QStringLiteral("access_token") }
                                  << QStringList { QStringLiteral("https://h/cb#REDACTED") };
    }

    void urls()
    {
        QFETCH(QString, url);
        QFETCH(QStringList, hidden);
        QFETCH(QStringList, kept);
        const QString shown = SecretRedactor::urlString(QUrl(url), { QStringLiteral("t0k") });
        for (const QString &h : hidden)
            QVERIFY2(!shown.contains(h), qPrintable(shown));
        for (const QString &k : kept)
            QVERIFY2(shown.contains(k), qPrintable(shown));
        QCOMPARE(SecretRedactor::url(QUrl(url), { QStringLiteral("t0k") }).toString(), shown);
    }

    void knownSecrets()
    {
        const QString token = QStringLiteral("opaque-token-value.payload.sig");
        const QString out = SecretRedactor::text(QStringLiteral("failed with %1 twice: %1").arg(token), { token, QString() });
        QVERIFY(!out.contains(token));
        QCOMPARE(out.count(QStringLiteral("REDACTED")), 2);
        // Empty or tiny "secrets" must not shred ordinary text.
        QCOMPARE(SecretRedactor::text(QStringLiteral("a b c"), { QStringLiteral("a"), QString() }), QStringLiteral("a b c"));
    }

    void patterns_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("mustNotContain");
        QTest::newRow("jwt") << QStringLiteral("token eyJabcdefgh.eyJpayload1.sig_nature- end") << QStringLiteral("eyJpayload1");
        QTest::newRow("bearer") << QStringLiteral("Authorization: Bearer abc123opaque") << QStringLiteral("abc123opaque");
        QTest::newRow("query") << QStringLiteral("ws://h/ws?x=1&access_token=zzz999&y=2") << QStringLiteral("zzz999");
        QTest::newRow("json") << QStringLiteral("{\"refresh_token\": \"qqq777\"}") << QStringLiteral("qqq777");
        QTest::newRow("userinfo") << QStringLiteral("http://u:pw5555@proxy:8080") << QStringLiteral("pw5555");
        QTest::newRow("jwt query") << QStringLiteral("GET /ws?jwt=abc.def.ghi HTTP/1.1") << QStringLiteral("abc.def.ghi");
    }

    void patterns()
    {
        QFETCH(QString, input);
        QFETCH(QString, mustNotContain);
        const QString out = SecretRedactor::text(input);
        QVERIFY2(!out.contains(mustNotContain), qPrintable(out));
        QVERIFY2(out.contains(QLatin1String("REDACTED")), qPrintable(out));
    }

    void ordinaryTextIsKept()
    {
        const QString text = QStringLiteral("connection closed: code 1012, reason \"{\\\"retry_after_ms\\\":1200}\"");
        QCOMPARE(SecretRedactor::text(text, { QStringLiteral("unrelated-secret") }), text);
    }
};

QTEST_GUILESS_MAIN(TestSecretRedactor)
#include "tst_secretredactor.moc"
