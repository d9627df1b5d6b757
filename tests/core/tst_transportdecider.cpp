// TransportDecider: what counts as interference (every HTTP status, every socket error), the
// modes, the streak of two, and the WebSocket trials on fallback, with an injected clock.
#include "transport.h"
#include "transportdecider.h"

#include <QAbstractSocket>
#include <QTest>

using namespace Tether;
using Attempt = TransportDecider::Attempt;
using Kind = TransportDecider::Kind;
using Mode = TransportDecider::Mode;

namespace {
Attempt http(int status)
{
    Attempt a;
    a.httpStatus = status;
    return a;
}
Attempt socket(QAbstractSocket::SocketError error)
{
    Attempt a;
    a.socketError = int(error);
    return a;
}
Attempt timeout()
{
    Attempt a;
    a.handshakeTimeout = true;
    return a;
}
} // namespace

class TestTransportDecider : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyHttpStatus()
    {
        for (int status = 100; status <= 599; ++status) {
            const bool ours = status == 101 || status == 401 || status == 403 || status == 404 || status == 429
                    || (status >= 500 && status <= 599);
            QVERIFY2(TransportDecider::isInterference(http(status)) == !ours, qPrintable(QString::number(status)));
        }
    }

    void everySocketError()
    {
        const QList<QAbstractSocket::SocketError> interference{
            QAbstractSocket::RemoteHostClosedError, QAbstractSocket::SocketAccessError, QAbstractSocket::ProxyConnectionRefusedError,
            QAbstractSocket::ProxyConnectionClosedError, QAbstractSocket::ProxyProtocolError,
            QAbstractSocket::ProxyConnectionTimeoutError, QAbstractSocket::SocketTimeoutError,
        };
        for (int e = -1; e <= int(QAbstractSocket::OperationError); ++e) {
            const auto error = QAbstractSocket::SocketError(e);
            QVERIFY2(TransportDecider::isInterference(socket(error)) == interference.contains(error),
                     qPrintable(QString::number(e)));
        }
        QVERIFY(!TransportDecider::isInterference(Attempt()));
        QVERIFY(TransportDecider::isInterference(timeout()));
        // An HTTP answer decides over the socket error that came with it.
        Attempt notFound = http(404);
        notFound.socketError = int(QAbstractSocket::ConnectionRefusedError);
        QVERIFY(!TransportDecider::isInterference(notFound));
    }

    void statusFromQtsErrorText_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("status");
        QTest::newRow("qt 6.4") << QStringLiteral("QWebSocketPrivate::processHandshake: Unhandled http status code: 426 (Upgrade Required).") << 426;
        QTest::newRow("long poll") << QStringLiteral("long-polling open: HTTP 503 Service Unavailable") << 503;
        QTest::newRow("none") << QStringLiteral("Connection refused") << 0;
        QTest::newRow("port is no status") << QStringLiteral("proxy http://127.0.0.1:4000 refused") << 0;
    }
    void statusFromQtsErrorText()
    {
        QFETCH(QString, text);
        QFETCH(int, status);
        QCOMPARE(TransportDecider::httpStatusIn(text), status);
    }

    void fromEnd()
    {
        TransportEnd end;
        end.error = QStringLiteral("Unhandled http status code: 400 (Bad Request)");
        end.socketError = int(QAbstractSocket::ConnectionRefusedError);
        Attempt a = TransportDecider::fromEnd(end, false);
        QCOMPARE(a.httpStatus, 400);
        QCOMPARE(a.socketError, int(QAbstractSocket::ConnectionRefusedError));
        QVERIFY(!a.handshakeTimeout);
        end.close.handshakeUnauthorized = true;
        QCOMPARE(TransportDecider::fromEnd(end, true).httpStatus, 401);
        QVERIFY(TransportDecider::fromEnd(end, true).handshakeTimeout);
    }

    void fixedModesNeverMove()
    {
        TransportDecider ws(Mode::WebSocket, 1000);
        TransportDecider lp(Mode::LongPoll, 1000);
        for (int i = 0; i < 5; ++i) {
            ws.webSocketFailed(http(426), i);
            lp.webSocketFailed(http(426), i);
        }
        QCOMPARE(ws.current(), Kind::WebSocket);
        QCOMPARE(lp.current(), Kind::LongPoll);
        QVERIFY(!ws.isFallback());
        QVERIFY(!lp.isFallback());
        QCOMPARE(lp.nextTrialAtMs(), -1);
        lp.opened(Kind::LongPoll, 10);
        lp.trialSucceeded();
        QCOMPARE(lp.current(), Kind::LongPoll);
    }

    void twoInterferencesInARowFallBack()
    {
        TransportDecider d(Mode::Auto, 1000);
        QCOMPARE(d.current(), Kind::WebSocket);
        d.webSocketFailed(http(426), 100);
        QCOMPARE(d.current(), Kind::WebSocket);
        QCOMPARE(d.interferenceStreak(), 1);
        d.webSocketFailed(socket(QAbstractSocket::ConnectionRefusedError), 200); // server down: not interference
        QCOMPARE(d.interferenceStreak(), 0);
        d.webSocketFailed(socket(QAbstractSocket::RemoteHostClosedError), 300);
        QCOMPARE(d.current(), Kind::WebSocket);
        d.webSocketFailed(timeout(), 400);
        QCOMPARE(d.current(), Kind::LongPoll);
        QVERIFY(d.isFallback());
        QCOMPARE(d.fallbackReason(), TransportDecider::describe(timeout()));
        QCOMPARE(d.nextTrialAtMs(), 1400);
    }

    void ourServersAnswersNeverFallBack()
    {
        TransportDecider d(Mode::Auto, 1000);
        for (int status : { 401, 403, 404, 429, 500, 502, 503 }) {
            d.webSocketFailed(http(status), 0);
            d.webSocketFailed(http(status), 1);
        }
        QCOMPARE(d.current(), Kind::WebSocket);
    }

    void trialsOnFallback()
    {
        TransportDecider d(Mode::Auto, 1000);
        d.webSocketFailed(http(426), 0);
        d.webSocketFailed(http(426), 10);
        d.opened(Kind::LongPoll, 20);
        QVERIFY(!d.trialDue(1009));
        QVERIFY(d.trialDue(1010));
        d.trialFailed(1010);
        QCOMPARE(d.nextTrialAtMs(), 2010);
        QVERIFY(d.isFallback());
        d.trialSucceeded();
        QCOMPARE(d.current(), Kind::WebSocket);
        QVERIFY(!d.isFallback());
        QVERIFY(d.fallbackReason().isEmpty());
        QCOMPARE(d.nextTrialAtMs(), -1);
        QCOMPARE(d.interferenceStreak(), 0);
        // Later interference counts from zero again.
        d.webSocketFailed(http(426), 3000);
        QCOMPARE(d.current(), Kind::WebSocket);
    }

    void webSocketOpeningResetsTheStreak()
    {
        TransportDecider d(Mode::Auto, 1000);
        d.webSocketFailed(http(400), 0);
        d.opened(Kind::WebSocket, 5);
        d.webSocketFailed(http(400), 10);
        QCOMPARE(d.current(), Kind::WebSocket);
        QCOMPARE(d.interferenceStreak(), 1);
    }

    void describeNamesWhatWasSeen()
    {
        QCOMPARE(TransportDecider::describe(http(426)), QStringLiteral("HTTP 426 instead of the WebSocket upgrade"));
        QVERIFY(TransportDecider::describe(socket(QAbstractSocket::ProxyConnectionRefusedError)).contains(QStringLiteral("proxy")));
        QVERIFY(TransportDecider::describe(socket(QAbstractSocket::RemoteHostClosedError)).contains(QStringLiteral("reset")));
        QVERIFY(TransportDecider::describe(timeout()).contains(QStringLiteral("timeout")));
    }
};

QTEST_GUILESS_MAIN(TestTransportDecider)
#include "tst_transportdecider.moc"
