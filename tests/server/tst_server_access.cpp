// Access control, message identity and quotas over real WebSockets (docs/protocol.md): private
// conversations made by join, forbidden without invitation (revealing nothing), invite and members,
// guests confined to public conversations, operator-made public ones, id_reused, --max-text,
// --user-rate and the per-user limit on creating conversations.

#include "servertestutil.h"

#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlQuery>

using namespace TestUtil;

class TestServerAccess : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void joinUnknownCreatesPrivateConversation();
    void forbiddenRevealsNothing();
    void inviteAndMembers();
    void inviteRefusals();
    void guestsSeeOnlyPublicConversations();
    void operatorConversations();
    void idReusedInAnotherConversation();
    void textLongerThanMaxText();
    void userRateAcrossConnections();
    void conversationCreationIsLimited();
};

namespace {
QJsonObject frame(const char *type, std::initializer_list<QPair<QString, QJsonValue>> fields)
{
    QJsonObject o{ { str("type"), str(type) } };
    for (const auto &f : fields)
        o.insert(f.first, f.second);
    return o;
}

QStringList conversationIds(const QJsonObject &welcome)
{
    QStringList ids;
    for (const QJsonValue &v : welcome.value(str("conversations")).toArray())
        ids.append(v.toObject().value(str("id")).toString());
    ids.sort();
    return ids;
}

// A server with alice, bob and carol, each connected (hello done) with its token.
struct Three
{
    Fixture fixture;
    Client alice, bob, carol;
    bool ok = false;

    explicit Three(Tether::ServerConfig config = Tether::ServerConfig()) : fixture(config)
    {
        if (!fixture.start())
            return;
        for (const char *name : { "alice", "bob", "carol" }) {
            if (!fixture.server()->addUser(str(name), str("pw")))
                return;
        }
        ok = alice.open(fixture.ws(), fixture.token(str("alice"))) && bob.open(fixture.ws(), fixture.token(str("bob")))
                && carol.open(fixture.ws(), fixture.token(str("carol"))) && !alice.hello().isEmpty()
                && !bob.hello().isEmpty() && !carol.hello().isEmpty();
    }
};

QJsonObject request(Client &c, const QJsonObject &f, const char *answerType)
{
    c.send(f);
    return c.waitFor(str(answerType));
}
} // namespace

void TestServerAccess::joinUnknownCreatesPrivateConversation()
{
    Three t;
    QVERIFY(t.ok);
    const QJsonObject joined = request(t.alice, frame("join", { { str("conversation"), str("team") }, { str("title"), str("Team") },
                                                                 { str("id"), str("j1") } }), "joined");
    QCOMPARE(joined.value(str("id")).toString(), str("j1"));
    QCOMPARE(joined.value(str("user")).toString(), str("alice"));
    QCOMPARE(joined.value(str("conversation")).toObject().value(str("title")).toString(), str("Team"));
    // Private, owned by its creator, who is its only member.
    const QJsonObject members = request(t.alice, frame("members", { { str("conversation"), str("team") }, { str("id"), 5 } }),
                                        "members");
    QCOMPARE(members.value(str("id")).toInt(), 5);
    QCOMPARE(members.value(str("members")).toArray(), QJsonArray{ str("alice") });
    QCOMPARE(t.alice.sendMessage(str("team"), str("just us")).value(str("seq")).toInt(), 1);
    // The others hear nothing of it and cannot use it.
    Client bobAgain;
    QVERIFY(bobAgain.open(t.fixture.ws(), t.fixture.token(str("bob"))));
    QVERIFY(!conversationIds(bobAgain.hello()).contains(str("team")));
    for (const char *type : { "send", "history", "typing", "members", "leave" }) {
        t.bob.send(frame(type, { { str("conversation"), str("team") }, { str("id"), str(type) }, { str("text"), str("x") } }));
        const QJsonObject error = t.bob.waitFor(str("error"));
        QCOMPARE(error.value(str("code")).toString(), str("not_member"));
        QCOMPARE(error.value(str("id")).toString(), str(type));
    }
    QVERIFY(t.bob.framesOfType(str("message")).isEmpty());
    QVERIFY(t.carol.framesOfType(str("joined")).isEmpty());

    // Stored with its owner; survives a restart as private.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(str("QSQLITE"), str("peek"));
        db.setDatabaseName(t.fixture.config().databasePath);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(str("SELECT owner, is_public FROM conversations WHERE id = 'team'")) && q.next());
        QCOMPARE(q.value(0).toString(), str("alice"));
        QCOMPARE(q.value(1).toInt(), 0);
    }
    QSqlDatabase::removeDatabase(str("peek"));
}

void TestServerAccess::forbiddenRevealsNothing()
{
    Tether::ServerConfig config;
    config.allowGuests = true;
    Three t(config);
    QVERIFY(t.ok);
    QVERIFY(!request(t.alice, frame("join", { { str("conversation"), str("secret") }, { str("title"), str("Plans") } }),
                     "joined").isEmpty());
    for (int i = 0; i < 3; ++i)
        t.alice.sendMessage(str("secret"), QStringLiteral("plan %1").arg(i));

    // A registered user without invitation: forbidden, and nothing else.
    t.bob.skipAll();
    const QJsonObject refused = request(t.bob, frame("join", { { str("conversation"), str("secret") }, { str("id"), str("b") } }),
                                        "error");
    QCOMPARE(refused.value(str("code")).toString(), str("forbidden"));
    QCOMPARE(refused.value(str("id")).toString(), str("b"));
    const QStringList keys = refused.keys();
    QCOMPARE(QSet<QString>(keys.cbegin(), keys.cend()),
             (QSet<QString>{ str("type"), str("code"), str("message"), str("id") }));
    QVERIFY(!refused.value(str("message")).toString().contains(str("Plans")));
    t.bob.send(frame("ping", {}));
    QVERIFY(!t.bob.waitFor(str("pong")).isEmpty());
    QVERIFY(t.bob.framesOfType(str("joined")).isEmpty());
    QVERIFY(t.bob.framesOfType(str("message")).isEmpty());
    QVERIFY(t.bob.framesOfType(str("history")).isEmpty());

    // A guest cannot create, and cannot tell an existing private id from an unused one.
    Client guest;
    QVERIFY(guest.open(t.fixture.ws()));
    QVERIFY(!guest.hello().isEmpty());
    const QJsonObject existing = request(guest, frame("join", { { str("conversation"), str("secret") }, { str("id"), 1 } }), "error");
    const QJsonObject unused = request(guest, frame("join", { { str("conversation"), str("nothing-here") }, { str("id"), 1 } }), "error");
    QCOMPARE(existing.value(str("code")).toString(), str("forbidden"));
    QCOMPARE(existing, unused);
    QCOMPARE(refused.value(str("message")), existing.value(str("message")));
    // The guest's attempt created nothing.
    QVERIFY(request(t.bob, frame("join", { { str("conversation"), str("nothing-here") } }), "joined")
                    .value(str("conversation")).toObject().value(str("id")).toString() == str("nothing-here"));
}

void TestServerAccess::inviteAndMembers()
{
    Three t;
    QVERIFY(t.ok);
    QVERIFY(!request(t.alice, frame("join", { { str("conversation"), str("team") } }), "joined").isEmpty());
    QCOMPARE(t.alice.sendMessage(str("team"), str("before bob")).value(str("seq")).toInt(), 1);
    t.bob.skipAll();
    const QJsonObject answer = request(t.alice, frame("invite", { { str("conversation"), str("team") }, { str("user"), str("bob") },
                                                                   { str("id"), str("i1") } }), "joined");
    QCOMPARE(answer.value(str("id")).toString(), str("i1"));
    QCOMPARE(answer.value(str("user")).toString(), str("bob"));
    // The invited user's connections hear it, with the conversation as it is now.
    const QJsonObject told = t.bob.waitFor(str("joined"));
    QCOMPARE(told.value(str("user")).toString(), str("bob"));
    QCOMPARE(told.value(str("conversation")).toObject().value(str("id")).toString(), str("team"));
    QCOMPARE(told.value(str("conversation")).toObject().value(str("last_seq")).toInt(), 1);
    QVERIFY(!told.contains(str("id")));
    // A second connection of bob's gets it in its welcome, with the history.
    Client bob2;
    QVERIFY(bob2.open(t.fixture.ws(), t.fixture.token(str("bob"))));
    QVERIFY(conversationIds(bob2.hello()).contains(str("team")));
    QCOMPARE(bob2.framesOfType(str("message")).size(), 1);
    // bob is a member now: he posts, and alice gets it.
    QCOMPARE(t.bob.sendMessage(str("team"), str("hi alice")).value(str("seq")).toInt(), 2);
    QVERIFY(QTest::qWaitFor([&] { return t.alice.framesOfType(str("message")).size() == 2; }, kTimeout));
    QCOMPARE(t.alice.framesOfType(str("message")).last().value(str("text")).toString(), str("hi alice"));
    // Members answer members only; carol is not one.
    QCOMPARE(request(t.bob, frame("members", { { str("conversation"), str("team") } }), "members").value(str("members")).toArray(),
             (QJsonArray{ str("alice"), str("bob") }));
    QCOMPARE(request(t.carol, frame("members", { { str("conversation"), str("team") } }), "error").value(str("code")).toString(),
             str("not_member"));
    QCOMPARE(request(t.carol, frame("members", { { str("conversation"), str("no-such") } }), "error").value(str("code")).toString(),
             str("not_member"));
    // Any member may invite; inviting a member again changes nothing and announces nothing.
    t.alice.skipAll();
    QVERIFY(!request(t.bob, frame("invite", { { str("conversation"), str("team") }, { str("user"), str("carol") } }), "joined").isEmpty());
    QCOMPARE(t.carol.waitFor(str("joined")).value(str("user")).toString(), str("carol"));
    QCOMPARE(t.alice.waitFor(str("joined")).value(str("user")).toString(), str("carol"));
    QCOMPARE(request(t.bob, frame("invite", { { str("conversation"), str("team") }, { str("user"), str("carol") } }), "joined")
                     .value(str("user")).toString(), str("carol"));
    t.carol.send(frame("ping", {}));
    QVERIFY(!t.carol.waitFor(str("pong")).isEmpty());
    QCOMPARE(t.carol.framesOfType(str("joined")).size(), 1);
}

void TestServerAccess::inviteRefusals()
{
    Tether::ServerConfig config;
    config.allowGuests = true;
    config.demo = true;
    Three t(config);
    QVERIFY(t.ok);
    QVERIFY(!request(t.alice, frame("join", { { str("conversation"), str("team") } }), "joined").isEmpty());
    struct Case { const char *user; const char *conversation; const char *code; };
    const Case cases[] = {
        { "nobody", "team", "invalid_field" },      // no such user
        { "guest-0123456789abcdef0123456789abcdef", "team", "invalid_field" }, // guests cannot be invited
        { "echo-bot", "team", "invalid_field" },
        { "bob", "no-such", "not_member" },         // same answer as for someone else's conversation
    };
    for (const Case &c : cases) {
        const QJsonObject error = request(t.alice, frame("invite", { { str("conversation"), str(c.conversation) },
                                                                      { str("user"), str(c.user) } }), "error");
        QVERIFY2(error.value(str("code")).toString() == str(c.code), c.user);
    }
    // Not a member of it: cannot invite into it, not even oneself.
    QCOMPARE(request(t.bob, frame("invite", { { str("conversation"), str("team") }, { str("user"), str("bob") } }), "error")
                     .value(str("code")).toString(), str("not_member"));
    QCOMPARE(request(t.bob, frame("invite", { { str("conversation"), str("team") } }), "error").value(str("code")).toString(),
             str("missing_field"));
    // Guests cannot invite anyone anywhere.
    Client guest;
    QVERIFY(guest.open(t.fixture.ws()));
    QVERIFY(!guest.hello().isEmpty());
    QCOMPARE(request(guest, frame("invite", { { str("conversation"), str("lobby") }, { str("user"), str("bob") } }), "error")
                     .value(str("code")).toString(), str("forbidden"));
    QCOMPARE(request(t.alice, frame("members", { { str("conversation"), str("team") } }), "members").value(str("members")).toArray(),
             QJsonArray{ str("alice") });
}

void TestServerAccess::guestsSeeOnlyPublicConversations()
{
    Tether::ServerConfig config;
    config.allowGuests = true;
    config.demo = true;
    Three t(config);
    QVERIFY(t.ok);
    QVERIFY(!request(t.alice, frame("join", { { str("conversation"), str("team") } }), "joined").isEmpty());
    const QString key = str("a-guest-key-of-sufficient-length");
    Client guest;
    QVERIFY(guest.open(t.fixture.ws()));
    guest.send(frame("hello", { { str("protocol"), 1 }, { str("guest_key"), key } }));
    const QJsonObject welcome = guest.waitFor(str("welcome"));
    QCOMPARE(conversationIds(welcome), (QStringList{ str("echo"), str("lobby") }));
    QVERIFY(!guest.waitFor(str("synced")).isEmpty());
    const QString guestId = welcome.value(str("user")).toObject().value(str("id")).toString();

    // A membership row for a guest (left by an older server version) is not honoured.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(str("QSQLITE"), str("inject"));
        db.setDatabaseName(t.fixture.config().databasePath);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("INSERT INTO members (conversation, user_id) VALUES ('team', '%1')").arg(guestId)));
    }
    QSqlDatabase::removeDatabase(str("inject"));
    QCOMPARE(t.alice.sendMessage(str("team"), str("members only")).value(str("seq")).toInt(), 1);
    Client again;
    QVERIFY(again.open(t.fixture.ws()));
    again.send(frame("hello", { { str("protocol"), 1 }, { str("guest_key"), key } }));
    QCOMPARE(conversationIds(again.waitFor(str("welcome"))), (QStringList{ str("echo"), str("lobby") }));
    QVERIFY(!again.waitFor(str("synced")).isEmpty());
    for (const char *type : { "send", "history", "typing", "members" }) {
        again.send(frame(type, { { str("conversation"), str("team") }, { str("id"), str(type) }, { str("text"), str("x") } }));
        QCOMPARE(again.waitFor(str("error")).value(str("code")).toString(), str("not_member"));
    }
    QCOMPARE(request(again, frame("join", { { str("conversation"), str("team") } }), "error").value(str("code")).toString(),
             str("forbidden"));
    QVERIFY(guest.framesOfType(str("message")).isEmpty());
    QVERIFY(again.framesOfType(str("message")).isEmpty());

    // Public ones are open to guests: joining answers, posting works, nothing is stored for them.
    QVERIFY(!request(again, frame("join", { { str("conversation"), str("lobby") } }), "joined").isEmpty());
    QCOMPARE(again.sendMessage(str("lobby"), str("hello from a guest")).value(str("seq")).toInt(), 1);
    QVERIFY(!request(t.bob, frame("join", { { str("conversation"), str("lobby") } }), "joined").isEmpty());
    QCOMPARE(request(t.bob, frame("members", { { str("conversation"), str("lobby") } }), "members").value(str("members")).toArray(),
             QJsonArray{ str("bob") });
}

void TestServerAccess::operatorConversations()
{
    Tether::ServerConfig config;
    config.allowGuests = true;
    Fixture f(config);
    Tether::ChatServer setup(f.config());
    QString error;
    QVERIFY2(setup.addConversation(str("news"), str("News"), true, &error), qPrintable(error));
    QVERIFY2(setup.addConversation(str("staff"), QString(), false, &error), qPrintable(error));
    QVERIFY(!setup.addConversation(str("bad id"), str("x"), true, &error));
    QVERIFY(error.contains(str("bad id")));
    QVERIFY(f.start());
    QVERIFY(f.server()->addUser(str("bob"), str("pw")));
    Client guest;
    QVERIFY(guest.open(f.ws()));
    QCOMPARE(conversationIds(guest.hello()), QStringList{ str("news") });
    Client bob;
    QVERIFY(bob.open(f.ws(), f.token(str("bob"))));
    QCOMPARE(conversationIds(bob.hello()), QStringList{ str("news") });
    // An operator's private conversation has no members until invited: nobody walks in.
    QCOMPARE(request(bob, frame("join", { { str("conversation"), str("staff") } }), "error").value(str("code")).toString(),
             str("forbidden"));
    QCOMPARE(bob.sendMessage(str("news"), str("read all about it")).value(str("seq")).toInt(), 1);
    QCOMPARE(guest.waitFor(str("message")).value(str("text")).toString(), str("read all about it"));
}

void TestServerAccess::idReusedInAnotherConversation()
{
    Tether::ServerConfig config;
    config.demo = true;
    Three t(config);
    QVERIFY(t.ok);
    QVERIFY(!request(t.alice, frame("join", { { str("conversation"), str("team") } }), "joined").isEmpty());
    QCOMPARE(t.alice.sendMessage(str("team"), str("first"), str("m-1")).value(str("seq")).toInt(), 1);
    t.alice.skipAll();
    t.bob.skipAll();
    t.alice.send(frame("send", { { str("id"), str("m-1") }, { str("conversation"), str("lobby") }, { str("text"), str("second") } }));
    const QJsonObject error = t.alice.waitFor(str("error"));
    QCOMPARE(error.value(str("code")).toString(), str("id_reused"));
    QCOMPARE(error.value(str("id")).toString(), str("m-1"));
    // Never an ack of the other message, and nothing stored in the lobby.
    t.alice.send(frame("ping", {}));
    QVERIFY(!t.alice.waitFor(str("pong")).isEmpty());
    QVERIFY(t.alice.framesOfType(str("ack")).size() == 1);
    QCOMPARE(t.alice.sendMessage(str("lobby"), str("fresh id")).value(str("seq")).toInt(), 1);
    QCOMPARE(t.bob.waitFor(str("message")).value(str("text")).toString(), str("fresh id"));
    // The same id in its own conversation is still a retry of the first message.
    QCOMPARE(t.alice.sendMessage(str("team"), str("first"), str("m-1")).value(str("seq")).toInt(), 1);
}

void TestServerAccess::textLongerThanMaxText()
{
    Tether::ServerConfig config;
    config.demo = true;
    config.maxTextBytes = 100;
    Three t(config);
    QVERIFY(t.ok);
    // Bytes of UTF-8, not characters: 50 two-byte characters fit, 51 do not.
    QCOMPARE(t.alice.sendMessage(str("lobby"), QString(50, QChar(0xe9))).value(str("seq")).toInt(), 1);
    t.alice.send(frame("send", { { str("id"), str("long") }, { str("conversation"), str("lobby") },
                                 { str("text"), QString(51, QChar(0xe9)) } }));
    const QJsonObject error = t.alice.waitFor(str("error"));
    QCOMPARE(error.value(str("code")).toString(), str("invalid_field"));
    QCOMPARE(error.value(str("id")).toString(), str("long"));
    QVERIFY(error.value(str("message")).toString().contains(str("100")));

    // The default is 64 KiB; 0 leaves only the frame limit.
    QCOMPARE(Tether::ServerConfig().maxTextBytes, 64 * 1024);
    config.maxTextBytes = 0;
    Three open(config);
    QVERIFY(open.ok);
    QCOMPARE(open.alice.sendMessage(str("lobby"), QString(100 * 1024, QLatin1Char('x'))).value(str("seq")).toInt(), 1);
    Three defaults;
    QVERIFY(defaults.ok);
    QVERIFY(!request(defaults.alice, frame("join", { { str("conversation"), str("c") } }), "joined").isEmpty());
    defaults.alice.send(frame("send", { { str("id"), str("big") }, { str("conversation"), str("c") },
                                        { str("text"), QString(64 * 1024 + 1, QLatin1Char('x')) } }));
    QCOMPARE(defaults.alice.waitFor(str("error")).value(str("code")).toString(), str("invalid_field"));
}

void TestServerAccess::userRateAcrossConnections()
{
    Tether::ServerConfig config;
    config.demo = true;
    config.userRatePerSecond = 0.5; // slow enough that the round trips below never refill a send
    config.userRateBurst = 3;
    Three t(config);
    QVERIFY(t.ok);
    Client alice2;
    QVERIFY(alice2.open(t.fixture.ws(), t.fixture.token(str("alice"))));
    // The burst is the user's, whichever connection spends it.
    QCOMPARE(t.alice.sendMessage(str("lobby"), str("1")).value(str("seq")).toInt(), 1);
    QCOMPARE(alice2.sendMessage(str("lobby"), str("2")).value(str("seq")).toInt(), 2);
    QCOMPARE(t.alice.sendMessage(str("lobby"), str("3")).value(str("seq")).toInt(), 3);
    alice2.send(frame("send", { { str("id"), str("over") }, { str("conversation"), str("lobby") }, { str("text"), str("4") } }));
    const QJsonObject limited = alice2.waitFor(str("error"));
    QCOMPARE(limited.value(str("code")).toString(), str("rate_limited"));
    QCOMPARE(limited.value(str("id")).toString(), str("over"));
    const qint64 retryAfter = qint64(limited.value(str("retry_after_ms")).toDouble());
    QVERIFY2(retryAfter > 0 && retryAfter <= 2000, qPrintable(QString::number(retryAfter)));
    // Another user is not affected.
    QCOMPARE(t.bob.sendMessage(str("lobby"), str("bob's")).value(str("seq")).toInt(), 4);
    // When the server said, the retry passes (same id: the refused send was not stored).
    QElapsedTimer waited;
    waited.start();
    QVERIFY(QTest::qWaitFor([&] { return waited.elapsed() > retryAfter + 20; }, kTimeout));
    QCOMPARE(alice2.sendMessage(str("lobby"), str("4"), str("over")).value(str("seq")).toInt(), 5);

    // 0 turns it off: far more than the default burst of 100 in one go.
    QCOMPARE(Tether::ServerConfig().userRatePerSecond, 20.0);
    QCOMPARE(Tether::ServerConfig().userRateBurst, 100.0);
    config.userRatePerSecond = 0;
    config.rateLimitPerSecond = 0;
    Three open(config);
    QVERIFY(open.ok);
    for (int i = 0; i < 150; ++i)
        open.alice.send(frame("send", { { str("id"), QStringLiteral("n%1").arg(i) }, { str("conversation"), str("lobby") },
                                        { str("text"), str("x") } }));
    QVERIFY(QTest::qWaitFor([&] { return open.alice.framesOfType(str("ack")).size() == 150; }, kTimeout));
    QVERIFY(open.alice.framesOfType(str("error")).isEmpty());
}

void TestServerAccess::conversationCreationIsLimited()
{
    Tether::ServerConfig config;
    config.conversationsPerHour = 2;
    Three t(config);
    QVERIFY(t.ok);
    QVERIFY(!request(t.alice, frame("join", { { str("conversation"), str("one") } }), "joined").isEmpty());
    QVERIFY(!request(t.alice, frame("join", { { str("conversation"), str("two") } }), "joined").isEmpty());
    const QJsonObject limited = request(t.alice, frame("join", { { str("conversation"), str("three") }, { str("id"), 3 } }), "error");
    QCOMPARE(limited.value(str("code")).toString(), str("rate_limited"));
    QCOMPARE(limited.value(str("id")).toInt(), 3);
    // Joining what exists is no creation; other users have their own allowance.
    QVERIFY(!request(t.alice, frame("join", { { str("conversation"), str("one") } }), "joined").isEmpty());
    QVERIFY(!request(t.bob, frame("join", { { str("conversation"), str("three") } }), "joined").isEmpty());
    QCOMPARE(request(t.alice, frame("join", { { str("conversation"), str("three") } }), "error").value(str("code")).toString(),
             str("forbidden"));
    QCOMPARE(Tether::ServerConfig().conversationsPerHour, 20);
}

QTEST_GUILESS_MAIN(TestServerAccess)
#include "tst_server_access.moc"
