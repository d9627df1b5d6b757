// Chat protocol conformance: hello/welcome/synced, send/ack/broadcast, gap-free seqs, dedupe,
// resume, persistence across a restart, history, join/leave/typing, echo bot, bad input.

#include "servertestutil.h"

#include <QRegularExpression>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>

using namespace TestUtil;

class TestServerChat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void welcomeListsConversations();
    void sendAckBroadcast();
    void seqIsGapFreeAcrossSenders();
    void dedupeRetriedIds();
    void guestKeyGivesStableIdentity();
    void resumeReturnsExactlyMissed();
    void resumeMissingConversationMeansAll();
    void persistenceAcrossRestart();
    void sendDuringReplay();
    void noBroadcastBeforeHello();
    void history();
    void joinLeaveTyping();
    void echoBot();
    void pingPong();
    void badInput();
    void fanOut();
    void storageFailureKeepsSeqGapFree();
};

namespace {
struct TwoUsers
{
    Fixture fixture;
    Client alice;
    Client bob;
    bool ok = false;

    explicit TwoUsers(Tether::ServerConfig config = Tether::ServerConfig()) : fixture(config)
    {
        if (!fixture.start() || !fixture.server()->addUser(str("alice"), str("pw"))
            || !fixture.server()->addUser(str("bob"), str("pw")))
            return;
        ok = connectBoth();
    }
    // alice creates the private "room" and invites bob (docs/protocol.md, access control).
    bool connectBoth()
    {
        return alice.open(fixture.ws(), fixture.token(str("alice"))) && bob.open(fixture.ws(), fixture.token(str("bob")))
                && join(alice, str("room")) && invite(alice, str("room"), str("bob")) && !alice.hello().isEmpty()
                && !bob.hello().isEmpty();
    }
    static bool join(Client &c, const QString &conversation)
    {
        c.send(QJsonObject{ { str("type"), str("join") }, { str("conversation"), conversation } });
        return !c.waitFor(str("joined")).isEmpty();
    }
    static bool invite(Client &c, const QString &conversation, const QString &user)
    {
        c.send(QJsonObject{ { str("type"), str("invite") }, { str("conversation"), conversation }, { str("user"), user } });
        return c.waitFor(str("joined")).value(str("user")).toString() == user;
    }
};
} // namespace

void TestServerChat::welcomeListsConversations()
{
    Tether::ServerConfig config;
    config.allowGuests = true;
    config.demo = true;
    Fixture f(config);
    QVERIFY(f.start());
    Client c;
    QVERIFY(c.open(f.ws()));
    const QJsonObject welcome = c.hello();
    QCOMPARE(welcome.value(str("protocol")).toInt(), 1);
    QStringList ids;
    for (const QJsonValue &v : welcome.value(str("conversations")).toArray()) {
        ids.append(v.toObject().value(str("id")).toString());
        QVERIFY(v.toObject().contains(str("title")));
        QCOMPARE(v.toObject().value(str("last_seq")).toInt(-1), 0);
    }
    ids.sort();
    QCOMPARE(ids, (QStringList{ str("echo"), str("lobby") }));
    QCOMPARE(welcome.value(str("heartbeat_ms")).toInt(), config.idleTimeoutMs / 3);
}

void TestServerChat::sendAckBroadcast()
{
    TwoUsers t;
    QVERIFY(t.ok);
    t.alice.send(QJsonObject{ { str("type"), str("send") }, { str("id"), str("m-1") },
                              { str("conversation"), str("room") }, { str("text"), str("hello bob") } });
    const QJsonObject ack = t.alice.waitFor(str("ack"));
    QCOMPARE(ack.value(str("id")).toString(), str("m-1"));
    QCOMPARE(ack.value(str("seq")).toInt(), 1);
    QCOMPARE(ack.value(str("conversation")).toString(), str("room"));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QVERIFY(qAbs(qint64(ack.value(str("ts")).toDouble()) - now) < 60000);

    for (Client *c : { &t.alice, &t.bob }) {
        const QJsonObject m = c->waitFor(str("message"));
        QCOMPARE(m.value(str("conversation")).toString(), str("room"));
        QCOMPARE(m.value(str("seq")).toInt(), 1);
        QCOMPARE(m.value(str("id")).toString(), str("m-1"));
        QCOMPARE(m.value(str("from")).toString(), str("alice"));
        QCOMPARE(m.value(str("text")).toString(), str("hello bob"));
        QCOMPARE(m.value(str("ts")), ack.value(str("ts")));
    }
    // The sender sees its ack before its own broadcast.
    int ackIndex = -1, messageIndex = -1;
    for (int i = 0; i < t.alice.frames().size(); ++i) {
        const QString type = t.alice.frames()[i].value(str("type")).toString();
        if (type == QLatin1String("ack") && ackIndex < 0)
            ackIndex = i;
        if (type == QLatin1String("message") && messageIndex < 0)
            messageIndex = i;
    }
    QVERIFY(ackIndex >= 0 && ackIndex < messageIndex);
}

void TestServerChat::seqIsGapFreeAcrossSenders()
{
    TwoUsers t;
    QVERIFY(t.ok);
    constexpr int perUser = 30;
    for (int i = 0; i < perUser; ++i) {
        t.alice.send(QJsonObject{ { str("type"), str("send") }, { str("id"), QStringLiteral("a%1").arg(i) },
                                  { str("conversation"), str("room") }, { str("text"), str("x") } });
        t.bob.send(QJsonObject{ { str("type"), str("send") }, { str("id"), QStringLiteral("b%1").arg(i) },
                                { str("conversation"), str("room") }, { str("text"), str("y") } });
    }
    QVERIFY(QTest::qWaitFor([&] { return t.bob.framesOfType(str("message")).size() == 2 * perUser; }, kTimeout));
    QList<int> seqs;
    for (const QJsonObject &m : t.bob.framesOfType(str("message")))
        seqs.append(m.value(str("seq")).toInt());
    for (int i = 0; i < seqs.size(); ++i)
        QCOMPARE(seqs[i], i + 1); // broadcast order == seq order, no gaps, no repeats
    QCOMPARE(t.alice.framesOfType(str("ack")).size(), perUser);
}

void TestServerChat::dedupeRetriedIds()
{
    TwoUsers t;
    QVERIFY(t.ok);
    const QJsonObject first = t.alice.sendMessage(str("room"), str("once"), str("dup-1"));
    QCOMPARE(first.value(str("seq")).toInt(), 1);
    const QJsonObject second = t.alice.sendMessage(str("room"), str("once"), str("dup-1"));
    QCOMPARE(second.value(str("seq")).toInt(), 1);
    QCOMPARE(second.value(str("ts")), first.value(str("ts")));
    // From another connection of the same user too.
    Client again;
    QVERIFY(again.open(t.fixture.ws(), t.fixture.token(str("alice"))));
    QCOMPARE(again.sendMessage(str("room"), str("once"), str("dup-1")).value(str("seq")).toInt(), 1);
    // A fresh id proves the stream moved on by exactly one.
    QCOMPARE(t.alice.sendMessage(str("room"), str("next")).value(str("seq")).toInt(), 2);
    QVERIFY(QTest::qWaitFor([&] { return t.bob.framesOfType(str("message")).size() == 2; }, kTimeout));
    QCOMPARE(t.bob.framesOfType(str("message")).at(0).value(str("id")).toString(), str("dup-1"));
    QCOMPARE(t.bob.framesOfType(str("message")).at(1).value(str("seq")).toInt(), 2);
    // The same id from a different user is a different message.
    QCOMPARE(t.bob.sendMessage(str("room"), str("bob's"), str("dup-1")).value(str("seq")).toInt(), 3);
    // Dedupe survives a restart.
    t.alice.socket().abort();
    t.bob.socket().abort();
    QVERIFY(t.fixture.start());
    Client later;
    QVERIFY(later.open(t.fixture.ws(), t.fixture.token(str("alice"))));
    QCOMPARE(later.sendMessage(str("room"), str("once"), str("dup-1")).value(str("seq")).toInt(), 1);
    QCOMPARE(later.sendMessage(str("room"), str("fresh")).value(str("seq")).toInt(), 4);
}

// A guest that loses its connection before the ack resends under the same identity, so the
// server recognises the retry: exactly-once holds for guests too.
void TestServerChat::guestKeyGivesStableIdentity()
{
    Tether::ServerConfig config;
    config.allowGuests = true;
    config.demo = true;
    Fixture f(config);
    QVERIFY(f.start());
    const QString key = str("0123456789abcdef-guest-secret");
    const auto helloWithKey = [](Client &c, const QString &guestKey) {
        c.send(QJsonObject{ { str("type"), str("hello") }, { str("protocol"), 1 }, { str("guest_key"), guestKey } });
        return c.waitFor(str("welcome")).value(str("user")).toObject();
    };

    Client first;
    QVERIFY(first.open(f.ws()));
    const QJsonObject user = helloWithKey(first, key);
    QVERIFY(user.value(str("guest")).toBool());
    const QString id = user.value(str("id")).toString();
    QVERIFY2(id.startsWith(str("guest-")), qPrintable(id));
    QVERIFY(!id.contains(key)); // only a hash of the secret is shown
    // 128 bits of the hash: 32 hex digits, so no other key can be found that gives this id.
    QCOMPARE(id.size(), 6 + 32);
    QVERIFY(QRegularExpression(str("^guest-[0-9a-f]{32}$")).match(id).hasMatch());
    QCOMPARE(first.sendMessage(str("lobby"), str("from a train"), str("g-1")).value(str("seq")).toInt(), 1);
    first.socket().abort();

    Client second;
    QVERIFY(second.open(f.ws()));
    QCOMPARE(helloWithKey(second, key).value(str("id")).toString(), id);
    QCOMPARE(second.sendMessage(str("lobby"), str("from a train"), str("g-1")).value(str("seq")).toInt(), 1);

    // Another key, or none, is another guest: the same client id is then a new message.
    Client stranger;
    QVERIFY(stranger.open(f.ws()));
    const QString strangerId = helloWithKey(stranger, str("another-secret-key-of-a-guest")).value(str("id")).toString();
    QVERIFY(strangerId != id);
    QCOMPARE(stranger.sendMessage(str("lobby"), str("mine"), str("g-1")).value(str("seq")).toInt(), 2);
    Client anonymous;
    QVERIFY(anonymous.open(f.ws()));
    const QString shortKeyId = helloWithKey(anonymous, str("short")).value(str("id")).toString();
    QVERIFY(shortKeyId != id && shortKeyId.startsWith(str("guest-")));
    QCOMPARE(shortKeyId.size(), 6 + 32); // a keyless guest's random id is as wide
    Client anonymous2;
    QVERIFY(anonymous2.open(f.ws()));
    QVERIFY(helloWithKey(anonymous2, QString()).value(str("id")).toString() != shortKeyId);
}

void TestServerChat::resumeReturnsExactlyMissed()
{
    TwoUsers t;
    QVERIFY(t.ok);
    for (int i = 1; i <= 3; ++i)
        QCOMPARE(t.bob.sendMessage(str("room"), QStringLiteral("before %1").arg(i)).value(str("seq")).toInt(), i);
    QVERIFY(QTest::qWaitFor([&] { return t.alice.framesOfType(str("message")).size() == 3; }, kTimeout));
    t.alice.socket().close();
    QVERIFY(t.alice.waitClosed());
    for (int i = 4; i <= 6; ++i)
        QCOMPARE(t.bob.sendMessage(str("room"), QStringLiteral("missed %1").arg(i)).value(str("seq")).toInt(), i);

    Client back;
    QVERIFY(back.open(t.fixture.ws(), t.fixture.token(str("alice"))));
    const QJsonObject welcome = back.hello(QJsonObject{ { str("room"), 3 } });
    QVERIFY(!welcome.isEmpty());
    for (const QJsonValue &v : welcome.value(str("conversations")).toArray()) {
        if (v.toObject().value(str("id")).toString() == QLatin1String("room"))
            QCOMPARE(v.toObject().value(str("last_seq")).toInt(), 6);
    }
    // Exactly 4, 5, 6 between welcome and synced, in order.
    QList<int> seqs;
    bool afterWelcome = false;
    for (const QJsonObject &f : back.frames()) {
        const QString type = f.value(str("type")).toString();
        if (type == QLatin1String("welcome"))
            afterWelcome = true;
        else if (type == QLatin1String("synced"))
            break;
        else if (afterWelcome && type == QLatin1String("message"))
            seqs.append(f.value(str("seq")).toInt());
    }
    QCOMPARE(seqs, (QList<int>{ 4, 5, 6 }));
    QCOMPARE(back.framesOfType(str("message")).at(0).value(str("text")).toString(), str("missed 4"));

    // Up to date: nothing replayed.
    Client current;
    QVERIFY(current.open(t.fixture.ws(), t.fixture.token(str("alice"))));
    QVERIFY(!current.hello(QJsonObject{ { str("room"), 6 } }).isEmpty());
    QVERIFY(current.framesOfType(str("message")).isEmpty());
}

void TestServerChat::resumeMissingConversationMeansAll()
{
    TwoUsers t;
    QVERIFY(t.ok);
    for (int i = 0; i < 4; ++i)
        t.bob.sendMessage(str("room"), str("m"));
    Client fresh;
    QVERIFY(fresh.open(t.fixture.ws(), t.fixture.token(str("alice"))));
    QVERIFY(!fresh.hello().isEmpty());
    QCOMPARE(fresh.framesOfType(str("message")).size(), 4);
}

void TestServerChat::persistenceAcrossRestart()
{
    TwoUsers t;
    QVERIFY(t.ok);
    QStringList texts;
    for (int i = 1; i <= 5; ++i) {
        texts.append(QStringLiteral("persist %1 ✓").arg(i));
        QCOMPARE(t.alice.sendMessage(str("room"), texts.last()).value(str("seq")).toInt(), i);
    }
    t.fixture.stop(); // destroy the server; same files, new ChatServer
    QVERIFY(t.alice.waitClosed());
    QVERIFY(t.fixture.start());
    Client c;
    QVERIFY(c.open(t.fixture.ws(), t.fixture.token(str("bob"))));
    QVERIFY(!c.hello(QJsonObject{ { str("room"), 0 } }).isEmpty());
    const QList<QJsonObject> replay = c.framesOfType(str("message"));
    QCOMPARE(replay.size(), 5);
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(replay[i].value(str("seq")).toInt(), i + 1);
        QCOMPARE(replay[i].value(str("text")).toString(), texts[i]);
        QCOMPARE(replay[i].value(str("from")).toString(), str("alice"));
    }
    // Membership survived and the seq continues.
    QCOMPARE(c.sendMessage(str("room"), str("after restart")).value(str("seq")).toInt(), 6);
}

void TestServerChat::sendDuringReplay()
{
    TwoUsers t;
    QVERIFY(t.ok);
    for (int i = 0; i < 50; ++i)
        t.bob.send(QJsonObject{ { str("type"), str("send") }, { str("id"), QStringLiteral("r%1").arg(i) },
                                { str("conversation"), str("room") }, { str("text"), QString(200, QLatin1Char('z')) } });
    QVERIFY(QTest::qWaitFor([&] { return t.bob.framesOfType(str("ack")).size() == 50; }, kTimeout));

    // hello and send written back to back: the send lands while the replay is being produced.
    Client c;
    QVERIFY(c.open(t.fixture.ws(), t.fixture.token(str("alice"))));
    c.send(QJsonObject{ { str("type"), str("hello") }, { str("protocol"), 1 }, { str("resume"), QJsonObject{ { str("room"), 0 } } } });
    c.send(QJsonObject{ { str("type"), str("send") }, { str("id"), str("during") }, { str("conversation"), str("room") },
                        { str("text"), str("sent during replay") } });
    const QJsonObject ack = c.waitFor(str("ack"));
    QCOMPARE(ack.value(str("seq")).toInt(), 51);
    QVERIFY(QTest::qWaitFor([&] { return c.framesOfType(str("message")).size() == 51; }, kTimeout));
    // Every seq exactly once, in order; synced before the new message.
    const QList<QJsonObject> messages = c.framesOfType(str("message"));
    for (int i = 0; i < messages.size(); ++i)
        QCOMPARE(messages[i].value(str("seq")).toInt(), i + 1);
    int syncedIndex = -1, duringIndex = -1;
    for (int i = 0; i < c.frames().size(); ++i) {
        if (c.frames()[i].value(str("type")).toString() == QLatin1String("synced"))
            syncedIndex = i;
        if (c.frames()[i].value(str("id")).toString() == QLatin1String("during") && duringIndex < 0)
            duringIndex = i;
    }
    QVERIFY(syncedIndex >= 0 && syncedIndex < duringIndex);
    // The other member got it once too.
    QVERIFY(QTest::qWaitFor([&] { return t.bob.framesOfType(str("message")).size() == 51; }, kTimeout));
}

void TestServerChat::noBroadcastBeforeHello()
{
    TwoUsers t;
    QVERIFY(t.ok);
    Client early;
    QVERIFY(early.open(t.fixture.ws(), t.fixture.token(str("alice"))));
    QCOMPARE(t.bob.sendMessage(str("room"), str("one")).value(str("seq")).toInt(), 1);
    // Round trip on the early connection: anything broadcast would have arrived before the pong.
    early.send(QJsonObject{ { str("type"), str("ping") } });
    QVERIFY(!early.waitFor(str("pong")).isEmpty());
    QVERIFY(early.framesOfType(str("message")).isEmpty());
    QVERIFY(!early.hello(QJsonObject{ { str("room"), 0 } }).isEmpty());
    QCOMPARE(early.framesOfType(str("message")).size(), 1);
}

void TestServerChat::history()
{
    TwoUsers t;
    QVERIFY(t.ok);
    for (int i = 1; i <= 7; ++i)
        t.alice.sendMessage(str("room"), QStringLiteral("h%1").arg(i));
    t.alice.send(QJsonObject{ { str("type"), str("history") }, { str("id"), str("q1") }, { str("conversation"), str("room") },
                              { str("after"), 2 }, { str("limit"), 3 } });
    const QJsonObject page = t.alice.waitFor(str("history"));
    QCOMPARE(page.value(str("id")).toString(), str("q1"));
    QCOMPARE(page.value(str("conversation")).toString(), str("room"));
    const QJsonArray messages = page.value(str("messages")).toArray();
    QCOMPARE(messages.size(), 3);
    QCOMPARE(messages[0].toObject().value(str("seq")).toInt(), 3);
    QCOMPARE(messages[2].toObject().value(str("seq")).toInt(), 5);
    QCOMPARE(messages[0].toObject().value(str("text")).toString(), str("h3"));
    QVERIFY(page.value(str("has_more")).toBool());
    t.alice.send(QJsonObject{ { str("type"), str("history") }, { str("conversation"), str("room") }, { str("after"), 5 } });
    const QJsonObject rest = t.alice.waitFor(str("history"));
    QCOMPARE(rest.value(str("messages")).toArray().size(), 2);
    QVERIFY(!rest.value(str("has_more")).toBool());
}

void TestServerChat::joinLeaveTyping()
{
    TwoUsers t;
    QVERIFY(t.ok);
    // typing goes to the other members, not back to the typist.
    t.alice.send(QJsonObject{ { str("type"), str("typing") }, { str("conversation"), str("room") } });
    const QJsonObject typing = t.bob.waitFor(str("typing"));
    QCOMPARE(typing.value(str("from")).toString(), str("alice"));
    QCOMPARE(typing.value(str("conversation")).toString(), str("room"));
    t.alice.send(QJsonObject{ { str("type"), str("ping") } });
    QVERIFY(!t.alice.waitFor(str("pong")).isEmpty());
    QVERIFY(t.alice.framesOfType(str("typing")).isEmpty());

    // A new conversation is bob's and private: alice gets in by bob's invitation, and hears it.
    QVERIFY(TwoUsers::join(t.bob, str("side")));
    t.bob.skipAll();
    t.alice.skipAll();
    QVERIFY(TwoUsers::invite(t.bob, str("side"), str("alice")));
    const QJsonObject joined = t.alice.waitFor(str("joined"));
    QCOMPARE(joined.value(str("user")).toString(), str("alice"));
    QCOMPARE(joined.value(str("conversation")).toObject().value(str("id")).toString(), str("side"));

    t.alice.send(QJsonObject{ { str("type"), str("leave") }, { str("conversation"), str("side") } });
    QCOMPARE(t.alice.waitFor(str("left")).value(str("conversation")).toString(), str("side"));
    QCOMPARE(t.bob.waitFor(str("left")).value(str("user")).toString(), str("alice"));
    t.alice.send(QJsonObject{ { str("type"), str("send") }, { str("id"), str("x1") }, { str("conversation"), str("side") },
                              { str("text"), str("gone") } });
    const QJsonObject error = t.alice.waitFor(str("error"));
    QCOMPARE(error.value(str("code")).toString(), str("not_member"));
    QCOMPARE(error.value(str("id")).toString(), str("x1"));
    // Leaving again or a bad conversation id are errors, not silence.
    t.alice.send(QJsonObject{ { str("type"), str("leave") }, { str("conversation"), str("side") } });
    QCOMPARE(t.alice.waitFor(str("error")).value(str("code")).toString(), str("not_member"));
    t.alice.send(QJsonObject{ { str("type"), str("join") }, { str("conversation"), str("bad id!") } });
    QCOMPARE(t.alice.waitFor(str("error")).value(str("code")).toString(), str("invalid_field"));
}

void TestServerChat::echoBot()
{
    Tether::ServerConfig config;
    config.allowGuests = true;
    config.demo = true;
    Fixture f(config);
    QVERIFY(f.start());
    Client guest, other;
    QVERIFY(guest.open(f.ws()));
    QVERIFY(other.open(f.ws()));
    QVERIFY(!guest.hello().isEmpty());
    QVERIFY(!other.hello().isEmpty());
    const QJsonObject ack = guest.sendMessage(str("echo"), str("marco"));
    QCOMPARE(ack.value(str("seq")).toInt(), 1);
    QVERIFY(QTest::qWaitFor([&] { return guest.framesOfType(str("message")).size() == 2; }, kTimeout));
    const QJsonObject reply = guest.framesOfType(str("message")).at(1);
    QCOMPARE(reply.value(str("from")).toString(), str("echo-bot"));
    QCOMPARE(reply.value(str("text")).toString(), str("marco"));
    QCOMPARE(reply.value(str("seq")).toInt(), 2);
    QVERIFY(!reply.value(str("id")).toString().isEmpty());
    QVERIFY(QTest::qWaitFor([&] { return other.framesOfType(str("message")).size() == 2; }, kTimeout));
    // lobby: guests are members; no bot there.
    guest.skipAll();
    QCOMPARE(other.sendMessage(str("lobby"), str("hi all")).value(str("seq")).toInt(), 1);
    const QJsonObject lobby = guest.waitFor(str("message"));
    QCOMPARE(lobby.value(str("conversation")).toString(), str("lobby"));
    QCOMPARE(lobby.value(str("text")).toString(), str("hi all"));
    QVERIFY(lobby.value(str("from")).toString().startsWith(str("guest-")));
    // The public demo conversations cannot be left.
    guest.send(QJsonObject{ { str("type"), str("leave") }, { str("conversation"), str("lobby") } });
    QCOMPARE(guest.waitFor(str("error")).value(str("code")).toString(), str("forbidden"));
}

void TestServerChat::pingPong()
{
    Tether::ServerConfig config;
    config.allowGuests = true;
    Fixture f(config);
    QVERIFY(f.start());
    Client c;
    QVERIFY(c.open(f.ws()));
    c.send(QJsonObject{ { str("type"), str("ping") }, { str("ts"), 12345 } });
    const QJsonObject pong = c.waitFor(str("pong"));
    QCOMPARE(pong.value(str("ts")).toInt(), 12345);
    QVERIFY(pong.value(str("server_time")).toDouble() > 0);
    c.send(QJsonObject{ { str("type"), str("ping") }, { str("ts"), str("opaque") } });
    QCOMPARE(c.waitFor(str("pong")).value(str("ts")).toString(), str("opaque"));
}

void TestServerChat::badInput()
{
    TwoUsers t;
    QVERIFY(t.ok);
    Client &c = t.alice;
    struct Case { QString raw; const char *code; const char *id; };
    const QList<Case> cases = {
        { str("{not json"), "bad_json", nullptr },
        { str("[1,2,3]"), "bad_json", nullptr },
        { str("\"text\""), "bad_json", nullptr },
        { str("{}"), "unknown_type", nullptr },
        { str("{\"type\":\"launch_missiles\",\"id\":\"u1\"}"), "unknown_type", "u1" },
        { str("{\"type\":42}"), "unknown_type", nullptr },
        { str("{\"type\":\"send\",\"id\":\"s1\"}"), "missing_field", "s1" },
        { str("{\"type\":\"send\",\"id\":\"s2\",\"conversation\":\"room\"}"), "missing_field", "s2" },
        { str("{\"type\":\"send\",\"id\":\"s3\",\"conversation\":\"room\",\"text\":7}"), "missing_field", "s3" },
        { str("{\"type\":\"send\",\"conversation\":\"room\",\"text\":\"no id\"}"), "missing_field", nullptr },
        { str("{\"type\":\"send\",\"id\":\"s4\",\"conversation\":\"room\",\"text\":\"\"}"), "invalid_field", "s4" },
        { str("{\"type\":\"send\",\"id\":\"s5\",\"conversation\":\"nope\",\"text\":\"hi\"}"), "not_member", "s5" },
        { str("{\"type\":\"history\",\"id\":\"h1\"}"), "missing_field", "h1" },
        { str("{\"type\":\"history\",\"id\":\"h2\",\"conversation\":\"nope\"}"), "not_member", "h2" },
        { str("{\"type\":\"typing\",\"conversation\":\"nope\"}"), "not_member", nullptr },
        { str("{\"type\":\"join\"}"), "missing_field", nullptr },
        { str("{\"type\":\"hello\",\"protocol\":99}"), "invalid_field", nullptr },
        { str("{\"type\":\"hello\",\"resume\":[1]}"), "missing_field", nullptr },
        { str("{\"type\":\"auth\",\"token\":\"x\"}"), "forbidden", nullptr },
    };
    // A conversation bob is in and alice is not.
    QVERIFY(TwoUsers::join(t.bob, str("private")));
    c.skipAll();
    for (const Case &bad : cases) {
        c.sendRaw(bad.raw);
        const QJsonObject error = c.waitFor(str("error"));
        QVERIFY2(error.value(str("code")).toString() == str(bad.code),
                 qPrintable(bad.raw + QStringLiteral(" -> ") + error.value(str("code")).toString()));
        QVERIFY(!error.value(str("message")).toString().isEmpty());
        if (bad.id)
            QCOMPARE(error.value(str("id")).toString(), str(bad.id));
    }
    c.send(QJsonObject{ { str("type"), str("send") }, { str("id"), str("p1") }, { str("conversation"), str("private") },
                        { str("text"), str("sneak") } });
    QCOMPARE(c.waitFor(str("error")).value(str("code")).toString(), str("not_member"));
    c.socket().sendBinaryMessage(QByteArrayLiteral("\x01\x02"));
    QCOMPARE(c.waitFor(str("error")).value(str("code")).toString(), str("bad_json"));
    // Nothing was stored and the connection is still fine.
    QVERIFY(!c.isClosed());
    QCOMPARE(c.sendMessage(str("room"), str("still here")).value(str("seq")).toInt(), 1);
    QCOMPARE(t.bob.waitFor(str("message")).value(str("text")).toString(), str("still here"));
}

void TestServerChat::fanOut()
{
    Tether::ServerConfig config;
    config.allowGuests = true;
    config.demo = true;
    Fixture f(config);
    QVERIFY(f.start());
    constexpr int clients = 8;
    constexpr int perClient = 25;
    std::vector<std::unique_ptr<Client>> all;
    for (int i = 0; i < clients; ++i) {
        all.push_back(std::make_unique<Client>());
        QVERIFY(all.back()->open(f.ws()));
        QVERIFY(!all.back()->hello().isEmpty());
    }
    for (int n = 0; n < perClient; ++n) {
        for (int i = 0; i < clients; ++i)
            all[i]->send(QJsonObject{ { str("type"), str("send") }, { str("id"), QStringLiteral("c%1-%2").arg(i).arg(n) },
                                      { str("conversation"), str("lobby") }, { str("text"), QString::number(n) } });
    }
    for (auto &c : all) {
        QVERIFY(QTest::qWaitFor([&] { return c->framesOfType(str("message")).size() == clients * perClient; }, kTimeout));
        const QList<QJsonObject> messages = c->framesOfType(str("message"));
        QSet<QString> ids;
        for (int i = 0; i < messages.size(); ++i) {
            QCOMPARE(messages[i].value(str("seq")).toInt(), i + 1);
            ids.insert(messages[i].value(str("id")).toString());
        }
        QCOMPARE(ids.size(), clients * perClient);
        QCOMPARE(c->framesOfType(str("ack")).size(), perClient);
        QVERIFY(c->framesOfType(str("error")).isEmpty());
    }
}

void TestServerChat::storageFailureKeepsSeqGapFree()
{
    TwoUsers t;
    QVERIFY(t.ok);
    QCOMPARE(t.alice.sendMessage(str("room"), str("fine")).value(str("seq")).toInt(), 1);
    {
        // Inject a write failure from a second connection to the same file.
        QSqlDatabase db = QSqlDatabase::addDatabase(str("QSQLITE"), str("injector"));
        db.setDatabaseName(t.fixture.config().databasePath);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(str("CREATE TRIGGER inject BEFORE INSERT ON messages WHEN NEW.text = 'boom' "
                           "BEGIN SELECT RAISE(ABORT, 'injected failure'); END")));
        db.close();
    }
    QSqlDatabase::removeDatabase(str("injector"));
    t.alice.send(QJsonObject{ { str("type"), str("send") }, { str("id"), str("b1") }, { str("conversation"), str("room") },
                              { str("text"), str("boom") } });
    const QJsonObject error = t.alice.waitFor(str("error"));
    QCOMPARE(error.value(str("code")).toString(), str("storage_error"));
    QCOMPARE(error.value(str("id")).toString(), str("b1"));
    QVERIFY(t.alice.framesOfType(str("ack")).size() == 1);
    // The failed write did not use up a seq, and the id is free for a retry.
    QCOMPARE(t.alice.sendMessage(str("room"), str("after")).value(str("seq")).toInt(), 2);
    QCOMPARE(t.alice.sendMessage(str("room"), str("retry with other text"), str("b1")).value(str("seq")).toInt(), 3);
    QVERIFY(QTest::qWaitFor([&] { return t.bob.framesOfType(str("message")).size() == 3; }, kTimeout));
    QCOMPARE(t.bob.framesOfType(str("message")).at(1).value(str("text")).toString(), str("after"));
    QVERIFY(!t.alice.isClosed());
}

QTEST_GUILESS_MAIN(TestServerChat)
#include "tst_server_chat.moc"
