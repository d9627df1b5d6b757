// Close codes with their meaning, the retry_after_ms close reason, the wire error codes, the
// limits and the frame codec.

#include "closecode.h"
#include "errorcode.h"
#include "framecodec.h"
#include "protocollimits.h"

#include <QTest>

using namespace Tether::Protocol;

class TestProtocolCodes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void closeCodeTable_data();
    void closeCodeTable();
    void unknownCloseCodes();
    void retryAfterReason();
    void retryAfterRejects_data();
    void retryAfterRejects();
    void errorCodeNames();
    void conversationIds_data();
    void conversationIds();
    void clientIdsAndGuestKeys();
    void codec();
};

void TestProtocolCodes::closeCodeTable_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<int>("value");
    QTest::addColumn<QString>("meaning");
    QTest::newRow("1000") << int(CloseCode::Normal) << 1000 << QStringLiteral("normal close");
    QTest::newRow("1001") << int(CloseCode::GoingAway) << 1001 << QStringLiteral("going away");
    QTest::newRow("1002") << int(CloseCode::ProtocolError) << 1002 << QStringLiteral("protocol error");
    QTest::newRow("1006") << int(CloseCode::Abnormal) << 1006 << QStringLiteral("abnormal close (no close frame)");
    QTest::newRow("1008") << int(CloseCode::PolicyViolated) << 1008 << QStringLiteral("policy violation");
    QTest::newRow("1009") << int(CloseCode::TooBig) << 1009 << QStringLiteral("message too big");
    QTest::newRow("1011") << int(CloseCode::InternalError) << 1011 << QStringLiteral("server error");
    QTest::newRow("1012") << int(CloseCode::ServiceRestart) << 1012 << QStringLiteral("server restarting");
    QTest::newRow("1013") << int(CloseCode::TryAgainLater) << 1013 << QStringLiteral("try again later");
    QTest::newRow("4001") << int(CloseCode::TokenExpired) << 4001 << QStringLiteral("token expired");
    QTest::newRow("4003") << int(CloseCode::AuthRejected) << 4003 << QStringLiteral("authentication rejected");
    QTest::newRow("4008") << int(CloseCode::SlowConsumer) << 4008 << QStringLiteral("slow consumer");
}

void TestProtocolCodes::closeCodeTable()
{
    QFETCH(int, code);
    QFETCH(int, value);
    QFETCH(QString, meaning);
    QCOMPARE(code, value);
    QCOMPARE(closeCodeMeaning(code), meaning);
    QCOMPARE(closeCodeMeaning(CloseCode(code)), meaning);
    QVERIFY(isKnownCloseCode(code));
}

void TestProtocolCodes::unknownCloseCodes()
{
    for (int code : { -1, 0, 999, 1003, 1005, 1010, 1014, 3000, 4000, 4002, 4999, 65535 }) {
        QVERIFY2(closeCodeMeaning(code).isEmpty(), qPrintable(QString::number(code)));
        QVERIFY(!isKnownCloseCode(code));
    }
}

void TestProtocolCodes::retryAfterReason()
{
    QCOMPARE(Tether::Protocol::retryAfterReason(2345), QStringLiteral("{\"retry_after_ms\":2345}"));
    QCOMPARE(Tether::Protocol::retryAfterReason(0), QStringLiteral("{\"retry_after_ms\":0}"));
    for (qint64 ms : { 0LL, 1LL, 2345LL, 4999LL, 86400000LL })
        QCOMPARE(retryAfterFromReason(Tether::Protocol::retryAfterReason(ms)), std::optional<qint64>(ms));
    QCOMPARE(retryAfterFromReason(QStringLiteral("{\"retry_after_ms\":12.9,\"x\":1}")), std::optional<qint64>(12));
}

void TestProtocolCodes::retryAfterRejects_data()
{
    QTest::addColumn<QString>("reason");
    QTest::newRow("empty") << QString();
    QTest::newRow("plain text") << QStringLiteral("idle timeout");
    QTest::newRow("no key") << QStringLiteral("{\"retry\":5}");
    QTest::newRow("string") << QStringLiteral("{\"retry_after_ms\":\"5\"}");
    QTest::newRow("negative") << QStringLiteral("{\"retry_after_ms\":-5}");
    QTest::newRow("huge") << QStringLiteral("{\"retry_after_ms\":1e300}");
    QTest::newRow("array") << QStringLiteral("[{\"retry_after_ms\":5}]");
    QTest::newRow("truncated") << QStringLiteral("{\"retry_after_ms\":5");
}

void TestProtocolCodes::retryAfterRejects()
{
    QFETCH(QString, reason);
    QCOMPARE(retryAfterFromReason(reason), std::optional<qint64>());
}

void TestProtocolCodes::errorCodeNames()
{
    const QList<QPair<ErrorCode, QString>> table = {
        { ErrorCode::BadJson, QStringLiteral("bad_json") },
        { ErrorCode::UnknownType, QStringLiteral("unknown_type") },
        { ErrorCode::MissingField, QStringLiteral("missing_field") },
        { ErrorCode::InvalidField, QStringLiteral("invalid_field") },
        { ErrorCode::NotMember, QStringLiteral("not_member") },
        { ErrorCode::Forbidden, QStringLiteral("forbidden") },
        { ErrorCode::RateLimited, QStringLiteral("rate_limited") },
        { ErrorCode::StorageError, QStringLiteral("storage_error") },
        { ErrorCode::IdReused, QStringLiteral("id_reused") },
        { ErrorCode::NotFound, QStringLiteral("not_found") },
        { ErrorCode::MethodNotAllowed, QStringLiteral("method_not_allowed") },
        { ErrorCode::BadRequest, QStringLiteral("bad_request") },
        { ErrorCode::HeaderTooLarge, QStringLiteral("header_too_large") },
        { ErrorCode::LengthRequired, QStringLiteral("length_required") },
        { ErrorCode::TooLarge, QStringLiteral("too_large") },
        { ErrorCode::UpgradeRequired, QStringLiteral("upgrade_required") },
        { ErrorCode::InvalidCredentials, QStringLiteral("invalid_credentials") },
        { ErrorCode::InvalidToken, QStringLiteral("invalid_token") },
        { ErrorCode::RegistrationClosed, QStringLiteral("registration_closed") },
        { ErrorCode::UserExists, QStringLiteral("user_exists") },
        { ErrorCode::ServerBusy, QStringLiteral("server_busy") },
    };
    for (const auto &entry : table) {
        QCOMPARE(QString(wireName(entry.first)), entry.second);
        QCOMPARE(fromWireName(entry.second), entry.first);
    }
    QVERIFY(QString(wireName(ErrorCode::Unknown)).isEmpty());
    QCOMPARE(fromWireName(u"no_such_code"), ErrorCode::Unknown);
    QCOMPARE(fromWireName(u""), ErrorCode::Unknown);
    QCOMPARE(fromWireName(u"BAD_JSON"), ErrorCode::Unknown); // wire names are exact
    QVERIFY(isTransient(ErrorCode::RateLimited));
    QVERIFY(isTransient(ErrorCode::StorageError));
    QVERIFY(!isTransient(ErrorCode::NotMember));
    QVERIFY(!isTransient(ErrorCode::IdReused)); // the message can never be stored under that id
    QVERIFY(!isTransient(ErrorCode::Unknown));
}

void TestProtocolCodes::conversationIds_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<bool>("valid");
    QTest::newRow("lobby") << QStringLiteral("lobby") << true;
    QTest::newRow("all classes") << QStringLiteral("A-z_0.9:x") << true;
    QTest::newRow("one char") << QStringLiteral("x") << true;
    QTest::newRow("64 chars") << QString(64, QLatin1Char('a')) << true;
    QTest::newRow("65 chars") << QString(65, QLatin1Char('a')) << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("leading dash") << QStringLiteral("-x") << false;
    QTest::newRow("leading dot") << QStringLiteral(".x") << false;
    QTest::newRow("space") << QStringLiteral("a b") << false;
    QTest::newRow("slash") << QStringLiteral("a/b") << false;
    QTest::newRow("trailing newline") << QStringLiteral("lobby\n") << false;
    QTest::newRow("non-ascii") << QStringLiteral("caf\u00e9") << false;
}

void TestProtocolCodes::conversationIds()
{
    QFETCH(QString, id);
    QFETCH(bool, valid);
    QCOMPARE(Limits::isValidConversationId(id), valid);
}

void TestProtocolCodes::clientIdsAndGuestKeys()
{
    QVERIFY(Limits::isValidClientId(u"x"));
    QVERIFY(Limits::isValidClientId(QString(Limits::MaxClientIdLength, QLatin1Char('a'))));
    QVERIFY(!Limits::isValidClientId(QString(Limits::MaxClientIdLength + 1, QLatin1Char('a'))));
    QVERIFY(!Limits::isValidClientId(QString()));
    QVERIFY(!Limits::isValidGuestKey(QString(15, QLatin1Char('k'))));
    QVERIFY(Limits::isValidGuestKey(QString(16, QLatin1Char('k'))));
    QVERIFY(Limits::isValidGuestKey(QString(128, QLatin1Char('k'))));
    QVERIFY(!Limits::isValidGuestKey(QString(129, QLatin1Char('k'))));
    QVERIFY(Limits::isGuestId(u"guest-0a1b2c3d"));
    QVERIFY(!Limits::isGuestId(u"alice"));
    QCOMPARE(Limits::HistoryPageDefault, 100);
    QCOMPARE(Limits::HistoryPageMax, 500);
    QCOMPARE(Limits::MaxFrameBytes, qint64(512 * 1024));
    QCOMPARE(Version, 1);
}

void TestProtocolCodes::codec()
{
    const QJsonObject frame{ { QStringLiteral("type"), QStringLiteral("ping") }, { QStringLiteral("ts"), 5 } };
    const QString text = FrameCodec::encode(frame);
    QCOMPARE(text, QStringLiteral("{\"ts\":5,\"type\":\"ping\"}"));
    QCOMPARE(FrameCodec::decode(text), std::optional<QJsonObject>(frame));
    QCOMPARE(FrameCodec::typeOf(frame), QStringLiteral("ping"));
    QCOMPARE(FrameCodec::typeOf(QJsonObject{ { QStringLiteral("type"), 3 } }), QString());

    for (const QString &bad : { QStringLiteral("not json"), QStringLiteral("[1,2]"), QStringLiteral("\"s\""),
                                QStringLiteral("{\"a\":"), QString() }) {
        FrameError error;
        QVERIFY2(!FrameCodec::decode(bad, &error), qPrintable(bad));
        QCOMPARE(error.code, ErrorCode::BadJson);
        QVERIFY(!error.message.isEmpty());
    }
    FrameError error;
    QVERIFY(!FrameCodec::decodeUtf8(QByteArray("{\"a\":\"\xff\"}"), &error)); // not UTF-8
    QCOMPARE(error.code, ErrorCode::BadJson);
}

QTEST_APPLESS_MAIN(TestProtocolCodes)
#include "tst_protocol_codes.moc"
