// WebSocketTransport against real peers on 127.0.0.1: the token in each transport, the handshake
// timeout, the 401 on the upgrade, how connections end (stale 1000 -> 1006, goodbye restores what
// Qt 6.4 mangles), TLS errors never ignored, a bounded graceful close, and exactly one closed().
#include "testpeers.h"
#include "websockettransport.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include "connectionmanager.h"
#include "manualnetworkmonitor.h"
#include "tlstrust.h"
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QTest>

using namespace Tether;
using namespace TestPeers;
using State = Transport::State;

namespace {

constexpr int Long = 10000;

ConnectionConfig configFor(const QUrl &url, const QString &token = QString(),
                           ConnectionConfig::TokenTransport transport = ConnectionConfig::TokenTransport::Header)
{
    ConnectionConfig config;
    config.url = url;
    config.credentials.accessToken = token;
    config.tokenTransport = transport;
    config.connectTimeoutMs = 3000;
    return config;
}

TransportEnd endOf(const QSignalSpy &closed)
{
    return closed.at(0).at(0).value<TransportEnd>();
}

// A certificate for 127.0.0.1 made now with openssl (its own CA): cert.pem, key.pem in dir.
bool makeCertificate(const QString &dir)
{
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                   QStringLiteral("-nodes"), QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                   QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1"),
                   QStringLiteral("-keyout"), dir + QStringLiteral("/key.pem"), QStringLiteral("-out"),
                   dir + QStringLiteral("/cert.pem")});
    return openssl.waitForFinished(60000) && openssl.exitStatus() == QProcess::NormalExit && openssl.exitCode() == 0;
}

QSslConfiguration serverTls(const QString &certPath, const QString &keyPath)
{
    QFile certFile(certPath);
    QFile keyFile(keyPath);
    certFile.open(QIODevice::ReadOnly);
    keyFile.open(QIODevice::ReadOnly);
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setLocalCertificate(QSslCertificate(&certFile, QSsl::Pem));
    ssl.setPrivateKey(QSslKey(&keyFile, QSsl::Rsa, QSsl::Pem));
    return ssl;
}

} // namespace

class TestWebSocketTransport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void headerTransportAndGracefulClose()
    {
        WsServer server;
        server.echo = true;
        QVERIFY(server.listen());
        WebSocketTransport t;
        QSignalSpy opened(&t, &Transport::opened);
        QSignalSpy text(&t, &Transport::textReceived);
        QSignalSpy closed(&t, &Transport::closed);
        QCOMPARE(t.state(), State::Idle);
        QVERIFY(!t.isWritable());
        QCOMPARE(t.sendText(QStringLiteral("too early")), qint64(-1));
        t.open(configFor(server.url(), QStringLiteral("header-token")));
        QCOMPARE(t.state(), State::Connecting);
        QVERIFY(opened.wait(Long));
        QCOMPARE(t.state(), State::Open);
        QVERIFY(t.isWritable());
        QCOMPARE(server.requests().at(0).rawHeader("Authorization"), QByteArray("Bearer header-token"));
        QVERIFY(!server.requests().at(0).url().hasQuery());

        QVERIFY(t.sendText(QStringLiteral("hello")) > 0);
        QTRY_COMPARE_WITH_TIMEOUT(text.size(), 1, Long);
        QCOMPARE(text.at(0).at(0).toString(), QStringLiteral("hello"));

        t.close(1000);
        QVERIFY(!t.isWritable());
        // Qt closes the TCP connection as soon as the close frame is written: often at once.
        QVERIFY(closed.size() == 1 || closed.wait(Long));
        QCOMPARE(t.state(), State::Closed);
        const TransportEnd end = endOf(closed);
        QCOMPARE(end.close.code, 1000);
        QVERIFY(end.wasOpen);
        QVERIFY(!end.closedByServer);
        QVERIFY(end.error.isEmpty());
        QCOMPARE(end.socketError, -1);
        QCOMPARE(t.end().close.code, 1000);
        QTRY_COMPARE_WITH_TIMEOUT(server.closeCodes(), QList<int> { 1000 }, Long);
        t.abort(); // nothing more to say
        QTest::qWait(50);
        QCOMPARE(closed.size(), 1);
    }

    void queryTransport()
    {
        WsServer server;
        QVERIFY(server.listen());
        QUrl url = server.url();
        url.setQuery(QStringLiteral("room=7&access_token=stale"));
        const ConnectionConfig config = configFor(url, QStringLiteral("q token+/"), ConnectionConfig::TokenTransport::Query);
        const QUrl request = WebSocketTransport::requestUrl(config);
        QCOMPARE(QUrlQuery(request).queryItemValue(QStringLiteral("access_token"), QUrl::FullyDecoded), QStringLiteral("q token+/"));
        QCOMPARE(QUrlQuery(request).allQueryItemValues(QStringLiteral("access_token")).size(), 1);
        QCOMPARE(QUrlQuery(request).queryItemValue(QStringLiteral("room")), QStringLiteral("7"));

        WebSocketTransport t;
        QSignalSpy opened(&t, &Transport::opened);
        t.open(config);
        QVERIFY(opened.wait(Long));
        QVERIFY(server.requests().at(0).rawHeader("Authorization").isEmpty());
        QCOMPARE(QUrlQuery(server.requests().at(0).url()).queryItemValue(QStringLiteral("access_token"), QUrl::FullyDecoded),
                 QStringLiteral("q token+/"));
        // Without a token the URL is used as given.
        QCOMPARE(WebSocketTransport::requestUrl(configFor(url, QString(), ConnectionConfig::TokenTransport::Query)), url);
    }

    void messageTransportOpensOnTheAnswer()
    {
        WsServer server;
        QVERIFY(server.listen());
        WebSocketTransport t;
        QSignalSpy opened(&t, &Transport::opened);
        QSignalSpy text(&t, &Transport::textReceived);
        t.open(configFor(server.url(), QStringLiteral("frame-token"), ConnectionConfig::TokenTransport::Message));
        QTRY_COMPARE_WITH_TIMEOUT(server.received().size(), 1, Long);
        const QJsonObject auth = QJsonDocument::fromJson(server.received().at(0).toUtf8()).object();
        QCOMPARE(auth.value(QStringLiteral("type")).toString(), QStringLiteral("auth"));
        QCOMPARE(auth.value(QStringLiteral("token")).toString(), QStringLiteral("frame-token"));
        QVERIFY(server.requests().at(0).rawHeader("Authorization").isEmpty());
        QCOMPARE(t.state(), State::Connecting); // upgraded, but not answered yet
        QVERIFY(!t.isWritable());
        QCOMPARE(opened.size(), 0);

        server.last()->sendTextMessage(QStringLiteral(R"({"type":"auth_ok"})"));
        QVERIFY(opened.wait(Long));
        QTRY_COMPARE_WITH_TIMEOUT(text.size(), 1, Long); // the answer is a frame like any other
        QCOMPARE(text.at(0).at(0).toString(), QStringLiteral(R"({"type":"auth_ok"})"));
        QVERIFY(t.isWritable());
    }

    void noAnswerToTheAuthFrameTimesOut()
    {
        WsServer server;
        QVERIFY(server.listen());
        WebSocketTransport t;
        QSignalSpy errors(&t, &Transport::errorOccurred);
        QSignalSpy closed(&t, &Transport::closed);
        ConnectionConfig config = configFor(server.url(), QStringLiteral("frame-token"), ConnectionConfig::TokenTransport::Message);
        config.connectTimeoutMs = 300;
        t.open(config);
        QVERIFY(closed.wait(Long));
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.at(0).at(0).value<Transport::Error>(), Transport::Error::HandshakeTimeout);
        QVERIFY2(errors.at(0).at(1).toString().contains(QLatin1String("auth message")), qPrintable(errors.at(0).at(1).toString()));
        const TransportEnd end = endOf(closed);
        QVERIFY(end.wasOpen); // upgraded; only the answer was missing
        QCOMPARE(end.close.code, 1006);
    }

    void stalledUpgradeTimesOut()
    {
        RawServer stall(RawServer::Mode::Stall);
        QVERIFY(stall.listen());
        WebSocketTransport t;
        QSignalSpy errors(&t, &Transport::errorOccurred);
        QSignalSpy closed(&t, &Transport::closed);
        ConnectionConfig config = configFor(stall.url());
        config.connectTimeoutMs = 200;
        QElapsedTimer clock;
        clock.start();
        t.open(config);
        QVERIFY(closed.wait(Long));
        QVERIFY(clock.elapsed() >= 150);
        QCOMPARE(errors.at(0).at(0).value<Transport::Error>(), Transport::Error::HandshakeTimeout);
        QVERIFY(errors.at(0).at(1).toString().contains(QLatin1String("no WebSocket upgrade within 200 ms")));
        const TransportEnd end = endOf(closed);
        QVERIFY(!end.wasOpen);
        QCOMPARE(end.close.code, 1006);
        QVERIFY(!end.close.handshakeUnauthorized);
        QTest::qWait(100);
        QCOMPARE(closed.size(), 1);
    }

    void unauthorizedUpgrade()
    {
        RawServer refuse(RawServer::Mode::Unauthorized);
        QVERIFY(refuse.listen());
        WebSocketTransport t;
        QSignalSpy errors(&t, &Transport::errorOccurred);
        QSignalSpy closed(&t, &Transport::closed);
        t.open(configFor(refuse.url(), QStringLiteral("refused-token")));
        QVERIFY(closed.wait(Long));
        const TransportEnd end = endOf(closed);
        QVERIFY(end.close.handshakeUnauthorized);
        QVERIFY(!end.wasOpen);
        QVERIFY2(end.error.contains(QLatin1String("401")), qPrintable(end.error));
        QVERIFY(!errors.isEmpty());
        QCOMPARE(errors.at(0).at(0).value<Transport::Error>(), Transport::Error::Unauthorized);
    }

    void refusedPortIsAnError()
    {
        WebSocketTransport t;
        QSignalSpy closed(&t, &Transport::closed);
        t.open(configFor(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(unusedPort()))));
        QVERIFY(closed.wait(Long));
        const TransportEnd end = endOf(closed);
        QVERIFY(!end.wasOpen);
        QVERIFY(!end.error.isEmpty());
        QCOMPARE(end.socketError, int(QAbstractSocket::ConnectionRefusedError));
        QCOMPARE(end.close.code, 1006);
    }

    // QWebSocket keeps a stale closeCode() 1000 after a drop: without a close frame it is 1006.
    void abruptDropIs1006()
    {
        WsServer server;
        QVERIFY(server.listen());
        WebSocketTransport t;
        QSignalSpy opened(&t, &Transport::opened);
        QSignalSpy closed(&t, &Transport::closed);
        t.open(configFor(server.url()));
        QVERIFY(opened.wait(Long));
        server.last()->abort();
        QVERIFY(closed.wait(Long));
        const TransportEnd end = endOf(closed);
        QCOMPARE(end.close.code, 1006);
        QVERIFY(end.wasOpen);
        QVERIFY(!end.closedByServer);
    }

    void closeFrameCodeAndReasonAreKept()
    {
        WsServer server;
        QVERIFY(server.listen());
        WebSocketTransport t;
        QSignalSpy opened(&t, &Transport::opened);
        QSignalSpy closed(&t, &Transport::closed);
        t.open(configFor(server.url()));
        QVERIFY(opened.wait(Long));
        server.last()->close(QWebSocketProtocol::CloseCode(4003), QStringLiteral("refused"));
        QVERIFY(closed.wait(Long));
        const TransportEnd end = endOf(closed);
        QCOMPARE(end.close.code, 4003);
        QCOMPARE(end.close.reason, QStringLiteral("refused"));
        QVERIFY(end.closedByServer);
    }

    // Qt 6.4 turns 1012-2999 into 1002 without a reason; the goodbye frame carries both.
    void goodbyeRestoresTheCloseCode()
    {
        WsServer server;
        QVERIFY(server.listen());
        WebSocketTransport t;
        QSignalSpy opened(&t, &Transport::opened);
        QSignalSpy text(&t, &Transport::textReceived);
        QSignalSpy closed(&t, &Transport::closed);
        t.open(configFor(server.url()));
        QVERIFY(opened.wait(Long));
        const QString reason = QStringLiteral(R"({"retry_after_ms":120})");
        const QJsonObject goodbye { { QStringLiteral("type"), QStringLiteral("goodbye") },
                                    { QStringLiteral("code"), 1012 },
                                    { QStringLiteral("reason"), reason } };
        server.last()->sendTextMessage(QString::fromUtf8(QJsonDocument(goodbye).toJson(QJsonDocument::Compact)));
        server.last()->close(QWebSocketProtocol::CloseCode(1012), reason);
        QVERIFY(closed.wait(Long));
        const TransportEnd end = endOf(closed);
        QCOMPARE(end.close.code, 1012);
        QCOMPARE(end.close.reason, reason);
        QVERIFY(end.closedByServer);
        QCOMPARE(text.size(), 1); // the announcement still reaches the reader

        // Off: the close frame as Qt reports it.
        WebSocketTransport plain;
        QSignalSpy plainOpened(&plain, &Transport::opened);
        QSignalSpy plainClosed(&plain, &Transport::closed);
        ConnectionConfig config = configFor(server.url());
        config.goodbyeType.clear();
        plain.open(config);
        QVERIFY(plainOpened.wait(Long));
        server.last()->sendTextMessage(QString::fromUtf8(QJsonDocument(goodbye).toJson(QJsonDocument::Compact)));
        server.last()->close(QWebSocketProtocol::CloseCode(4000), QStringLiteral("other"));
        QVERIFY(plainClosed.wait(Long));
        QCOMPARE(endOf(plainClosed).close.code, 4000);
    }

    void abortEndsAtOnce()
    {
        WsServer server;
        QVERIFY(server.listen());
        WebSocketTransport t;
        QSignalSpy opened(&t, &Transport::opened);
        QSignalSpy closed(&t, &Transport::closed);
        t.abort(); // not opened: nothing to end
        QCOMPARE(closed.size(), 0);
        t.open(configFor(server.url()));
        QVERIFY(opened.wait(Long));
        t.abort();
        QCOMPARE(closed.size(), 1); // before abort() returned
        QCOMPARE(t.state(), State::Closed);
        QCOMPARE(endOf(closed).close.code, 1006);
        t.abort();
        t.close(1000);
        QVERIFY(!t.ping("x"));
        QTest::qWait(50);
        QCOMPARE(closed.size(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(server.closeCodes().size(), 1, Long);
    }

    // The server stops reading: our close frame cannot even be written, and the transport gives
    // up after the grace period instead of waiting forever.
    void gracefulCloseIsBounded()
    {
        RawServer deaf(RawServer::Mode::Deaf);
        QVERIFY(deaf.listen());
        WebSocketTransport t;
        QSignalSpy opened(&t, &Transport::opened);
        QSignalSpy closed(&t, &Transport::closed);
        t.open(configFor(deaf.url()));
        QVERIFY(opened.wait(Long));
        // More than the loopback socket buffers hold: the rest waits in Qt's write buffer.
        QVERIFY(t.sendText(QString(16 * 1024 * 1024, QLatin1Char('x'))) > 0);
        QElapsedTimer clock;
        clock.start();
        t.close(1000);
        QCOMPARE(t.state(), State::Closing);
        QCOMPARE(closed.size(), 0);
        QVERIFY(closed.wait(Long));
        QVERIFY2(clock.elapsed() >= WebSocketTransport::GracefulCloseTimeoutMs - 100, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(closed.size(), 1);
        QCOMPARE(endOf(closed).close.code, 1000);
    }

    void pingsFramesAndBinary()
    {
        WsServer server;
        QVERIFY(server.listen());
        WebSocketTransport t;
        QSignalSpy opened(&t, &Transport::opened);
        QSignalSpy pongs(&t, &Transport::pongReceived);
        QSignalSpy frames(&t, &Transport::frameReceived);
        QSignalSpy binary(&t, &Transport::binaryReceived);
        QSignalSpy text(&t, &Transport::textReceived);
        QVERIFY(!t.ping("early"));
        t.open(configFor(server.url()));
        QVERIFY(opened.wait(Long));
        QVERIFY(t.ping("seq-1"));
        QVERIFY(pongs.wait(Long));
        QCOMPARE(pongs.at(0).at(0).toByteArray(), QByteArray("seq-1"));
        server.last()->sendBinaryMessage(QByteArray(300, 'b'));
        QVERIFY(binary.wait(Long));
        QCOMPARE(binary.at(0).at(0).toLongLong(), qint64(300));
        QCOMPARE(text.size(), 0);
        QVERIFY(frames.size() >= 1);
    }

    void oversizedMessageEndsTheConnection()
    {
        WsServer server;
        QVERIFY(server.listen());
        WebSocketTransport t;
        QSignalSpy opened(&t, &Transport::opened);
        QSignalSpy text(&t, &Transport::textReceived);
        QSignalSpy closed(&t, &Transport::closed);
        ConnectionConfig config = configFor(server.url());
        config.maxIncomingMessageSize = 1024;
        t.open(config);
        QVERIFY(opened.wait(Long));
        server.last()->sendTextMessage(QString(4096, QLatin1Char('x')));
        QVERIFY(closed.wait(Long));
        QCOMPARE(text.size(), 0);
        QVERIFY(endOf(closed).close.code != 1000); // never "closed on purpose": the client reconnects
    }

    // A frame header that announces more than the limit ends the connection at once: the client
    // never waits for (or buffers) the announced payload.
    void oversizedFrameHeaderEndsTheConnectionAtOnce()
    {
        RawServer server(RawServer::Mode::Silent);
        QVERIFY(server.listen());
        WebSocketTransport t;
        QSignalSpy opened(&t, &Transport::opened);
        QSignalSpy text(&t, &Transport::textReceived);
        QSignalSpy closed(&t, &Transport::closed);
        ConnectionConfig config = configFor(server.url());
        config.maxIncomingMessageSize = 1024;
        t.open(config);
        QVERIFY(opened.wait(Long));
        // FIN + text, no mask, 64-bit length: 1 GiB announced, 64 bytes actually sent.
        QByteArray frame("\x81\x7f", 2);
        const quint64 announced = quint64(1) << 30;
        for (int shift = 56; shift >= 0; shift -= 8)
            frame.append(char((announced >> shift) & 0xff));
        frame.append(QByteArray(64, 'x'));
        server.writeRaw(frame);
        QVERIFY(closed.wait(Long));
        QCOMPARE(text.size(), 0);
        QVERIFY(endOf(closed).close.code != 1000);
    }

    // A certificate nobody vouches for fails the attempt, and says so; it is never ignored.
    void untrustedCertificateFails()
    {
        QFile certFile(QStringLiteral(TETHER_TEST_DATA "/selfsigned.crt"));
        QFile keyFile(QStringLiteral(TETHER_TEST_DATA "/selfsigned.key"));
        QVERIFY(certFile.open(QIODevice::ReadOnly));
        QVERIFY(keyFile.open(QIODevice::ReadOnly));
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setLocalCertificate(QSslCertificate(&certFile, QSsl::Pem));
        ssl.setPrivateKey(QSslKey(&keyFile, QSsl::Rsa, QSsl::Pem));
        QWebSocketServer secure(QStringLiteral("tls-test"), QWebSocketServer::SecureMode);
        secure.setSslConfiguration(ssl);
        QVERIFY(secure.listen(QHostAddress::LocalHost, 0));
        QSignalSpy accepted(&secure, &QWebSocketServer::newConnection);

        WebSocketTransport t;
        QSignalSpy opened(&t, &Transport::opened);
        QSignalSpy errors(&t, &Transport::errorOccurred);
        QSignalSpy closed(&t, &Transport::closed);
        t.open(configFor(QUrl(QStringLiteral("wss://127.0.0.1:%1/ws").arg(secure.serverPort())), QStringLiteral("tls-token")));
        QVERIFY(closed.wait(Long));
        QCOMPARE(opened.size(), 0);
        QCOMPARE(accepted.size(), 0);
        const TransportEnd end = endOf(closed);
        QVERIFY(!end.wasOpen);
        QVERIFY2(end.error.startsWith(QLatin1String("TLS (tls_untrusted): ")), qPrintable(end.error));
        bool tls = false;
        for (const auto &e : errors)
            tls = tls || e.at(0).value<Transport::Error>() == Transport::Error::TlsError;
        QVERIFY(tls);
    }

    // Self-hosted TLS against a real QWebSocketServer in SecureMode: untrusted with its code and
    // fingerprint; trusted through a CA file; trusted by a pin; a changed certificate under a pin is
    // a hard error even when a CA vouches for it.
    void selfHostedTls()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(makeCertificate(dir.path()));
        const QString certPath = dir.filePath(QStringLiteral("cert.pem"));
        QWebSocketServer secure(QStringLiteral("tls-test"), QWebSocketServer::SecureMode);
        secure.setSslConfiguration(serverTls(certPath, dir.filePath(QStringLiteral("key.pem"))));
        QVERIFY(secure.listen(QHostAddress::LocalHost, 0));
        const QUrl url(QStringLiteral("wss://127.0.0.1:%1/ws").arg(secure.serverPort()));
        QFile certFile(certPath);
        QVERIFY(certFile.open(QIODevice::ReadOnly));
        const QString print = TlsTrust::fingerprint(QSslCertificate(&certFile, QSsl::Pem));
        QCOMPARE(print.size(), 32 * 3 - 1);

        const auto attempt = [&](const ConnectionConfig &config, bool *opened) {
            WebSocketTransport t;
            QSignalSpy openedSpy(&t, &Transport::opened);
            QSignalSpy closed(&t, &Transport::closed);
            t.open(config);
            if (!QTest::qWaitFor([&] { return !openedSpy.isEmpty() || !closed.isEmpty(); }, Long))
                return QStringLiteral("timeout");
            *opened = openedSpy.size() == 1;
            if (*opened)
                return QString();
            return endOf(closed).error;
        };
        bool opened = false;
        ConnectionConfig config = configFor(url, QStringLiteral("tls-token"));
        QString error = attempt(config, &opened);
        QVERIFY(!opened);
        QCOMPARE(TlsTrust::codeIn(error), QStringLiteral("tls_untrusted"));
        QVERIFY2(error.contains(print), qPrintable(error));

        config.caFile = certPath;
        error = attempt(config, &opened);
        QVERIFY2(opened, qPrintable(error));

        ConnectionConfig pinned = configFor(url, QStringLiteral("tls-token"));
        pinned.pinnedCertificateSha256 = print.toLower().remove(QLatin1Char(':'));
        error = attempt(pinned, &opened);
        QVERIFY2(opened, qPrintable(error));

        // Another certificate was pinned: refused, even though the CA file vouches for this one.
        QFile other(QStringLiteral(TETHER_TEST_DATA "/selfsigned.crt"));
        QVERIFY(other.open(QIODevice::ReadOnly));
        pinned.pinnedCertificateSha256 = TlsTrust::fingerprint(QSslCertificate(&other, QSsl::Pem));
        pinned.caFile = certPath;
        error = attempt(pinned, &opened);
        QVERIFY(!opened);
        QCOMPARE(TlsTrust::codeIn(error), QStringLiteral("tls_pin_mismatch"));
        QVERIFY2(error.contains(print), qPrintable(error));

        // After a certificate error the next attempt waits the backoff cap, not the first step.
        {
            ManualNetworkMonitor monitor;
            ConnectionConfig managed = configFor(url);
            managed.backoff.initialMs = 50;
            managed.backoff.maxMs = 4000;
            ConnectionManager m(managed, &monitor);
            QSignalSpy scheduled(&m, &ConnectionManager::reconnectScheduled);
            m.open();
            QVERIFY(scheduled.wait(Long));
            QVERIFY2(scheduled.at(0).at(1).toInt() >= 4000, qPrintable(QString::number(scheduled.at(0).at(1).toInt())));
            m.close();
        }

        // A CA file that cannot be read is named with the error.
        ConnectionConfig missing = configFor(url, QStringLiteral("tls-token"));
        missing.caFile = dir.filePath(QStringLiteral("missing.pem"));
        error = attempt(missing, &opened);
        QVERIFY(!opened);
        QVERIFY2(error.contains(QLatin1String("missing.pem")), qPrintable(error));
    }

    void pinNormalisation()
    {
        const QString colon = QStringLiteral("AB:") .repeated(31) + QStringLiteral("AB");
        QCOMPARE(TlsTrust::normalisePin(QStringLiteral("ab").repeated(32)), colon);
        QCOMPARE(TlsTrust::normalisePin(colon.toLower()), colon);
        QCOMPARE(TlsTrust::normalisePin(QStringLiteral("abcd")), QString());
        QCOMPARE(TlsTrust::normalisePin(QStringLiteral("zz").repeated(32)), QString());
        QCOMPARE(TlsTrust::codeIn(QStringLiteral("TLS (tls_untrusted): x")), QStringLiteral("tls_untrusted"));
        QCOMPARE(TlsTrust::codeIn(QStringLiteral("Connection refused")), QString());
    }
};

QTEST_GUILESS_MAIN(TestWebSocketTransport)
#include "tst_websockettransport.moc"
