// FrameDecoder on hostile and well-formed server text: every malformed frame of a type the chat
// layer acts on is a protocol error with a message, types it does not act on are ignored, and
// nothing a server sends can make it crash.

#include "framedecoder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using Tether::FrameDecoder;
namespace Protocol = Tether::Protocol;

namespace {

QString json(const QJsonObject &o) { return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)); }
QString s(const char *latin1) { return QString::fromLatin1(latin1); }

QJsonObject messageObject(qint64 seq)
{
    return {{s("type"), s("message")}, {s("conversation"), s("room")}, {s("seq"), seq}, {s("id"), s("m-1")},
            {s("from"), s("bob")}, {s("text"), s("hi")}, {s("ts"), 1700000000000.0}};
}

} // namespace

class TestFrameDecoder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void malformed_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("not json") << s("this is not json");
        QTest::newRow("empty") << QString();
        QTest::newRow("array") << s("[1,2,3]");
        QTest::newRow("number") << s("42");
        QTest::newRow("truncated") << s("{\"type\":\"message\",\"seq\":");
        QTest::newRow("message without seq") << json({{s("type"), s("message")}, {s("text"), s("no seq")}});
        QTest::newRow("message seq 0") << s("{\"type\":\"message\",\"conversation\":\"room\",\"seq\":0}");
        QTest::newRow("message seq string") << s("{\"type\":\"message\",\"conversation\":\"room\",\"seq\":\"5\"}");
        QTest::newRow("message text number") << s("{\"type\":\"message\",\"conversation\":\"room\",\"seq\":5,\"text\":5}");
        QTest::newRow("message without conversation") << s("{\"type\":\"message\",\"seq\":5}");
        QTest::newRow("ack without id") << s("{\"type\":\"ack\",\"seq\":3}");
        QTest::newRow("ack without seq") << s("{\"type\":\"ack\",\"id\":\"x\"}");
        QTest::newRow("error without code") << s("{\"type\":\"error\",\"message\":\"?\"}");
        QTest::newRow("welcome without user") << s("{\"type\":\"welcome\",\"conversations\":[]}");
        QTest::newRow("welcome conversations object") << s("{\"type\":\"welcome\",\"user\":{\"id\":\"a\"},\"conversations\":{}}");
        QTest::newRow("welcome bad conversation id") << s("{\"type\":\"welcome\",\"user\":{\"id\":\"a\"},\"conversations\":[{\"id\":\"no spaces\"}]}");
        QTest::newRow("history without messages") << s("{\"type\":\"history\",\"conversation\":\"room\"}");
        QTest::newRow("history bad entry") << s("{\"type\":\"history\",\"conversation\":\"room\",\"messages\":[{\"seq\":-1}]}");
        QTest::newRow("joined without conversation") << s("{\"type\":\"joined\",\"user\":\"bob\"}");
        QTest::newRow("left without user") << s("{\"type\":\"left\",\"conversation\":\"room\"}");
        QTest::newRow("typing without conversation") << s("{\"type\":\"typing\",\"from\":\"bob\"}");
    }

    void malformed()
    {
        QFETCH(QString, text);
        const FrameDecoder::Result result = FrameDecoder::decode(text);
        QVERIFY(result.isError());
        QVERIFY(!result.isIgnored());
        QVERIFY(std::holds_alternative<std::monostate>(result.frame));
        QVERIFY(result.error.startsWith(QLatin1String("the server sent")));
    }

    void malformedAnswerNamesItsRequest()
    {
        const auto result = FrameDecoder::decode(
                s("{\"type\":\"history\",\"id\":\"h:4\",\"conversation\":\"room\",\"messages\":[{\"seq\":\"x\"}]}"));
        QVERIFY(result.isError());
        QCOMPARE(result.requestId, s("h:4"));
        QVERIFY(FrameDecoder::decode(s("{\"type\":\"ack\",\"id\":7}")).requestId.isEmpty());
    }

    void ignored_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("auth_ok") << s("{\"type\":\"auth_ok\"}");
        QTest::newRow("pong") << s("{\"type\":\"pong\",\"ts\":1}");
        QTest::newRow("goodbye") << s("{\"type\":\"goodbye\",\"code\":1012}");
        QTest::newRow("from the future") << s("{\"type\":\"from-the-future\"}");
        QTest::newRow("no type") << s("{\"seq\":1}");
        QTest::newRow("type not a string") << s("{\"type\":7}");
    }

    void ignored()
    {
        QFETCH(QString, text);
        const FrameDecoder::Result result = FrameDecoder::decode(text);
        QVERIFY(result.isIgnored());
        QVERIFY(!result.isError());
    }

    void hostileTypeIsCut()
    {
        const QString type(100000, QLatin1Char('t'));
        const FrameDecoder::Result result = FrameDecoder::decode(json({{s("type"), type}}));
        QVERIFY(result.isIgnored());
        QCOMPARE(result.type.size(), 64);
    }

    void message()
    {
        const FrameDecoder::Result result = FrameDecoder::decode(json(messageObject(7)));
        QVERIFY(!result.isError());
        const auto *m = std::get_if<Protocol::MessageFrame>(&result.frame);
        QVERIFY(m);
        QCOMPARE(m->conversation, s("room"));
        QCOMPARE(m->seq, qint64(7));
        QCOMPARE(m->id, s("m-1"));
        QCOMPARE(m->from, s("bob"));
        QCOMPARE(m->text, s("hi"));
        QCOMPARE(m->ts, qint64(1700000000000));
    }

    void hugeSeqIsClamped()
    {
        QJsonObject o = messageObject(1);
        o.insert(s("seq"), 1e300);
        const auto result = FrameDecoder::decode(json(o));
        const auto *m = std::get_if<Protocol::MessageFrame>(&result.frame);
        QVERIFY(m);
        QVERIFY(m->seq > 0);
        QVERIFY(m->seq <= (qint64(1) << 53));
    }

    void ackAndError()
    {
        const auto ack = FrameDecoder::decode(s("{\"type\":\"ack\",\"id\":\"x\",\"seq\":3,\"ts\":5}"));
        const auto *a = std::get_if<Protocol::AckFrame>(&ack.frame);
        QVERIFY(a);
        QCOMPARE(a->id, s("x"));
        QCOMPARE(a->seq, qint64(3));

        const auto error = FrameDecoder::decode(s("{\"type\":\"error\",\"code\":\"rate_limited\",\"message\":\"slow\",\"id\":\"h:1\"}"));
        const auto *e = std::get_if<Protocol::ErrorFrame>(&error.frame);
        QVERIFY(e);
        QCOMPARE(e->code, Protocol::ErrorCode::RateLimited);
        QCOMPARE(e->wireCode(), s("rate_limited"));
        QCOMPARE(e->requestId.toString(), s("h:1"));

        // A code this build does not know is kept as spelled.
        const auto unknown = FrameDecoder::decode(s("{\"type\":\"error\",\"code\":\"brand_new\"}"));
        const auto *u = std::get_if<Protocol::ErrorFrame>(&unknown.frame);
        QVERIFY(u);
        QCOMPARE(u->code, Protocol::ErrorCode::Unknown);
        QCOMPARE(u->wireCode(), s("brand_new"));
    }

    void welcome()
    {
        const QJsonObject o{{s("type"), s("welcome")}, {s("protocol"), 1},
                            {s("user"), QJsonObject{{s("id"), s("guest-7")}, {s("name"), s("Guest")}, {s("guest"), true}}},
                            {s("conversations"), QJsonArray{QJsonObject{{s("id"), s("lobby")}, {s("title"), s("Lobby")},
                                                                        {s("last_seq"), 45}}}}};
        const auto result = FrameDecoder::decode(json(o));
        const auto *w = std::get_if<Protocol::WelcomeFrame>(&result.frame);
        QVERIFY(w);
        QCOMPARE(w->user.id, s("guest-7"));
        QVERIFY(w->user.guest);
        QCOMPARE(w->conversations.size(), 1);
        QCOMPARE(w->conversations.first().lastSeq, qint64(45));
    }

    void historyEntriesBelongToTheReply()
    {
        QJsonObject entry = messageObject(4);
        entry.remove(s("type"));
        entry.remove(s("conversation"));
        const QJsonObject o{{s("type"), s("history")}, {s("conversation"), s("room")}, {s("id"), s("h:9")},
                            {s("messages"), QJsonArray{entry}}, {s("has_more"), true}};
        const auto result = FrameDecoder::decode(json(o));
        const auto *h = std::get_if<Protocol::HistoryFrame>(&result.frame);
        QVERIFY(h);
        QCOMPARE(h->messages.size(), 1);
        QCOMPARE(h->messages.first().conversation, s("room"));
        QVERIFY(h->hasMore);
        QCOMPARE(h->requestId.toString(), s("h:9"));
    }

    void membershipAndTyping()
    {
        QVERIFY(std::holds_alternative<Protocol::SyncedFrame>(FrameDecoder::decode(s("{\"type\":\"synced\"}")).frame));
        const auto joined = FrameDecoder::decode(
                s("{\"type\":\"joined\",\"conversation\":{\"id\":\"r\",\"title\":\"R\",\"last_seq\":2},\"user\":\"bob\"}"));
        QVERIFY(std::holds_alternative<Protocol::JoinedFrame>(joined.frame));
        const auto left = FrameDecoder::decode(s("{\"type\":\"left\",\"conversation\":\"r\",\"user\":\"bob\"}"));
        QVERIFY(std::holds_alternative<Protocol::LeftFrame>(left.frame));
        const auto typing = FrameDecoder::decode(s("{\"type\":\"typing\",\"conversation\":\"r\",\"from\":\"bob\"}"));
        const auto *t = std::get_if<Protocol::TypingFrame>(&typing.frame);
        QVERIFY(t);
        QCOMPARE(t->from, s("bob"));
    }
};

QTEST_GUILESS_MAIN(TestFrameDecoder)
#include "tst_framedecoder.moc"
