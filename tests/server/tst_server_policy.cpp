// The server's small decision classes, without sockets: AccessPolicy, UserQuotas (injected
// clock), LogText, PrivateFile, RefreshTokenFamilies (over a ChatStore file) and the new
// command-line flags.

#include "accesspolicy.h"
#include "chatstore.h"
#include "logtext.h"
#include "privatefile.h"
#include "refreshtokenfamilies.h"
#include "serveroptions.h"
#include "tokenservice.h"
#include "userquotas.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace Tether;

namespace {
QString str(const char *s)
{
    return QString::fromUtf8(s);
}

mode_t modeOf(const QString &path)
{
    struct stat info = {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return mode_t(-1);
    return info.st_mode & 0777;
}
} // namespace

class TestServerPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void accessPolicy();
    void userQuotasSends();
    void userQuotasCreations();
    void userQuotasForgetIdleUsers();
    void logTextEscapes_data();
    void logTextEscapes();
    void privateFile();
    void refreshFamilies();
    void newFlags();
};

void TestServerPolicy::accessPolicy()
{
    using F = AccessPolicy::Facts;
    using J = AccessPolicy::Join;
    using I = AccessPolicy::Invite;
    const F unknown{ false, false, false, false };
    const F publicOne{ true, true, false, false };
    const F privateMember{ true, false, true, false };
    const F privateStranger{ true, false, false, false };
    auto guest = [](F f) {
        f.isGuest = true;
        return f;
    };
    QVERIFY(!AccessPolicy::mayAccess(unknown));
    QVERIFY(AccessPolicy::mayAccess(publicOne));
    QVERIFY(AccessPolicy::mayAccess(guest(publicOne)));
    QVERIFY(AccessPolicy::mayAccess(privateMember));
    QVERIFY(!AccessPolicy::mayAccess(privateStranger));
    QVERIFY(!AccessPolicy::mayAccess(guest(privateMember))); // a stale row from an older version

    QCOMPARE(AccessPolicy::join(unknown), J::Create);
    QCOMPARE(AccessPolicy::join(publicOne), J::Enter);
    QCOMPARE(AccessPolicy::join(privateMember), J::Enter);
    QCOMPARE(AccessPolicy::join(privateStranger), J::Forbidden);
    QCOMPARE(AccessPolicy::join(guest(unknown)), J::Forbidden); // same as an existing private one
    QCOMPARE(AccessPolicy::join(guest(privateStranger)), J::Forbidden);
    QCOMPARE(AccessPolicy::join(guest(privateMember)), J::Forbidden);
    QCOMPARE(AccessPolicy::join(guest(publicOne)), J::Enter);

    QCOMPARE(AccessPolicy::invite(privateMember, true, false), I::Add);
    QCOMPARE(AccessPolicy::invite(privateMember, true, true), I::AlreadyMember);
    QCOMPARE(AccessPolicy::invite(privateMember, false, false), I::NoSuchUser);
    QCOMPARE(AccessPolicy::invite(privateStranger, true, false), I::NotMember);
    QCOMPARE(AccessPolicy::invite(unknown, true, false), I::NotMember);
    QCOMPARE(AccessPolicy::invite(guest(publicOne), true, false), I::Forbidden);
    QCOMPARE(AccessPolicy::invite(publicOne, true, false), I::Add);
}

void TestServerPolicy::userQuotasSends()
{
    qint64 now = 1000;
    UserQuotas quotas(20, 100, 0, [&now] { return now; });
    for (int i = 0; i < 100; ++i)
        QVERIFY(quotas.allowSend(str("alice")));
    QVERIFY(!quotas.allowSend(str("alice")));
    QCOMPARE(quotas.msUntilSend(str("alice")), qint64(50)); // one token per 50 ms at 20/s
    QVERIFY(quotas.allowSend(str("bob")));                  // per user
    now += 49;
    QVERIFY(!quotas.allowSend(str("alice")));
    now += 1;
    QVERIFY(quotas.allowSend(str("alice")));
    now += 1000; // 20 more, not more than that
    for (int i = 0; i < 20; ++i)
        QVERIFY(quotas.allowSend(str("alice")));
    QVERIFY(!quotas.allowSend(str("alice")));
    QCOMPARE(quotas.msUntilSend(str("nobody")), qint64(0));

    UserQuotas off(0, 100, 0, [&now] { return now; });
    for (int i = 0; i < 1000; ++i)
        QVERIFY(off.allowSend(str("alice")));
    QCOMPARE(off.trackedUsers(), 0);
}

void TestServerPolicy::userQuotasCreations()
{
    qint64 now = 0;
    UserQuotas quotas(0, 0, 2, [&now] { return now; });
    QVERIFY(quotas.allowCreation(str("alice")));
    QVERIFY(quotas.allowCreation(str("alice")));
    QVERIFY(!quotas.allowCreation(str("alice")));
    QVERIFY(quotas.allowCreation(str("bob")));
    now += 30 * 60 * 1000; // half an hour: one more (2 per hour)
    QVERIFY(quotas.allowCreation(str("alice")));
    QVERIFY(!quotas.allowCreation(str("alice")));
    UserQuotas unlimited(0, 0, 0, [&now] { return now; });
    for (int i = 0; i < 100; ++i)
        QVERIFY(unlimited.allowCreation(str("alice")));
}

void TestServerPolicy::userQuotasForgetIdleUsers()
{
    qint64 now = 0;
    UserQuotas quotas(10, 10, 0, [&now] { return now; });
    for (int i = 0; i < 5000; ++i) {
        QVERIFY(quotas.allowSend(QStringLiteral("user-%1").arg(i)));
        now += 200; // each user's bucket is full again 200 ms after its one send
    }
    // Hostile churn of user ids keeps memory bounded: full buckets are the same as new ones.
    QVERIFY2(quotas.trackedUsers() <= 2048, qPrintable(QString::number(quotas.trackedUsers())));
    // A user who is still short of tokens is not forgotten (that would refill it).
    for (int i = 0; i < 10; ++i)
        QVERIFY(quotas.allowSend(str("busy")));
    for (int i = 0; i < 3000; ++i)
        QVERIFY(quotas.allowSend(QStringLiteral("other-%1").arg(i)));
    QVERIFY(!quotas.allowSend(str("busy")));
}

void TestServerPolicy::logTextEscapes_data()
{
    QTest::addColumn<QString>("in");
    QTest::addColumn<QString>("out");
    QTest::newRow("plain") << str("alice") << str("alice");
    QTest::newRow("newline") << str("alice\nlogin ok for root") << str("alice\\nlogin ok for root");
    QTest::newRow("cr tab") << str("a\rb\tc") << str("a\\rb\\tc");
    QTest::newRow("escape sequence") << str("\x1b[31mred") << str("\\x1b[31mred");
    QTest::newRow("nul del c1") << (QString(QChar(0)) + QChar(0x7f) + QChar(0x85)) << str("\\x00\\x7f\\x85");
    QTest::newRow("backslash") << str("a\\nb") << str("a\\\\nb");
    QTest::newRow("line separator") << (str("a") + QChar(0x2028) + str("b")) << str("a\\u{2028}b");
    QTest::newRow("bidi override") << (str("abc") + QChar(0x202e) + str("gpj.exe")) << str("abc\\u{202e}gpj.exe");
    QTest::newRow("zero width") << (str("ad") + QChar(0x200b) + str("min")) << str("ad\\u{200b}min");
    QTest::newRow("lone surrogate") << (str("x") + QChar(0xd800) + str("y")) << str("x\\u{d800}y");
    QTest::newRow("emoji kept") << str("hi 😀 é") << str("hi 😀 é");
    QTest::newRow("long") << QString(200, QLatin1Char('x')) << (QString(128, QLatin1Char('x')) + str("...(72 more)"));
}

void TestServerPolicy::logTextEscapes()
{
    QFETCH(QString, in);
    QFETCH(QString, out);
    const QString escaped = LogText::escape(in);
    QCOMPARE(escaped, out);
    for (const QChar c : escaped)
        QVERIFY2(c.unicode() >= 0x20 && c.unicode() != 0x7f && c.category() != QChar::Separator_Line
                         && c.category() != QChar::Other_Format,
                 qPrintable(QString::number(c.unicode(), 16)));
}

void TestServerPolicy::privateFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const mode_t previous = ::umask(0); // even with a permissive umask
    const QString path = dir.filePath(str("sub/secret"));
    QString error;
    const bool created = PrivateFile::create(path, "content\n", &error);
    ::umask(previous);
    QVERIFY2(created, qPrintable(error));
    QCOMPARE(modeOf(path), mode_t(0600));
    QVERIFY(!PrivateFile::isExposed(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("content\n"));
    // Never over an existing file.
    QVERIFY(!PrivateFile::create(path, "other", &error));
    QVERIFY(error.contains(path));
    QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther));
    QVERIFY(PrivateFile::isExposed(path));
    QVERIFY(PrivateFile::restrict(path));
    QCOMPARE(modeOf(path), mode_t(0600));
    QVERIFY(!PrivateFile::isExposed(dir.filePath(str("missing"))));
    QVERIFY(PrivateFile::restrict(dir.filePath(str("missing"))));
}

void TestServerPolicy::refreshFamilies()
{
    QTemporaryDir dir;
    ChatStore store;
    QString error;
    QVERIFY2(store.open(dir.filePath(str("db.sqlite")), &error), qPrintable(error));
    const TokenService tokens(QByteArrayLiteral("unit-secret-abcdefghijklmnop"));
    RefreshTokenFamilies families(store, tokens);
    using O = RefreshTokenFamilies::Outcome;
    const qint64 ttl = 60000;
    const qint64 grace = 1000;

    const auto login = families.start(str("alice"), 10000, ttl);
    QCOMPARE(login.outcome, O::Issued);
    QCOMPARE(login.issuedAtMs, qint64(10000));
    const auto first = families.exchange(login.refreshToken, 20000, ttl, grace);
    QCOMPARE(first.outcome, O::Issued);
    QCOMPARE(first.userId, str("alice"));
    QCOMPARE(first.issuedAtMs, qint64(20000));
    QCOMPARE(first.refreshToken, tokens.successorRefreshToken(login.refreshToken));
    QVERIFY(first.refreshToken != login.refreshToken);
    // A retry within the grace: the same successor and issue time, so the same access token.
    const auto retry = families.exchange(login.refreshToken, 20000 + grace, ttl, grace);
    QCOMPARE(retry.outcome, O::Replayed);
    QCOMPARE(retry.refreshToken, first.refreshToken);
    QCOMPARE(retry.issuedAtMs, first.issuedAtMs);
    // Only hashes are kept.
    QVERIFY(!store.refreshToken(login.refreshToken.toUtf8()));
    QVERIFY(store.refreshToken(TokenService::refreshTokenHash(first.refreshToken)));

    const auto second = families.exchange(first.refreshToken, 21000, ttl, grace);
    QCOMPARE(second.outcome, O::Issued);
    // The first token again, still within its grace, but its successor has been used: theft.
    const auto other = families.start(str("alice"), 21000, ttl);
    const auto theft = families.exchange(login.refreshToken, 21500, ttl, grace);
    QCOMPARE(theft.outcome, O::ReuseDetected);
    QCOMPARE(theft.revoked, 3);
    QCOMPARE(families.exchange(second.refreshToken, 21600, ttl, grace).outcome, O::Rejected);
    QCOMPARE(families.exchange(other.refreshToken, 21600, ttl, grace).outcome, O::Issued);

    // Late reuse, and no grace at all.
    const auto b = families.start(str("bob"), 0, ttl);
    const auto b1 = families.exchange(b.refreshToken, 1000, ttl, grace);
    QCOMPARE(families.exchange(b.refreshToken, 1000 + grace + 1, ttl, grace).outcome, O::ReuseDetected);
    QCOMPARE(families.exchange(b1.refreshToken, 3000, ttl, grace).outcome, O::Rejected);
    const auto c = families.start(str("carol"), 0, ttl);
    QCOMPARE(families.exchange(c.refreshToken, 0, ttl, 0).outcome, O::Issued);
    QCOMPARE(families.exchange(c.refreshToken, 0, ttl, 0).outcome, O::ReuseDetected);
    // Expired and unknown tokens are refused without touching anything.
    const auto d = families.start(str("dave"), 0, ttl);
    QCOMPARE(families.exchange(d.refreshToken, ttl, ttl, grace).outcome, O::Rejected);
    QCOMPARE(families.exchange(str("made-up"), 0, ttl, grace).outcome, O::Rejected);
}

void TestServerPolicy::newFlags()
{
    ServerOptions options;
    QString error;
    QVERIFY2(ServerOptions::parse({ str("tether-server"), str("--max-text"), str("1000"), str("--user-rate"), str("2.5"),
                                    str("--user-burst"), str("7"), str("--create-limit"), str("3"), str("--refresh-grace"),
                                    str("0.5") },
                                  &options, &error),
             qPrintable(error));
    QCOMPARE(options.config.maxTextBytes, 1000);
    QCOMPARE(options.config.userRatePerSecond, 2.5);
    QCOMPARE(options.config.userRateBurst, 7.0);
    QCOMPARE(options.config.conversationsPerHour, 3);
    QCOMPARE(options.config.refreshGraceMs, qint64(500));
    QVERIFY(ServerOptions::parse({ str("tether-server"), str("--user-rate"), str("0"), str("--max-text"), str("0"),
                                   str("--create-limit"), str("0"), str("--refresh-grace"), str("0") },
                                 &options, &error));
    QCOMPARE(options.config.userRatePerSecond, 0.0);
    QCOMPARE(options.config.maxTextBytes, 0);
    QCOMPARE(options.config.conversationsPerHour, 0);
    QCOMPARE(options.config.refreshGraceMs, qint64(0));
    // Defaults.
    QVERIFY(ServerOptions::parse({ str("tether-server") }, &options, &error));
    QCOMPARE(options.config.maxTextBytes, 64 * 1024);
    QCOMPARE(options.config.refreshGraceMs, qint64(30000));
    QVERIFY(options.addConversation.isEmpty());

    QVERIFY(ServerOptions::parse({ str("tether-server"), str("--db"), str("/tmp/x"), str("--add-conversation"), str("news"),
                                   str("--title"), str("News"), str("--public") },
                                 &options, &error));
    QCOMPARE(options.addConversation, str("news"));
    QCOMPARE(options.conversationTitle, str("News"));
    QVERIFY(options.publicConversation);
    QVERIFY(!ServerOptions::parse({ str("tether-server"), str("--public") }, &options, &error));
    QVERIFY(error.contains(str("--add-conversation")));
    for (const char *bad : { "--max-text=-1", "--user-rate=x", "--create-limit=1.5", "--refresh-grace=-2", "--user-burst=-1" })
        QVERIFY2(!ServerOptions::parse({ str("tether-server"), str(bad) }, &options, &error), bad);
    for (const char *flag : { "--max-text", "--user-rate", "--user-burst", "--create-limit", "--refresh-grace",
                              "--add-conversation", "--title", "--public" })
        QVERIFY2(ServerOptions::helpText().contains(str(flag)), flag);
}

QTEST_GUILESS_MAIN(TestServerPolicy)
#include "tst_server_policy.moc"
