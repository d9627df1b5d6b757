// Secrets never reach logs or displayed URLs.
#include "redaction.h"

#include <QTest>
#include <QUrlQuery>

using namespace Tether;

class TestRedaction : public QObject
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
    }

    void urls()
    {
        QFETCH(QString, url);
        QFETCH(QStringList, hidden);
        QFETCH(QStringList, kept);
        const QString shown = redactedUrl(QUrl(url), { QStringLiteral("sig") }).toString();
        for (const QString &h : hidden)
            QVERIFY2(!shown.contains(h), qPrintable(shown));
        for (const QString &k : kept)
            QVERIFY2(shown.contains(k), qPrintable(shown));
    }

    void text()
    {
        const QString token = QStringLiteral("eyJhbGciOiJIUzI1NiJ9.payload.sig");
        const QString out = redactedText(QStringLiteral("failed with %1 twice: %1").arg(token), { token, QString() });
        QVERIFY(!out.contains(token));
        QCOMPARE(out.count(QStringLiteral("REDACTED")), 2);
        // Empty or tiny "secrets" must not shred ordinary text.
        QCOMPARE(redactedText(QStringLiteral("a b c"), { QStringLiteral("a"), QString() }), QStringLiteral("a b c"));
    }
};

QTEST_GUILESS_MAIN(TestRedaction)
#include "tst_redaction.moc"
