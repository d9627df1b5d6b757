// The parts ChatServer is built from, on their own: ClientConnection (goodbye before every close,
// error ids), LocalBroker (synchronous delivery) and HttpResponder, each against real sockets on
// 127.0.0.1. FrontDoor, HttpApi and FrameHandlers are covered through ChatServer in the other tests.

#include "clientconnection.h"
#include "closecode.h"
#include "httpresponder.h"
#include "localbroker.h"
#include "servertestutil.h"

#include <QTcpServer>
#include <QWebSocketServer>

using namespace TestUtil;

class TestServerParts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void closeAnnouncesGoodbye();
    void errorIds();
    void localBrokerIsSynchronous();
    void httpResponse();

private:
    // A connected pair: m_client talks to m_connection (the server side).
    bool connectPair();

    std::unique_ptr<QWebSocketServer> m_server;
    std::unique_ptr<Client> m_client;
    QWebSocket *m_serverSocket = nullptr;
    std::unique_ptr<Tether::ClientConnection> m_connection;
};

void TestServerParts::init()
{
    m_server = std::make_unique<QWebSocketServer>(str("parts"), QWebSocketServer::NonSecureMode);
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    m_client = std::make_unique<Client>();
}

void TestServerParts::cleanup()
{
    m_connection.reset();
    m_client.reset();
    delete m_serverSocket;
    m_serverSocket = nullptr;
    m_server.reset();
}

bool TestServerParts::connectPair()
{
    QUrl url;
    url.setScheme(str("ws"));
    url.setHost(str("127.0.0.1"));
    url.setPort(m_server->serverPort());
    if (!m_client->open(url))
        return false;
    if (!QTest::qWaitFor([&] { return m_server->hasPendingConnections(); }, kTimeout))
        return false;
    m_serverSocket = m_server->nextPendingConnection();
    m_connection = std::make_unique<Tether::ClientConnection>(m_serverSocket, 7, 0, Tether::RateLimiter(10, 5));
    return true;
}

void TestServerParts::closeAnnouncesGoodbye()
{
    QVERIFY(connectPair());
    QCOMPARE(m_connection->id(), quint64(7));
    QVERIFY(m_connection->peer().endsWith(QLatin1Char('|') + QString::number(m_client->socket().localPort())));
    QVERIFY(!m_connection->isClosing());
    m_connection->close(Tether::Protocol::toInt(Tether::Protocol::CloseCode::ServiceRestart),
                        Tether::Protocol::retryAfterReason(300), 200);
    QVERIFY(m_connection->isClosing());
    QCOMPARE(m_connection->closeCode(), 1012);
    // Nothing goes out once closing: the goodbye is the last frame.
    m_connection->sendFrame(QJsonObject{ { str("type"), str("pong") } });
    m_connection->close(1000, str("again"), 200); // a second close changes nothing
    QCOMPARE(m_connection->closeCode(), 1012);

    const QJsonObject goodbye = m_client->waitFor(str("goodbye"));
    QCOMPARE(goodbye.value(str("code")).toInt(), 1012);
    QCOMPARE(goodbye.value(str("reason")).toString(), str("{\"retry_after_ms\":300}"));
    QCOMPARE(goodbye.value(str("retry_after_ms")).toInt(), 300);
    QVERIFY(m_client->waitClosed());
    QCOMPARE(m_client->intendedCloseCode(), 1012);
    QCOMPARE(m_client->frames().size(), 1);
}

void TestServerParts::errorIds()
{
    QVERIFY(connectPair());
    using Tether::Protocol::ErrorCode;
    m_connection->sendError(ErrorCode::NotMember, str("no id"), QJsonValue(QJsonValue::Undefined));
    m_connection->sendError(ErrorCode::BadJson, str("null id"), QJsonValue());
    m_connection->sendError(ErrorCode::RateLimited, str("with id"), str("m-1"));
    QVERIFY(QTest::qWaitFor([&] { return m_client->frames().size() == 3; }, kTimeout));
    const QList<QJsonObject> errors = m_client->framesOfType(str("error"));
    QCOMPARE(errors.size(), 3);
    QCOMPARE(errors[0].value(str("code")).toString(), str("not_member"));
    QVERIFY(!errors[0].contains(str("id")));
    QCOMPARE(errors[1].value(str("code")).toString(), str("bad_json"));
    QVERIFY(!errors[1].contains(str("id")));
    QCOMPARE(errors[2].value(str("code")).toString(), str("rate_limited"));
    QCOMPARE(errors[2].value(str("id")).toString(), str("m-1"));
    QCOMPARE(errors[2].value(str("message")).toString(), str("with id"));
}

void TestServerParts::localBrokerIsSynchronous()
{
    Tether::LocalBroker broker;
    broker.publish(str("lobby"), str("{}"), 0); // no delivery yet: dropped, no crash
    QStringList delivered;
    broker.setDelivery([&](const QString &conversation, const QString &text, quint64 except) {
        delivered.append(conversation + QLatin1Char(' ') + text + QLatin1Char(' ') + QString::number(except));
    });
    broker.publish(str("lobby"), str("{\"type\":\"typing\"}"), 42);
    // Delivered before publish() returned.
    QCOMPARE(delivered, QStringList{ str("lobby {\"type\":\"typing\"} 42") });
    Tether::MessageBroker &seam = broker;
    seam.publish(str("echo"), str("x"), 0);
    QCOMPARE(delivered.size(), 2);
    QCOMPARE(delivered.last(), str("echo x 0"));
}

void TestServerParts::httpResponse()
{
    QTcpServer listener;
    QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, listener.serverPort());
    QVERIFY(QTest::qWaitFor([&] { return listener.hasPendingConnections(); }, kTimeout));
    QTcpSocket *socket = listener.nextPendingConnection();
    Tether::HttpResponder::armTimeout(socket);
    QByteArray received;
    QObject::connect(&client, &QTcpSocket::readyRead, &client, [&] { received += client.readAll(); });
    bool closed = false;
    QObject::connect(&client, &QTcpSocket::disconnected, &client, [&] { closed = true; });

    const QJsonObject body{ { str("error"), str("method_not_allowed") }, { str("message"), str("use GET") } };
    Tether::HttpResponder::write(socket, 405, body, "Allow: GET\r\n");
    QVERIFY(QTest::qWaitFor([&] { return closed; }, kTimeout));
    received += client.readAll();
    const qsizetype split = received.indexOf("\r\n\r\n");
    QVERIFY(split > 0);
    const QByteArray head = received.left(split);
    const QByteArray payload = received.mid(split + 4);
    QVERIFY(head.startsWith("HTTP/1.1 405 Method Not Allowed\r\n"));
    QVERIFY(head.contains("\r\nContent-Type: application/json"));
    QVERIFY(head.contains("\r\nContent-Length: " + QByteArray::number(payload.size())));
    QVERIFY(head.contains("\r\nConnection: close"));
    QVERIFY(head.contains("\r\nAllow: GET"));
    QCOMPARE(QJsonDocument::fromJson(payload).object(), body);
    QCOMPARE(QByteArray(Tether::HttpResponder::reasonPhrase(999)), QByteArray("Error"));
    QCOMPARE(QByteArray(Tether::HttpResponder::reasonPhrase(431)), QByteArray("Request Header Fields Too Large"));
    delete socket;
}

QTEST_GUILESS_MAIN(TestServerParts)
#include "tst_server_parts.moc"
