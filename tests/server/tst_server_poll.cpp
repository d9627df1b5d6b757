// Long polling on the server (PollHub, PollSession): open with the /ws token rules, held polls,
// sends taken exactly once, frames both ways with WebSocket clients, bounds and hostile input,
// expiry, shutdown; and a plain GET /ws answered 426.

#include "servertestutil.h"

#include "endpoints.h"
#include "pollhub.h"
#include "protocollimits.h"

#include <QUrlQuery>

using namespace TestUtil;

namespace {

struct Reply
{
    int status = 0;
    QJsonObject body;
    QByteArray raw;
};

// One long-polling client over real HTTP requests, as a test drives it step by step.
class Poller
{
public:
    explicit Poller(const QUrl &base) : m_base(base) {}

    QUrl url(QLatin1String path, const QList<std::pair<QString, QString>> &items = {}) const
    {
        QUrl u = m_base;
        u.setPath(QString(path));
        QUrlQuery query;
        for (const auto &item : items)
            query.addQueryItem(item.first, item.second);
        u.setQuery(query);
        return u;
    }
    QNetworkReply *start(const QByteArray &method, const QUrl &url, const QByteArray &body = QByteArray(),
                         const QString &bearer = QString())
    {
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        if (!bearer.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + bearer.toLatin1());
        return m_manager.sendCustomRequest(request, method, body);
    }
    static Reply finish(QNetworkReply *reply)
    {
        Reply r;
        if (!reply->isFinished() && !QSignalSpy(reply, &QNetworkReply::finished).wait(kTimeout))
            return r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.raw = reply->readAll();
        r.body = QJsonDocument::fromJson(r.raw).object();
        reply->deleteLater();
        return r;
    }
    Reply request(const QByteArray &method, const QUrl &url, const QByteArray &body = QByteArray(),
                  const QString &bearer = QString())
    {
        return finish(start(method, url, body, bearer));
    }
    Reply open(const QString &bearer)
    {
        const Reply r = request("POST", url(Tether::Protocol::Path::PollOpen), QByteArray(), bearer);
        m_session = r.body.value(str("session")).toString();
        m_cursor = 0;
        return r;
    }
    Reply send(const QJsonArray &frames, qint64 seq = -1)
    {
        const qint64 s = seq > 0 ? seq : ++m_seq;
        return request("POST", url(Tether::Protocol::Path::PollSend, { { str("session"), m_session }, { str("seq"), QString::number(s) } }),
                       QJsonDocument(frames).toJson(QJsonDocument::Compact));
    }
    QNetworkReply *startPoll()
    {
        return start("GET", url(Tether::Protocol::Path::Poll, { { str("session"), m_session }, { str("cursor"), QString::number(m_cursor) } }));
    }
    // One poll: its frames are recorded and the cursor moves on.
    Reply poll() { return take(finish(startPoll())); }
    Reply take(const Reply &r)
    {
        if (r.status == 200) {
            for (const QJsonValue &f : r.body.value(str("frames")).toArray())
                m_frames.append(f.toObject());
            m_cursor = r.body.value(str("cursor")).toInteger();
            if (r.body.contains(str("close")))
                m_close = r.body.value(str("close")).toObject();
        }
        return r;
    }
    // Polls until a frame of this type arrived (after the ones already seen); empty on timeout.
    QJsonObject waitFor(const QString &type)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < kTimeout) {
            for (int i = m_seen; i < m_frames.size(); ++i) {
                if (m_frames[i].value(str("type")).toString() == type) {
                    m_seen = i + 1;
                    return m_frames[i];
                }
            }
            if (poll().status != 200)
                break;
        }
        return QJsonObject();
    }
    int count(const QString &type) const
    {
        int n = 0;
        for (const QJsonObject &f : m_frames)
            n += f.value(str("type")).toString() == type ? 1 : 0;
        return n;
    }
    QString session() const { return m_session; }
    QJsonObject closeInfo() const { return m_close; }
    qint64 cursor() const { return m_cursor; }

private:
    QUrl m_base;
    QNetworkAccessManager m_manager;
    QString m_session;
    qint64 m_cursor = 0;
    qint64 m_seq = 0;
    int m_seen = 0;
    QList<QJsonObject> m_frames;
    QJsonObject m_close;
};

QJsonObject hello()
{
    return QJsonObject{ { str("type"), str("hello") }, { str("protocol"), 1 } };
}

QJsonObject sendFrame(const QString &id, const QString &conversation, const QString &text)
{
    return QJsonObject{ { str("type"), str("send") }, { str("id"), id }, { str("conversation"), conversation }, { str("text"), text } };
}

Tether::ServerConfig pollConfig()
{
    Tether::ServerConfig config;
    config.demo = true;
    config.pollHoldMs = 400;
    return config;
}

} // namespace

class TestServerPoll : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void plainGetWsIsUpgradeRequired();
    void openFollowsTheTokenRules();
    void framesFlowBothWaysWithWebSocketClients();
    void pollIsHeldUntilThereIsSomething();
    void retriedSendIsTakenOnce();
    void lostAnswerIsPolledAgain();
    void hostileInputIsRefused();
    void sendsAreRateLimited();
    void sessionsExpireAndAreBounded();
    void sessionsPerAddressAreBounded();
    void shutdownSaysGoodbye();
};

void TestServerPoll::plainGetWsIsUpgradeRequired()
{
    Fixture f(pollConfig());
    QVERIFY(f.start());
    const HttpResult r = http("GET", f.url("/ws"));
    QCOMPARE(r.status, 426);
    QCOMPARE(r.body.value(str("error")).toString(), str("upgrade_required"));
    QCOMPARE(http("GET", f.url("/nowhere")).status, 404); // a wrong path is still a 404
}

void TestServerPoll::openFollowsTheTokenRules()
{
    Fixture f(pollConfig());
    QVERIFY(f.start());
    QVERIFY(f.server()->addUser(str("alice"), str("pw")));
    Poller p(f.server()->httpUrl());

    Reply r = p.open(f.token(str("alice"), 60000, 120000)); // expired
    QCOMPARE(r.status, 401);
    QCOMPARE(r.body.value(str("close_code")).toInt(), 4001);
    r = p.open(str("not.a.token"));
    QCOMPARE(r.status, 401);
    QCOMPARE(r.body.value(str("close_code")).toInt(), 4003);

    // The token in the query works as for /ws.
    r = p.request("POST", p.url(Tether::Protocol::Path::PollOpen, { { str("access_token"), f.token(str("alice")) } }));
    QCOMPARE(r.status, 200);
    QVERIFY(r.body.value(str("session")).toString().size() >= 32);
    QCOMPARE(r.body.value(str("hold_ms")).toInt(), 400);

    // Without a token (no guests), the first frame that is not auth ends it with 4003, as on /ws.
    QCOMPARE(p.open(QString()).status, 200);
    QCOMPARE(p.send(QJsonArray{ hello() }).status, 200);
    QVERIFY(!p.waitFor(str("goodbye")).isEmpty());
    QCOMPARE(p.closeInfo().value(str("code")).toInt(), 4003);
    QTRY_COMPARE_WITH_TIMEOUT(p.poll().status, 404, kTimeout); // gone once the close went out

    // An auth frame as the first frame works too.
    QCOMPARE(p.open(QString()).status, 200);
    QCOMPARE(p.send(QJsonArray{ QJsonObject{ { str("type"), str("auth") }, { str("token"), f.token(str("alice")) } }, hello() }).status, 200);
    QCOMPARE(p.waitFor(str("auth_ok")).value(str("user")).toObject().value(str("id")).toString(), str("alice"));
    QVERIFY(!p.waitFor(str("welcome")).isEmpty());
}

void TestServerPoll::framesFlowBothWaysWithWebSocketClients()
{
    Fixture f(pollConfig());
    QVERIFY(f.start());
    QVERIFY(f.server()->addUser(str("alice"), str("pw")));
    QVERIFY(f.server()->addUser(str("bob"), str("pw")));
    Poller alice(f.server()->httpUrl());
    QCOMPARE(alice.open(f.token(str("alice"))).status, 200);
    QCOMPARE(alice.send(QJsonArray{ hello() }).status, 200);
    QVERIFY(!alice.waitFor(str("welcome")).isEmpty());
    QVERIFY(!alice.waitFor(str("synced")).isEmpty());
    Client bob;
    QVERIFY(bob.open(f.ws(), f.token(str("bob"))));
    QVERIFY(!bob.hello().isEmpty());
    QCOMPARE(f.server()->connectionCount(), 2);

    // Long poll -> WebSocket.
    QCOMPARE(alice.send(QJsonArray{ sendFrame(str("a-1"), str("lobby"), str("from the poll")) }).status, 200);
    const QJsonObject ack = alice.waitFor(str("ack"));
    QCOMPARE(ack.value(str("id")).toString(), str("a-1"));
    const QJsonObject atBob = bob.waitFor(str("message"));
    QCOMPARE(atBob.value(str("text")).toString(), str("from the poll"));
    QCOMPARE(atBob.value(str("from")).toString(), str("alice"));

    // WebSocket -> long poll, held poll answered when it arrives.
    QNetworkReply *held = alice.startPoll();
    QCOMPARE(bob.sendMessage(str("lobby"), str("from the socket")).value(str("conversation")).toString(), str("lobby"));
    alice.take(Poller::finish(held));
    QJsonObject atAlice = alice.waitFor(str("message"));
    if (atAlice.value(str("text")).toString() == str("from the poll")) // its own, broadcast to it too
        atAlice = alice.waitFor(str("message"));
    QCOMPARE(atAlice.value(str("text")).toString(), str("from the socket"));
    QCOMPARE(atAlice.value(str("seq")).toInteger(), atBob.value(str("seq")).toInteger() + 1);

    // Ping -> pong through the poll.
    QCOMPARE(alice.send(QJsonArray{ QJsonObject{ { str("type"), str("ping") }, { str("ts"), 7 } } }).status, 200);
    QCOMPARE(alice.waitFor(str("pong")).value(str("ts")).toInt(), 7);

    // Closed by the client: the server forgets it at once.
    QCOMPARE(alice.request("POST", alice.url(Tether::Protocol::Path::PollClose, { { str("session"), alice.session() } })).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(f.server()->connectionCount(), 1, kTimeout);
    QCOMPARE(alice.poll().status, 404);
}

void TestServerPoll::pollIsHeldUntilThereIsSomething()
{
    Tether::ServerConfig config = pollConfig();
    config.pollHoldMs = 1500;
    Fixture f(config);
    QVERIFY(f.start());
    QVERIFY(f.server()->addUser(str("alice"), str("pw")));
    Poller p(f.server()->httpUrl());
    QCOMPARE(p.open(f.token(str("alice"))).status, 200);
    QElapsedTimer timer;
    timer.start();
    const Reply empty = p.poll();
    QCOMPARE(empty.status, 200);
    QVERIFY2(timer.elapsed() >= 1200, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(empty.body.value(str("frames")).toArray().size(), 0);
    QCOMPARE(empty.body.value(str("cursor")).toInteger(), 0);

    // A frame that arrives while the poll is held ends the hold at once.
    QNetworkReply *held = p.startPoll();
    QTRY_COMPARE_WITH_TIMEOUT(f.server()->pollHub().heldPolls(), 1, kTimeout);
    timer.restart();
    QCOMPARE(p.send(QJsonArray{ QJsonObject{ { str("type"), str("ping") } } }).status, 200);
    const Reply answered = p.take(Poller::finish(held));
    QCOMPARE(answered.status, 200);
    QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(p.count(str("pong")), 1);

    // A second poll replaces the held one, which is answered (empty) at once.
    QNetworkReply *first = p.startPoll();
    QTRY_COMPARE_WITH_TIMEOUT(f.server()->pollHub().heldPolls(), 1, kTimeout);
    QNetworkReply *second = p.startPoll();
    const Reply replaced = Poller::finish(first);
    QCOMPARE(replaced.status, 200);
    QCOMPARE(replaced.body.value(str("frames")).toArray().size(), 0);
    QCOMPARE(Poller::finish(second).status, 200);
}

void TestServerPoll::retriedSendIsTakenOnce()
{
    Fixture f(pollConfig());
    QVERIFY(f.start());
    QVERIFY(f.server()->addUser(str("alice"), str("pw")));
    Poller p(f.server()->httpUrl());
    QCOMPARE(p.open(f.token(str("alice"))).status, 200);
    QCOMPARE(p.send(QJsonArray{ hello() }).status, 200);
    QVERIFY(!p.waitFor(str("synced")).isEmpty());
    const QJsonArray batch{ sendFrame(str("once-1"), str("lobby"), str("one")), QJsonObject{ { str("type"), str("ping") } } };
    Reply r = p.send(batch, 100);
    QCOMPARE(r.body.value(str("accepted")).toInt(), 2);
    r = p.send(batch, 100); // the same request again: its answer was "lost"
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.value(str("duplicate")).toBool(), true);
    QCOMPARE(r.body.value(str("accepted")).toInt(), 0);
    QVERIFY(!p.waitFor(str("ack")).isEmpty());
    // A new batch with the same message id (a resend after a reconnect) is deduplicated by id.
    QCOMPARE(p.send(QJsonArray{ sendFrame(str("once-1"), str("lobby"), str("one")) }, 101).status, 200);
    QVERIFY(!p.waitFor(str("ack")).isEmpty());
    QCOMPARE(p.send(QJsonArray{ QJsonObject{ { str("type"), str("ping") } } }, 102).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT((p.poll(), p.count(str("pong"))), 2, kTimeout);
    QCOMPARE(p.count(str("message")), 1); // the broadcast of it, once
    Client bob;
    QVERIFY(f.server()->addUser(str("bob"), str("pw")));
    QVERIFY(bob.open(f.ws(), f.token(str("bob"))));
    bob.send(QJsonObject{ { str("type"), str("history") }, { str("conversation"), str("lobby") } });
    const QJsonObject history = bob.waitFor(str("history"));
    QCOMPARE(history.value(str("messages")).toArray().size(), 1);
}

void TestServerPoll::lostAnswerIsPolledAgain()
{
    Fixture f(pollConfig());
    QVERIFY(f.start());
    QVERIFY(f.server()->addUser(str("alice"), str("pw")));
    Poller p(f.server()->httpUrl());
    QCOMPARE(p.open(f.token(str("alice"))).status, 200);
    QCOMPARE(p.send(QJsonArray{ hello() }).status, 200);
    // The same cursor twice gives the same frames: nothing is dropped before the next cursor says so.
    const QUrl again = p.url(Tether::Protocol::Path::Poll, { { str("session"), p.session() }, { str("cursor"), str("0") } });
    Reply first = p.request("GET", again);
    QCOMPARE(first.status, 200);
    QVERIFY(!first.body.value(str("frames")).toArray().isEmpty());
    const Reply second = p.request("GET", again);
    QCOMPARE(second.body.value(str("frames")).toArray().first(), first.body.value(str("frames")).toArray().first());
    // A cursor ahead of what was sent is refused.
    const QUrl ahead = p.url(Tether::Protocol::Path::Poll, { { str("session"), p.session() }, { str("cursor"), str("999") } });
    QCOMPARE(p.request("GET", ahead).status, 400);
}

void TestServerPoll::hostileInputIsRefused()
{
    Fixture f(pollConfig());
    QVERIFY(f.start());
    QVERIFY(f.server()->addUser(str("alice"), str("pw")));
    Poller p(f.server()->httpUrl());
    QCOMPARE(p.open(f.token(str("alice"))).status, 200);
    const QString s = p.session();
    QCOMPARE(p.request("GET", p.url(Tether::Protocol::Path::PollOpen)).status, 405);
    QCOMPARE(p.request("POST", p.url(Tether::Protocol::Path::Poll, { { str("session"), s }, { str("cursor"), str("0") } })).status, 405);
    QCOMPARE(p.request("GET", p.url(Tether::Protocol::Path::Poll, { { str("session"), str("guess") }, { str("cursor"), str("0") } })).status, 404);
    QCOMPARE(p.request("GET", p.url(Tether::Protocol::Path::Poll, { { str("session"), s }, { str("cursor"), str("-1") } })).status, 400);
    QCOMPARE(p.request("GET", p.url(Tether::Protocol::Path::Poll, { { str("session"), s }, { str("cursor"), str("x") } })).status, 400);
    const QUrl send = p.url(Tether::Protocol::Path::PollSend, { { str("session"), s }, { str("seq"), str("1") } });
    QCOMPARE(p.request("POST", send, "{not json").status, 400);
    QCOMPARE(p.request("POST", send, "{\"type\":\"ping\"}").status, 400); // an object, not an array
    QCOMPARE(p.request("POST", p.url(Tether::Protocol::Path::PollSend, { { str("session"), s } }), "[]").status, 400); // no seq
    QJsonArray tooMany;
    for (int i = 0; i <= Tether::Protocol::Limits::MaxPollBatchFrames; ++i)
        tooMany.append(QJsonObject{ { str("type"), str("ping") } });
    QCOMPARE(p.request("POST", send, QJsonDocument(tooMany).toJson()).status, 413);
    QCOMPARE(p.request("POST", send, QByteArray(70 * 1024, '[')).status, 413);
    // Elements that are not frames get the answer a WebSocket text frame would get.
    QCOMPARE(p.request("POST", send, "[42, \"text\", {\"type\":\"nope\"}]").body.value(str("accepted")).toInt(), 3);
    QVERIFY(!p.waitFor(str("error")).isEmpty());
    QCOMPARE(p.count(str("error")) + (p.poll(), 0) >= 1, true);
    QTRY_VERIFY_WITH_TIMEOUT((p.poll(), p.count(str("error")) == 3), kTimeout);
    QCOMPARE(f.server()->connectionCount(), 1); // still alive
}

void TestServerPoll::sendsAreRateLimited()
{
    Tether::ServerConfig config = pollConfig();
    config.rateLimitPerSecond = 1;
    config.rateLimitBurst = 5;
    config.rateLimitMaxViolations = 1000;
    Fixture f(config);
    QVERIFY(f.start());
    QVERIFY(f.server()->addUser(str("alice"), str("pw")));
    Poller p(f.server()->httpUrl());
    QCOMPARE(p.open(f.token(str("alice"))).status, 200);
    QJsonArray pings;
    for (int i = 0; i < 20; ++i)
        pings.append(QJsonObject{ { str("type"), str("ping") }, { str("ts"), i } });
    QCOMPARE(p.send(pings).status, 200);
    QTRY_VERIFY_WITH_TIMEOUT((p.poll(), p.count(str("pong")) + p.count(str("error")) == 20), kTimeout);
    QVERIFY2(p.count(str("pong")) <= 6, qPrintable(QString::number(p.count(str("pong")))));
    QVERIFY(p.count(str("error")) >= 14);
}

void TestServerPoll::sessionsExpireAndAreBounded()
{
    Tether::ServerConfig config = pollConfig();
    config.pollExpiryMs = 300;
    config.maxPollSessions = 2;
    Fixture f(config);
    QVERIFY(f.start());
    QVERIFY(f.server()->addUser(str("alice"), str("pw")));
    Poller a(f.server()->httpUrl());
    Poller b(f.server()->httpUrl());
    Poller c(f.server()->httpUrl());
    QCOMPARE(a.open(f.token(str("alice"))).status, 200);
    QCOMPARE(b.open(f.token(str("alice"))).status, 200);
    const Reply refused = c.open(f.token(str("alice")));
    QCOMPARE(refused.status, 503);
    QCOMPARE(refused.body.value(str("error")).toString(), str("server_busy"));
    // Not polled: both go, and there is room again.
    QTRY_COMPARE_WITH_TIMEOUT(f.server()->connectionCount(), 0, kTimeout);
    QCOMPARE(a.poll().status, 404);
    QCOMPARE(c.open(f.token(str("alice"))).status, 200);
}

void TestServerPoll::sessionsPerAddressAreBounded()
{
    Tether::ServerConfig config = pollConfig();
    config.maxPerAddress = 2;
    Fixture f(config);
    QVERIFY(f.start());
    QVERIFY(f.server()->addUser(str("alice"), str("pw")));
    Poller a(f.server()->httpUrl());
    QCOMPARE(a.open(f.token(str("alice"))).status, 200);
    QCOMPARE(a.open(f.token(str("alice"))).status, 200);
    const Reply refused = a.open(f.token(str("alice")));
    QCOMPARE(refused.status, 503);
    QVERIFY(refused.body.value(str("message")).toString().contains(str("address")));
}

void TestServerPoll::shutdownSaysGoodbye()
{
    Fixture f(pollConfig());
    QVERIFY(f.start());
    QVERIFY(f.server()->addUser(str("alice"), str("pw")));
    Poller p(f.server()->httpUrl());
    QCOMPARE(p.open(f.token(str("alice"))).status, 200);
    QNetworkReply *held = p.startPoll();
    QTRY_COMPARE_WITH_TIMEOUT(f.server()->pollHub().heldPolls(), 1, kTimeout);
    QSignalSpy finished(f.server(), &Tether::ChatServer::finished);
    f.server()->shutdown();
    p.take(Poller::finish(held));
    if (p.closeInfo().isEmpty())
        p.poll();
    QCOMPARE(p.closeInfo().value(str("code")).toInt(), 1012);
    QCOMPARE(p.count(str("goodbye")), 1);
    QVERIFY(finished.count() == 1 || finished.wait(kTimeout));
}

QTEST_GUILESS_MAIN(TestServerPoll)
#include "tst_server_poll.moc"
