// Every typed frame and HTTP body: toJson -> fromJson round trips, the exact wire shape, and
// rejection of malformed types, missing fields and over-limit values with the right error code.

#include "frames.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <functional>

using namespace Tether::Protocol;

namespace {
QJsonObject json(const char *text)
{
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray(text));
    Q_ASSERT(document.isObject());
    return document.object();
}

QString compact(const QJsonObject &o)
{
    return FrameCodec::encode(o);
}

// Runs T::fromJson and reports whether it accepted the object.
using Parser = std::function<bool(const QJsonObject &, FrameError *)>;
template<typename T>
Parser parser()
{
    return [](const QJsonObject &o, FrameError *e) { return T::fromJson(o, e).has_value(); };
}

const QHash<QString, Parser> &parsers()
{
    static const QHash<QString, Parser> table = {
        { QStringLiteral("auth"), parser<AuthFrame>() },
        { QStringLiteral("auth_ok"), parser<AuthOkFrame>() },
        { QStringLiteral("hello"), parser<HelloFrame>() },
        { QStringLiteral("welcome"), parser<WelcomeFrame>() },
        { QStringLiteral("send"), parser<SendFrame>() },
        { QStringLiteral("ack"), parser<AckFrame>() },
        { QStringLiteral("message"), parser<MessageFrame>() },
        { QStringLiteral("history request"), parser<HistoryRequestFrame>() },
        { QStringLiteral("history"), parser<HistoryFrame>() },
        { QStringLiteral("join"), parser<JoinFrame>() },
        { QStringLiteral("joined"), parser<JoinedFrame>() },
        { QStringLiteral("leave"), parser<LeaveFrame>() },
        { QStringLiteral("left"), parser<LeftFrame>() },
        { QStringLiteral("invite"), parser<InviteFrame>() },
        { QStringLiteral("members request"), parser<MembersRequestFrame>() },
        { QStringLiteral("members"), parser<MembersFrame>() },
        { QStringLiteral("typing"), parser<TypingFrame>() },
        { QStringLiteral("ping"), parser<PingFrame>() },
        { QStringLiteral("pong"), parser<PongFrame>() },
        { QStringLiteral("error"), parser<ErrorFrame>() },
        { QStringLiteral("goodbye"), parser<GoodbyeFrame>() },
        { QStringLiteral("synced"), parser<SyncedFrame>() },
        { QStringLiteral("token response"), parser<TokenResponse>() },
        { QStringLiteral("credentials"), parser<CredentialsRequest>() },
        { QStringLiteral("refresh"), parser<RefreshRequest>() },
        { QStringLiteral("health"), parser<HealthStatus>() },
        { QStringLiteral("http error"), parser<HttpErrorBody>() },
        { QStringLiteral("user"), parser<UserInfo>() },
        { QStringLiteral("conversation"), parser<ConversationInfo>() },
    };
    return table;
}
} // namespace

class TestProtocolFrames : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keysWorkWithQJsonObject();
    void auth();
    void hello();
    void welcome();
    void sendAckMessage();
    void history();
    void joinLeave();
    void inviteMembers();
    void typingPingPong();
    void errorFrame();
    void goodbye();
    void http();
    void rejects_data();
    void rejects();
};

void TestProtocolFrames::keysWorkWithQJsonObject()
{
    QJsonObject o{ { Key::Type, FrameType::Hello } };
    o.insert(Key::Conversation, QStringLiteral("lobby"));
    o[Key::Seq] = 3;
    QCOMPARE(o.value(Key::Type).toString(), QStringLiteral("hello"));
    QVERIFY(o.contains(Key::Conversation));
    QCOMPARE(o[Key::Seq].toInt(), 3);
    QVERIFY(o.value(Key::Type).toString() == FrameType::Hello);
    QCOMPARE(compact(o), QStringLiteral("{\"conversation\":\"lobby\",\"seq\":3,\"type\":\"hello\"}"));
}

void TestProtocolFrames::auth()
{
    AuthFrame auth;
    auth.token = QStringLiteral("a.b.c");
    QCOMPARE(compact(auth.toJson()), QStringLiteral("{\"token\":\"a.b.c\",\"type\":\"auth\"}"));
    QCOMPARE(AuthFrame::fromJson(auth.toJson())->token, auth.token);

    AuthOkFrame ok;
    ok.user = UserInfo{ QStringLiteral("alice"), QStringLiteral("Alice"), false };
    QCOMPARE(compact(ok.toJson()),
             QStringLiteral("{\"type\":\"auth_ok\",\"user\":{\"guest\":false,\"id\":\"alice\",\"name\":\"Alice\"}}"));
    const auto back = AuthOkFrame::fromJson(ok.toJson());
    QVERIFY(back);
    QCOMPARE(back->user.id, QStringLiteral("alice"));
    QCOMPARE(back->user.name, QStringLiteral("Alice"));
    QCOMPARE(back->user.guest, false);
    // A user without a name is named by its id.
    QCOMPARE(UserInfo::fromJson(json(R"({"id":"guest-1","guest":true})"))->name, QStringLiteral("guest-1"));
}

void TestProtocolFrames::hello()
{
    HelloFrame hello;
    hello.resume.insert(QStringLiteral("lobby"), 41);
    hello.resume.insert(QStringLiteral("echo"), 7);
    hello.guestKey = QStringLiteral("0123456789abcdef");
    hello.requestId = QStringLiteral("hello:1");
    QCOMPARE(compact(hello.toJson()),
             QStringLiteral("{\"guest_key\":\"0123456789abcdef\",\"id\":\"hello:1\",\"protocol\":1,"
                            "\"resume\":{\"echo\":7,\"lobby\":41},\"type\":\"hello\"}"));
    const auto back = HelloFrame::fromJson(hello.toJson());
    QVERIFY(back);
    QCOMPARE(back->protocol, 1);
    QCOMPARE(back->resume, hello.resume);
    QCOMPARE(back->guestKey, hello.guestKey);
    QCOMPARE(back->requestId, hello.requestId);

    // Minimal hello: no protocol, no resume, no id.
    const auto bare = HelloFrame::fromJson(json(R"({"type":"hello"})"));
    QVERIFY(bare);
    QCOMPARE(bare->protocol, 0);
    QVERIFY(bare->resume.isEmpty());
    QVERIFY(bare->requestId.isUndefined());
    // Odd resume values count as 0 and huge ones are clamped, never overflow.
    const auto odd = HelloFrame::fromJson(json(R"({"type":"hello","resume":{"a":"x","b":-4,"c":1e300,"d":2.9},"guest_key":5})"));
    QVERIFY(odd);
    QCOMPARE(odd->resume.value(QStringLiteral("a")), 0);
    QCOMPARE(odd->resume.value(QStringLiteral("b")), 0);
    QCOMPARE(odd->resume.value(QStringLiteral("c")), qint64(9007199254740992LL));
    QCOMPARE(odd->resume.value(QStringLiteral("d")), 2);
    QVERIFY(odd->guestKey.isEmpty());
    QVERIFY(HelloFrame::fromJson(json(R"({"type":"hello","resume":null})")));
}

void TestProtocolFrames::welcome()
{
    WelcomeFrame welcome;
    welcome.user = UserInfo{ QStringLiteral("guest-abc"), QStringLiteral("guest-abc"), true };
    welcome.conversations = { ConversationInfo{ QStringLiteral("lobby"), QStringLiteral("Lobby"), 45 },
                              ConversationInfo{ QStringLiteral("echo"), QStringLiteral("Echo"), 0 } };
    welcome.heartbeatMs = 20000;
    welcome.serverTime = 1763770000000;
    QCOMPARE(compact(welcome.toJson()),
             QStringLiteral("{\"conversations\":[{\"id\":\"lobby\",\"last_seq\":45,\"title\":\"Lobby\"},"
                            "{\"id\":\"echo\",\"last_seq\":0,\"title\":\"Echo\"}],\"heartbeat_ms\":20000,"
                            "\"protocol\":1,\"server_time\":1763770000000,\"type\":\"welcome\","
                            "\"user\":{\"guest\":true,\"id\":\"guest-abc\",\"name\":\"guest-abc\"}}"));
    const auto back = WelcomeFrame::fromJson(welcome.toJson());
    QVERIFY(back);
    QCOMPARE(back->protocol, 1);
    QCOMPARE(back->user.id, welcome.user.id);
    QVERIFY(back->user.guest);
    QCOMPARE(back->conversations.size(), 2);
    QCOMPARE(back->conversations.at(0).id, QStringLiteral("lobby"));
    QCOMPARE(back->conversations.at(0).title, QStringLiteral("Lobby"));
    QCOMPARE(back->conversations.at(0).lastSeq, 45);
    QCOMPARE(back->heartbeatMs, 20000);
    QCOMPARE(back->serverTime, welcome.serverTime);
    QCOMPARE(SyncedFrame().toJson(), json(R"({"type":"synced","more":[]})"));
    QVERIFY(SyncedFrame::fromJson(json(R"({"type":"synced"})")));
    QVERIFY(SyncedFrame::fromJson(json(R"({"type":"synced"})"))->more.isEmpty());
    SyncedFrame synced;
    synced.more = QStringList{ QStringLiteral("lobby"), QStringLiteral("team:1") };
    QCOMPARE(synced.toJson(), json(R"({"type":"synced","more":["lobby","team:1"]})"));
    QCOMPARE(SyncedFrame::fromJson(synced.toJson())->more, synced.more);
}

void TestProtocolFrames::sendAckMessage()
{
    SendFrame send{ QStringLiteral("6f1c"), QStringLiteral("lobby"), QStringLiteral("hi") };
    QCOMPARE(compact(send.toJson()),
             QStringLiteral("{\"conversation\":\"lobby\",\"id\":\"6f1c\",\"text\":\"hi\",\"type\":\"send\"}"));
    const auto sendBack = SendFrame::fromJson(send.toJson());
    QVERIFY(sendBack);
    QCOMPARE(sendBack->id, send.id);
    QCOMPARE(sendBack->conversation, send.conversation);
    QCOMPARE(sendBack->text, send.text);
    // The longest id is fine.
    send.id = QString(Limits::MaxClientIdLength, QLatin1Char('i'));
    QVERIFY(SendFrame::fromJson(send.toJson()));

    AckFrame ack{ QStringLiteral("6f1c"), QStringLiteral("lobby"), 46, 1763770001234 };
    QCOMPARE(compact(ack.toJson()),
             QStringLiteral("{\"conversation\":\"lobby\",\"id\":\"6f1c\",\"seq\":46,\"ts\":1763770001234,\"type\":\"ack\"}"));
    const auto ackBack = AckFrame::fromJson(ack.toJson());
    QVERIFY(ackBack);
    QCOMPARE(ackBack->seq, 46);
    QCOMPARE(ackBack->ts, ack.ts);

    MessageFrame m{ QStringLiteral("lobby"), 46, QStringLiteral("6f1c"), QStringLiteral("alice"),
                    QStringLiteral("hi \u00e9"), 1763770001234 };
    QCOMPARE(compact(m.toJson()),
             QString::fromUtf8("{\"conversation\":\"lobby\",\"from\":\"alice\",\"id\":\"6f1c\",\"seq\":46,"
                               "\"text\":\"hi \xc3\xa9\",\"ts\":1763770001234,\"type\":\"message\"}"));
    QVERIFY(!m.toJson(MessageFrame::Form::HistoryEntry).contains(Key::Type));
    for (const QJsonObject &o : { m.toJson(), m.toJson(MessageFrame::Form::HistoryEntry) }) {
        const auto back = MessageFrame::fromJson(o);
        QVERIFY(back);
        QCOMPARE(back->conversation, m.conversation);
        QCOMPARE(back->seq, m.seq);
        QCOMPARE(back->id, m.id);
        QCOMPARE(back->from, m.from);
        QCOMPARE(back->text, m.text);
        QCOMPARE(back->ts, m.ts);
    }
}

void TestProtocolFrames::history()
{
    HistoryRequestFrame request;
    request.conversation = QStringLiteral("lobby");
    request.after = 10;
    request.limit = 50;
    request.requestId = QStringLiteral("h1");
    QCOMPARE(compact(request.toJson()),
             QStringLiteral("{\"after\":10,\"conversation\":\"lobby\",\"id\":\"h1\",\"limit\":50,\"type\":\"history\"}"));
    const auto back = HistoryRequestFrame::fromJson(request.toJson());
    QVERIFY(back);
    QCOMPARE(back->after, 10);
    QCOMPARE(back->limit, 50);
    QCOMPARE(back->effectiveLimit(), 50);
    QCOMPARE(back->requestId, request.requestId);
    // Defaults and clamping, as v1 servers always did.
    const auto bare = HistoryRequestFrame::fromJson(json(R"({"type":"history","conversation":"x"})"));
    QCOMPARE(bare->after, 0);
    QCOMPARE(bare->effectiveLimit(), Limits::HistoryPageDefault);
    QCOMPARE(HistoryRequestFrame::fromJson(json(R"({"type":"history","conversation":"x","limit":100000})"))->effectiveLimit(),
             Limits::HistoryPageMax);
    QCOMPARE(HistoryRequestFrame::fromJson(json(R"({"type":"history","conversation":"x","limit":-3})"))->effectiveLimit(), 1);
    QCOMPARE(HistoryRequestFrame::fromJson(json(R"({"type":"history","conversation":"x","limit":"9","after":"4"})"))->effectiveLimit(),
             Limits::HistoryPageDefault);
    QCOMPARE(HistoryRequestFrame::fromJson(json(R"({"type":"history","conversation":"x","after":-4})"))->after, 0);
    HistoryRequestFrame unset;
    QCOMPARE(unset.effectiveLimit(), Limits::HistoryPageDefault);
    QVERIFY(!unset.toJson().contains(Key::Limit));

    HistoryFrame reply;
    reply.conversation = QStringLiteral("lobby");
    reply.messages = { MessageFrame{ QStringLiteral("lobby"), 11, QStringLiteral("a"), QStringLiteral("bob"),
                                     QStringLiteral("one"), 5 } };
    reply.hasMore = true;
    reply.requestId = 7;
    QCOMPARE(compact(reply.toJson()),
             QStringLiteral("{\"conversation\":\"lobby\",\"has_more\":true,\"id\":7,\"messages\":[{\"conversation\":"
                            "\"lobby\",\"from\":\"bob\",\"id\":\"a\",\"seq\":11,\"text\":\"one\",\"ts\":5}],\"type\":\"history\"}"));
    const auto replyBack = HistoryFrame::fromJson(reply.toJson());
    QVERIFY(replyBack);
    QCOMPARE(replyBack->messages.size(), 1);
    QCOMPARE(replyBack->messages.at(0).seq, 11);
    QVERIFY(replyBack->hasMore);
    QCOMPARE(replyBack->requestId.toInt(), 7);
    // An entry without "conversation" belongs to the reply's.
    const auto inherited = HistoryFrame::fromJson(
            json(R"({"type":"history","conversation":"c","messages":[{"seq":1,"id":"x","from":"a","text":"t","ts":1}]})"));
    QVERIFY(inherited);
    QCOMPARE(inherited->messages.at(0).conversation, QStringLiteral("c"));
    QVERIFY(!inherited->hasMore);
}

void TestProtocolFrames::joinLeave()
{
    JoinFrame join;
    join.conversation = QStringLiteral("team:a");
    join.title = QStringLiteral("Team A");
    join.requestId = QStringLiteral("j");
    QCOMPARE(compact(join.toJson()),
             QStringLiteral("{\"conversation\":\"team:a\",\"id\":\"j\",\"title\":\"Team A\",\"type\":\"join\"}"));
    const auto back = JoinFrame::fromJson(join.toJson());
    QVERIFY(back);
    QCOMPARE(back->title, join.title);
    QCOMPARE(back->effectiveTitle(), QStringLiteral("Team A"));
    const auto untitled = JoinFrame::fromJson(json(R"({"type":"join","conversation":"x","title":4})"));
    QVERIFY(untitled);
    QVERIFY(!untitled->title);
    QCOMPARE(untitled->effectiveTitle(), QStringLiteral("x"));
    JoinFrame longTitle;
    longTitle.title = QString(1000, QLatin1Char('t'));
    QCOMPARE(longTitle.effectiveTitle().size(), Limits::MaxTitleLength);

    JoinedFrame joined;
    joined.conversation = ConversationInfo{ QStringLiteral("team:a"), QStringLiteral("Team A"), 3 };
    joined.user = QStringLiteral("bob");
    QCOMPARE(compact(joined.toJson()),
             QStringLiteral("{\"conversation\":{\"id\":\"team:a\",\"last_seq\":3,\"title\":\"Team A\"},\"type\":\"joined\",\"user\":\"bob\"}"));
    const auto joinedBack = JoinedFrame::fromJson(joined.toJson());
    QVERIFY(joinedBack);
    QCOMPARE(joinedBack->conversation.lastSeq, 3);
    QCOMPARE(joinedBack->user, QStringLiteral("bob"));
    QVERIFY(joinedBack->requestId.isUndefined());

    LeaveFrame leave;
    leave.conversation = QStringLiteral("team:a");
    QCOMPARE(compact(leave.toJson()), QStringLiteral("{\"conversation\":\"team:a\",\"type\":\"leave\"}"));
    QCOMPARE(LeaveFrame::fromJson(leave.toJson())->conversation, leave.conversation);

    LeftFrame left;
    left.conversation = QStringLiteral("team:a");
    left.user = QStringLiteral("bob");
    left.requestId = QJsonValue(QJsonValue::Null); // echoed as given, even null
    QCOMPARE(compact(left.toJson()),
             QStringLiteral("{\"conversation\":\"team:a\",\"id\":null,\"type\":\"left\",\"user\":\"bob\"}"));
    QCOMPARE(LeftFrame::fromJson(left.toJson())->user, left.user);
}

void TestProtocolFrames::inviteMembers()
{
    InviteFrame invite;
    invite.conversation = QStringLiteral("team:a");
    invite.user = QStringLiteral("bob");
    invite.requestId = QStringLiteral("i1");
    QCOMPARE(compact(invite.toJson()),
             QStringLiteral("{\"conversation\":\"team:a\",\"id\":\"i1\",\"type\":\"invite\",\"user\":\"bob\"}"));
    const auto inviteBack = InviteFrame::fromJson(invite.toJson());
    QVERIFY(inviteBack);
    QCOMPARE(inviteBack->conversation, invite.conversation);
    QCOMPARE(inviteBack->user, invite.user);
    QCOMPARE(inviteBack->requestId, invite.requestId);

    MembersRequestFrame request;
    request.conversation = QStringLiteral("team:a");
    request.requestId = 7;
    QCOMPARE(compact(request.toJson()), QStringLiteral("{\"conversation\":\"team:a\",\"id\":7,\"type\":\"members\"}"));
    const auto requestBack = MembersRequestFrame::fromJson(request.toJson());
    QVERIFY(requestBack);
    QCOMPARE(requestBack->conversation, request.conversation);
    QCOMPARE(requestBack->requestId.toInt(), 7);

    MembersFrame reply;
    reply.conversation = QStringLiteral("team:a");
    reply.members = QStringList{ QStringLiteral("alice"), QStringLiteral("bob") };
    reply.requestId = 7;
    QCOMPARE(compact(reply.toJson()),
             QStringLiteral("{\"conversation\":\"team:a\",\"id\":7,\"members\":[\"alice\",\"bob\"],\"type\":\"members\"}"));
    const auto replyBack = MembersFrame::fromJson(reply.toJson());
    QVERIFY(replyBack);
    QCOMPARE(replyBack->members, reply.members);
    QCOMPARE(replyBack->requestId.toInt(), 7);
    const auto empty = MembersFrame::fromJson(json(R"({"type":"members","conversation":"c","members":[]})"));
    QVERIFY(empty);
    QVERIFY(empty->members.isEmpty());
}

void TestProtocolFrames::typingPingPong()
{
    TypingFrame typing;
    typing.conversation = QStringLiteral("lobby");
    QCOMPARE(compact(typing.toJson()), QStringLiteral("{\"conversation\":\"lobby\",\"type\":\"typing\"}"));
    typing.from = QStringLiteral("alice");
    QCOMPARE(compact(typing.toJson()), QStringLiteral("{\"conversation\":\"lobby\",\"from\":\"alice\",\"type\":\"typing\"}"));
    QCOMPARE(TypingFrame::fromJson(typing.toJson())->from, QStringLiteral("alice"));
    QCOMPARE(TypingFrame::fromJson(json(R"({"type":"typing","conversation":"c","from":1})"))->from, QString());

    PingFrame ping;
    QCOMPARE(compact(ping.toJson()), QStringLiteral("{\"type\":\"ping\"}"));
    ping.ts = QJsonObject{ { QStringLiteral("any"), QJsonArray{ 1, 2 } } };
    ping.requestId = 9;
    const auto pingBack = PingFrame::fromJson(ping.toJson());
    QVERIFY(pingBack);
    QCOMPARE(pingBack->ts, ping.ts);
    QCOMPARE(pingBack->requestId, ping.requestId);

    PongFrame pong;
    pong.ts = pingBack->ts;
    pong.requestId = pingBack->requestId;
    pong.serverTime = 1763770000000;
    QCOMPARE(compact(pong.toJson()),
             QStringLiteral("{\"id\":9,\"server_time\":1763770000000,\"ts\":{\"any\":[1,2]},\"type\":\"pong\"}"));
    const auto pongBack = PongFrame::fromJson(pong.toJson());
    QVERIFY(pongBack);
    QCOMPARE(pongBack->serverTime, pong.serverTime);
    QCOMPARE(pongBack->ts, pong.ts);
    PongFrame bare;
    QCOMPARE(compact(bare.toJson()), QStringLiteral("{\"server_time\":0,\"type\":\"pong\"}"));
}

void TestProtocolFrames::errorFrame()
{
    ErrorFrame error(ErrorCode::NotMember, QStringLiteral("not a member"), QStringLiteral("6f1c"));
    QCOMPARE(compact(error.toJson()),
             QStringLiteral("{\"code\":\"not_member\",\"id\":\"6f1c\",\"message\":\"not a member\",\"type\":\"error\"}"));
    const auto back = ErrorFrame::fromJson(error.toJson());
    QVERIFY(back);
    QCOMPARE(back->code, ErrorCode::NotMember);
    QCOMPARE(back->codeName, QStringLiteral("not_member"));
    QCOMPARE(back->message, error.message);
    QCOMPARE(back->requestId, error.requestId);
    // No id, and a null id, are both left out.
    QVERIFY(!ErrorFrame(ErrorCode::BadJson, QString()).toJson().contains(Key::Id));
    QVERIFY(!ErrorFrame(ErrorCode::BadJson, QString(), QJsonValue(QJsonValue::Null)).toJson().contains(Key::Id));
    // A code this build does not know survives the round trip by name.
    const auto future = ErrorFrame::fromJson(json(R"({"type":"error","code":"quota_exceeded","message":"m"})"));
    QVERIFY(future);
    QCOMPARE(future->code, ErrorCode::Unknown);
    QCOMPARE(future->wireCode(), QStringLiteral("quota_exceeded"));
    QCOMPARE(future->toJson().value(Key::Code).toString(), QStringLiteral("quota_exceeded"));
    QVERIFY(!future->retryAfterMs);

    // rate_limited says when a retry can pass.
    ErrorFrame limited(ErrorCode::RateLimited, QStringLiteral("slow down"), QStringLiteral("m1"));
    limited.retryAfterMs = 250;
    QCOMPARE(compact(limited.toJson()),
             QStringLiteral("{\"code\":\"rate_limited\",\"id\":\"m1\",\"message\":\"slow down\",\"retry_after_ms\":250,\"type\":\"error\"}"));
    QCOMPARE(ErrorFrame::fromJson(limited.toJson())->retryAfterMs, std::optional<qint64>(250));
    QVERIFY(!ErrorFrame::fromJson(json(R"({"type":"error","code":"rate_limited","retry_after_ms":"soon"})"))->retryAfterMs);
    QCOMPARE(ErrorFrame::fromJson(json(R"({"type":"error","code":"rate_limited","retry_after_ms":-5})"))->retryAfterMs,
             std::optional<qint64>(0));
    QCOMPARE(ErrorFrame::fromJson(json(R"({"type":"error","code":"id_reused"})"))->code, ErrorCode::IdReused);
}

void TestProtocolFrames::goodbye()
{
    const GoodbyeFrame restart = GoodbyeFrame::forClose(CloseCode::ServiceRestart, retryAfterReason(2345));
    QCOMPARE(compact(restart.toJson()),
             QStringLiteral("{\"code\":1012,\"reason\":\"{\\\"retry_after_ms\\\":2345}\",\"retry_after_ms\":2345,\"type\":\"goodbye\"}"));
    const auto back = GoodbyeFrame::fromJson(restart.toJson());
    QVERIFY(back);
    QCOMPARE(back->code, 1012);
    QCOMPARE(back->reason, restart.reason);
    QCOMPARE(back->retryAfterMs, std::optional<qint64>(2345));

    const GoodbyeFrame idle = GoodbyeFrame::forClose(CloseCode::GoingAway, QStringLiteral("idle timeout"));
    QCOMPARE(compact(idle.toJson()), QStringLiteral("{\"code\":1001,\"reason\":\"idle timeout\",\"type\":\"goodbye\"}"));
    QVERIFY(!GoodbyeFrame::fromJson(idle.toJson())->retryAfterMs);
    // Only the reason carries it: the client still finds it.
    const auto fromReason = GoodbyeFrame::fromJson(json(R"({"type":"goodbye","code":1012,"reason":"{\"retry_after_ms\":77}"})"));
    QCOMPARE(fromReason->retryAfterMs, std::optional<qint64>(77));
}

void TestProtocolFrames::http()
{
    TokenResponse tokens;
    tokens.accessToken = QStringLiteral("h.p.s");
    tokens.refreshToken = QStringLiteral("r");
    tokens.expiresIn = 0.25;
    tokens.user = UserInfo{ QStringLiteral("alice"), QStringLiteral("alice"), false };
    QCOMPARE(compact(tokens.toJson()),
             QStringLiteral("{\"access_token\":\"h.p.s\",\"expires_in\":0.25,\"refresh_token\":\"r\",\"token_type\":\"Bearer\","
                            "\"user\":{\"guest\":false,\"id\":\"alice\",\"name\":\"alice\"}}"));
    const auto back = TokenResponse::fromJson(tokens.toJson());
    QVERIFY(back);
    QCOMPARE(back->accessToken, tokens.accessToken);
    QCOMPARE(back->refreshToken, tokens.refreshToken);
    QCOMPARE(back->expiresIn, 0.25);
    QCOMPARE(back->tokenType, QStringLiteral("Bearer"));
    QCOMPARE(back->user.id, QStringLiteral("alice"));

    CredentialsRequest credentials{ QStringLiteral("alice"), QStringLiteral("pw") };
    QCOMPARE(compact(credentials.toJson()), QStringLiteral("{\"password\":\"pw\",\"username\":\"alice\"}"));
    QCOMPARE(CredentialsRequest::fromJson(credentials.toJson())->password, QStringLiteral("pw"));
    FrameError error;
    QVERIFY(!CredentialsRequest::fromJson(json(R"({"username":"alice"})"), &error));
    QCOMPARE(error.code, ErrorCode::MissingField);
    QCOMPARE(error.message, QStringLiteral("field \"password\" (non-empty string) is required"));

    RefreshRequest refresh{ QStringLiteral("r") };
    QCOMPARE(compact(refresh.toJson()), QStringLiteral("{\"refresh_token\":\"r\"}"));
    QCOMPARE(RefreshRequest::fromJson(refresh.toJson())->refreshToken, QStringLiteral("r"));

    HealthStatus health;
    health.version = QStringLiteral("0.1.0");
    health.uptimeS = 12.5;
    health.connections = 3;
    QCOMPARE(compact(health.toJson()),
             QStringLiteral("{\"connections\":3,\"status\":\"ok\",\"uptime_s\":12.5,\"version\":\"0.1.0\"}"));
    const auto healthBack = HealthStatus::fromJson(health.toJson());
    QCOMPARE(healthBack->status, QStringLiteral("ok"));
    QCOMPARE(healthBack->connections, 3);
    QCOMPARE(healthBack->uptimeS, 12.5);

    HttpErrorBody body(ErrorCode::InvalidCredentials, QStringLiteral("wrong user name or password"));
    QCOMPARE(compact(body.toJson()),
             QStringLiteral("{\"error\":\"invalid_credentials\",\"message\":\"wrong user name or password\"}"));
    QCOMPARE(HttpErrorBody::fromJson(body.toJson())->code, ErrorCode::InvalidCredentials);
}

void TestProtocolFrames::rejects_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("frame");
    QTest::addColumn<int>("code");
    const int missing = int(ErrorCode::MissingField);
    const int invalid = int(ErrorCode::InvalidField);
    const int wrongType = int(ErrorCode::UnknownType);
    auto row = [](const char *name, const char *kind, const char *frame, int code) {
        QTest::newRow(name) << QString::fromLatin1(kind) << QString::fromUtf8(frame) << code;
    };
    row("auth: no token", "auth", R"({"type":"auth"})", missing);
    row("auth: number token", "auth", R"({"type":"auth","token":5})", missing);
    row("auth: empty token", "auth", R"({"type":"auth","token":""})", invalid);
    row("auth: wrong type", "auth", R"({"type":"hello","token":"t"})", wrongType);
    row("auth: no type", "auth", R"({"token":"t"})", wrongType);
    row("auth_ok: no user", "auth_ok", R"({"type":"auth_ok"})", missing);
    row("auth_ok: user string", "auth_ok", R"({"type":"auth_ok","user":"alice"})", missing);
    row("hello: protocol 2", "hello", R"({"type":"hello","protocol":2})", invalid);
    row("hello: protocol string", "hello", R"({"type":"hello","protocol":"1"})", invalid);
    row("hello: protocol 1.5", "hello", R"({"type":"hello","protocol":1.5})", invalid);
    row("hello: resume array", "hello", R"({"type":"hello","resume":[1]})", missing);
    row("hello: resume number", "hello", R"({"type":"hello","resume":3})", missing);
    row("welcome: no user", "welcome", R"({"type":"welcome","conversations":[]})", missing);
    row("welcome: user without id", "welcome", R"({"type":"welcome","user":{"name":"x"},"conversations":[]})", missing);
    row("welcome: guest not bool", "welcome", R"({"type":"welcome","user":{"id":"x","guest":"yes"},"conversations":[]})", missing);
    row("welcome: no conversations", "welcome", R"({"type":"welcome","user":{"id":"x"}})", missing);
    row("welcome: bad conversation id", "welcome", R"({"type":"welcome","user":{"id":"x"},"conversations":[{"id":"a b"}]})", invalid);
    row("welcome: conversation not object", "welcome", R"({"type":"welcome","user":{"id":"x"},"conversations":[5]})", missing);
    row("welcome: heartbeat string", "welcome", R"({"type":"welcome","user":{"id":"x"},"conversations":[],"heartbeat_ms":"1"})", missing);
    row("send: no id", "send", R"({"type":"send","conversation":"c","text":"t"})", missing);
    row("send: id number", "send", R"({"type":"send","id":5,"conversation":"c","text":"t"})", missing);
    row("send: text number", "send", R"({"type":"send","id":"i","conversation":"c","text":5})", missing);
    row("send: conversation null", "send", R"({"type":"send","id":"i","conversation":null,"text":"t"})", missing);
    row("send: empty id", "send", R"({"type":"send","id":"","conversation":"c","text":"t"})", invalid);
    row("send: empty text", "send", R"({"type":"send","id":"i","conversation":"c","text":""})", invalid);
    QTest::newRow("send: id over 128")
            << QStringLiteral("send")
            << QStringLiteral("{\"type\":\"send\",\"id\":\"%1\",\"conversation\":\"c\",\"text\":\"t\"}")
                       .arg(QString(Limits::MaxClientIdLength + 1, QLatin1Char('i')))
            << invalid;
    row("ack: no id", "ack", R"({"type":"ack","seq":1})", missing);
    row("ack: seq 0", "ack", R"({"type":"ack","id":"i","seq":0})", invalid);
    row("ack: seq string", "ack", R"({"type":"ack","id":"i","seq":"1"})", missing);
    row("ack: ts string", "ack", R"({"type":"ack","id":"i","seq":1,"ts":"now"})", missing);
    row("message: no conversation", "message", R"({"type":"message","seq":1})", missing);
    row("message: empty conversation", "message", R"({"type":"message","conversation":"","seq":1})", invalid);
    row("message: no seq", "message", R"({"type":"message","conversation":"c"})", missing);
    row("message: negative seq", "message", R"({"type":"message","conversation":"c","seq":-1})", invalid);
    row("message: text object", "message", R"({"type":"message","conversation":"c","seq":1,"text":{}})", missing);
    row("message: wrong type", "message", R"({"type":"ack","conversation":"c","seq":1})", wrongType);
    row("history request: no conversation", "history request", R"({"type":"history"})", missing);
    row("history request: conversation number", "history request", R"({"type":"history","conversation":1})", missing);
    row("history: no messages", "history", R"({"type":"history","conversation":"c"})", missing);
    row("history: bad entry", "history", R"({"type":"history","conversation":"c","messages":[{"seq":0}]})", invalid);
    row("join: no conversation", "join", R"({"type":"join"})", missing);
    row("join: conversation number", "join", R"({"type":"join","conversation":7})", missing);
    row("join: empty id", "join", R"({"type":"join","conversation":""})", invalid);
    row("join: bad char", "join", R"({"type":"join","conversation":"a/b"})", invalid);
    QTest::newRow("join: id over 64") << QStringLiteral("join")
                                      << QStringLiteral("{\"type\":\"join\",\"conversation\":\"%1\"}").arg(QString(65, QLatin1Char('c')))
                                      << invalid;
    row("joined: conversation string", "joined", R"({"type":"joined","conversation":"c","user":"u"})", missing);
    row("joined: no user", "joined", R"({"type":"joined","conversation":{"id":"c"}})", missing);
    row("leave: no conversation", "leave", R"({"type":"leave"})", missing);
    row("left: no user", "left", R"({"type":"left","conversation":"c"})", missing);
    row("invite: no user", "invite", R"({"type":"invite","conversation":"c"})", missing);
    row("invite: user number", "invite", R"({"type":"invite","conversation":"c","user":3})", missing);
    row("invite: empty user", "invite", R"({"type":"invite","conversation":"c","user":""})", invalid);
    row("invite: no conversation", "invite", R"({"type":"invite","user":"bob"})", missing);
    row("invite: bad conversation", "invite", R"({"type":"invite","conversation":"a b","user":"bob"})", invalid);
    row("invite: wrong type", "invite", R"({"type":"join","conversation":"c","user":"bob"})", wrongType);
    row("members request: no conversation", "members request", R"({"type":"members"})", missing);
    row("members request: conversation array", "members request", R"({"type":"members","conversation":[]})", missing);
    row("members: no list", "members", R"({"type":"members","conversation":"c"})", missing);
    row("members: list of numbers", "members", R"({"type":"members","conversation":"c","members":[1]})", invalid);
    row("members: empty name", "members", R"({"type":"members","conversation":"c","members":[""]})", invalid);
    row("members: empty conversation", "members", R"({"type":"members","conversation":"","members":[]})", invalid);
    row("typing: no conversation", "typing", R"({"type":"typing"})", missing);
    row("ping: wrong type", "ping", R"({"type":"pong"})", wrongType);
    row("pong: server_time string", "pong", R"({"type":"pong","server_time":"x"})", missing);
    row("error: no code", "error", R"({"type":"error","message":"m"})", missing);
    row("error: empty code", "error", R"({"type":"error","code":""})", invalid);
    row("goodbye: no code", "goodbye", R"({"type":"goodbye"})", missing);
    row("goodbye: code string", "goodbye", R"({"type":"goodbye","code":"1012"})", missing);
    row("goodbye: code out of range", "goodbye", R"({"type":"goodbye","code":70000})", invalid);
    row("goodbye: reason number", "goodbye", R"({"type":"goodbye","code":1000,"reason":5})", missing);
    row("synced: wrong type", "synced", R"({"type":"welcome"})", wrongType);
    row("synced: more not an array", "synced", R"({"type":"synced","more":"lobby"})", missing);
    row("synced: more holds a number", "synced", R"({"type":"synced","more":[1]})", invalid);
    row("synced: more holds a bad id", "synced", R"({"type":"synced","more":["a b"]})", invalid);
    row("token response: no access token", "token response", R"({"refresh_token":"r","expires_in":1})", missing);
    row("token response: no refresh token", "token response", R"({"access_token":"a","expires_in":1})", missing);
    row("token response: expires_in string", "token response", R"({"access_token":"a","refresh_token":"r","expires_in":"1"})", missing);
    row("token response: negative expires_in", "token response", R"({"access_token":"a","refresh_token":"r","expires_in":-1})", missing);
    row("token response: user string", "token response", R"({"access_token":"a","refresh_token":"r","expires_in":1,"user":"u"})", missing);
    row("credentials: no username", "credentials", R"({"password":"p"})", missing);
    row("credentials: empty password", "credentials", R"({"username":"u","password":""})", missing);
    row("refresh: token number", "refresh", R"({"refresh_token":1})", missing);
    row("health: no status", "health", R"({"version":"1"})", missing);
    row("health: connections string", "health", R"({"status":"ok","connections":"3"})", missing);
    row("http error: no error", "http error", R"({"message":"m"})", missing);
    row("user: empty id", "user", R"({"id":""})", invalid);
    row("conversation: last_seq string", "conversation", R"({"id":"c","last_seq":"1"})", missing);
}

void TestProtocolFrames::rejects()
{
    QFETCH(QString, kind);
    QFETCH(QString, frame);
    QFETCH(int, code);
    const auto parse = parsers().value(kind);
    QVERIFY2(parse, qPrintable(kind));
    const QJsonDocument document = QJsonDocument::fromJson(frame.toUtf8());
    QVERIFY2(document.isObject(), qPrintable(frame));
    FrameError error;
    QVERIFY(!parse(document.object(), &error));
    QCOMPARE(int(error.code), code);
    QVERIFY(!error.message.isEmpty());
    // Refusing works without an error sink too.
    QVERIFY(!parse(document.object(), nullptr));
}

QTEST_APPLESS_MAIN(TestProtocolFrames)
#include "tst_protocol_frames.moc"
