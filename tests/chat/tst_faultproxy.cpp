// FaultProxy with real sockets on 127.0.0.1: an echo server behind the proxy, a client in front.

#include "faultproxy.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

using Tether::FaultProxy;

namespace {

// Echoes every byte back; counts connections it has seen.
class EchoServer : public QObject
{
public:
    EchoServer()
    {
        connect(&server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = server.nextPendingConnection()) {
                ++accepted;
                sockets.append(s);
                connect(s, &QTcpSocket::readyRead, s, [s] { s->write(s->readAll()); });
                connect(s, &QTcpSocket::disconnected, this, [this] { ++closed; });
            }
        });
    }
    bool listen() { return server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return server.serverPort(); }

    QTcpServer server;
    QList<QPointer<QTcpSocket>> sockets;
    int accepted = 0;
    int closed = 0;
};

} // namespace

class TestFaultProxy : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<EchoServer> m_echo;
    std::unique_ptr<FaultProxy> m_proxy;

    std::unique_ptr<QTcpSocket> connectClient()
    {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, m_proxy->port());
        if (!socket->waitForConnected(5000))
            return nullptr;
        return socket;
    }

    // Sends data and waits until `expected` bytes came back (or the timeout passes).
    static QByteArray roundTrip(QTcpSocket *socket, const QByteArray &data, int timeoutMs = 5000)
    {
        socket->write(data);
        QByteArray got;
        QElapsedTimer timer;
        timer.start();
        while (got.size() < data.size() && timer.elapsed() < timeoutMs) {
            if (socket->bytesAvailable() == 0)
                socket->waitForReadyRead(50);
            got += socket->readAll();
            QCoreApplication::processEvents();
        }
        return got;
    }

private Q_SLOTS:
    void init()
    {
        m_echo = std::make_unique<EchoServer>();
        QVERIFY(m_echo->listen());
        m_proxy = std::make_unique<FaultProxy>();
        m_proxy->setUpstream(QStringLiteral("127.0.0.1"), m_echo->port());
        QString error;
        QVERIFY2(m_proxy->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        QVERIFY(m_proxy->port() != 0);
    }

    void cleanup()
    {
        m_proxy.reset();
        m_echo.reset();
    }

    void parseCommand_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("param");
        QTest::newRow("pass") << "pass" << true << int(FaultProxy::Mode::Pass) << 0;
        QTest::newRow("pass spaced") << "  PASS  " << true << int(FaultProxy::Mode::Pass) << 0;
        QTest::newRow("delay") << "delay 200" << true << int(FaultProxy::Mode::Delay) << 200;
        QTest::newRow("delay 0") << "delay 0" << true << int(FaultProxy::Mode::Delay) << 0;
        QTest::newRow("delay missing") << "delay" << false << 0 << 0;
        QTest::newRow("delay negative") << "delay -5" << false << 0 << 0;
        QTest::newRow("delay junk") << "delay abc" << false << 0 << 0;
        QTest::newRow("delay extra") << "delay 5 6" << false << 0 << 0;
        QTest::newRow("drop") << "drop" << true << int(FaultProxy::Mode::Drop) << 0;
        QTest::newRow("drop extra") << "drop now" << false << 0 << 0;
        QTest::newRow("blackhole") << "blackhole" << true << int(FaultProxy::Mode::Blackhole) << 0;
        QTest::newRow("refuse") << "refuse" << true << int(FaultProxy::Mode::Refuse) << 0;
        QTest::newRow("throttle") << "throttle 4096" << true << int(FaultProxy::Mode::Throttle) << 4096;
        QTest::newRow("stall") << "stall" << true << int(FaultProxy::Mode::Stall) << 0;
        QTest::newRow("throttle zero") << "throttle 0" << false << 0 << 0;
        QTest::newRow("unknown") << "explode" << false << 0 << 0;
        QTest::newRow("empty") << "   " << false << 0 << 0;
    }

    void parseCommand()
    {
        QFETCH(QString, line);
        QFETCH(bool, ok);
        QFETCH(int, mode);
        QFETCH(int, param);
        FaultProxy::Mode parsedMode = FaultProxy::Mode::Refuse;
        int parsedParam = -1;
        QString error;
        QCOMPARE(FaultProxy::parseCommand(line, &parsedMode, &parsedParam, &error), ok);
        if (ok) {
            QCOMPARE(int(parsedMode), mode);
            QCOMPARE(parsedParam, param);
            QVERIFY(error.isEmpty());
        } else {
            QVERIFY(!error.isEmpty());
        }
    }

    void setModeRejectsBadValues()
    {
        QString error;
        QVERIFY(!m_proxy->setMode(FaultProxy::Mode::Throttle, 0, &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(!m_proxy->setMode(FaultProxy::Mode::Delay, -1, &error));
        QCOMPARE(m_proxy->mode(), FaultProxy::Mode::Pass);
    }

    void listenTwiceFails()
    {
        QString error;
        QVERIFY(!m_proxy->listen(QHostAddress::LocalHost, 0, &error));
        QVERIFY(error.contains(QLatin1String("already")));
    }

    void pass()
    {
        auto client = connectClient();
        QVERIFY(client);
        const QByteArray data(100000, 'x');
        QCOMPARE(roundTrip(client.get(), data), data);
        QTRY_COMPARE(m_proxy->connectionCount(), 1);
        QCOMPARE(m_proxy->acceptedCount(), 1);
    }

    void delay()
    {
        auto client = connectClient();
        QVERIFY(client);
        QCOMPARE(roundTrip(client.get(), "warm"), QByteArray("warm"));
        QVERIFY(m_proxy->setMode(FaultProxy::Mode::Delay, 150));
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(roundTrip(client.get(), "hello"), QByteArray("hello"));
        // Delayed in both directions.
        QVERIFY2(timer.elapsed() >= 290, qPrintable(QString::number(timer.elapsed())));
        QVERIFY(m_proxy->setMode(FaultProxy::Mode::Pass));
        timer.restart();
        QCOMPARE(roundTrip(client.get(), "fast"), QByteArray("fast"));
        QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
    }

    void delayKeepsOrderWhenSwitchedToPass()
    {
        auto client = connectClient();
        QVERIFY(client);
        QCOMPARE(roundTrip(client.get(), "0"), QByteArray("0"));
        QVERIFY(m_proxy->setMode(FaultProxy::Mode::Delay, 300));
        client->write("first-");
        client->flush();
        QTRY_VERIFY(m_echo->sockets.size() == 1);
        QVERIFY(m_proxy->setMode(FaultProxy::Mode::Pass));
        QCOMPARE(roundTrip(client.get(), "second"), QByteArray("first-second"));
    }

    void drop()
    {
        auto client = connectClient();
        QVERIFY(client);
        QCOMPARE(roundTrip(client.get(), "ping"), QByteArray("ping"));
        QSignalSpy clientGone(client.get(), &QTcpSocket::disconnected);
        QSignalSpy clientError(client.get(), &QAbstractSocket::errorOccurred);
        QVERIFY(m_proxy->setMode(FaultProxy::Mode::Drop));
        QVERIFY(clientGone.wait(5000) || clientGone.count() == 1);
        QVERIFY(clientError.count() >= 1);
        const auto error = clientError.first().first().value<QAbstractSocket::SocketError>();
        QVERIFY2(error == QAbstractSocket::RemoteHostClosedError || error == QAbstractSocket::NetworkError,
                 qPrintable(client->errorString()));
        QTRY_COMPARE(m_echo->closed, 1); // the server side is reset too
        QCOMPARE(m_proxy->droppedCount(), 1);
        QCOMPARE(m_proxy->mode(), FaultProxy::Mode::Pass);
        // New connections work again.
        auto again = connectClient();
        QVERIFY(again);
        QCOMPARE(roundTrip(again.get(), "back"), QByteArray("back"));
    }

    void blackhole()
    {
        auto client = connectClient();
        QVERIFY(client);
        QCOMPARE(roundTrip(client.get(), "ping"), QByteArray("ping"));
        QVERIFY(m_proxy->setMode(FaultProxy::Mode::Blackhole));
        QSignalSpy gone(client.get(), &QTcpSocket::disconnected);
        client->write("lost");
        QVERIFY(!client->waitForReadyRead(400)); // nothing comes back...
        QCOMPARE(client->state(), QAbstractSocket::ConnectedState); // ...and nothing says so
        QCOMPARE(gone.count(), 0);

        // A new connection is accepted but never reaches the server.
        const int serverSeen = m_echo->accepted;
        auto halfOpen = connectClient();
        QVERIFY(halfOpen);
        halfOpen->write("x");
        QVERIFY(!halfOpen->waitForReadyRead(300));
        QCOMPARE(m_echo->accepted, serverSeen);

        // Back to pass: the dead links stay dead, new ones work.
        QVERIFY(m_proxy->setMode(FaultProxy::Mode::Pass));
        client->write("still lost");
        QVERIFY(!client->waitForReadyRead(300));
        auto fresh = connectClient();
        QVERIFY(fresh);
        QCOMPARE(roundTrip(fresh.get(), "alive"), QByteArray("alive"));
        QCOMPARE(m_proxy->connectionCount(), 3);
        client->abort();
        halfOpen->abort();
        QTRY_COMPARE(m_proxy->connectionCount(), 1);
    }

    void refuse()
    {
        auto existing = connectClient();
        QVERIFY(existing);
        QCOMPARE(roundTrip(existing.get(), "a"), QByteArray("a"));
        QVERIFY(m_proxy->setMode(FaultProxy::Mode::Refuse));
        QTcpSocket rejected;
        QSignalSpy errors(&rejected, &QAbstractSocket::errorOccurred);
        rejected.connectToHost(QHostAddress::LocalHost, m_proxy->port());
        QTRY_VERIFY_WITH_TIMEOUT(errors.count() >= 1, 5000);
        QCOMPARE(errors.first().first().value<QAbstractSocket::SocketError>(),
                 QAbstractSocket::ConnectionRefusedError);
        QVERIFY(rejected.state() != QAbstractSocket::ConnectedState);
        QVERIFY(m_proxy->isListening()); // still "ours": the port comes back on pass
        // The existing connection is untouched.
        QCOMPARE(roundTrip(existing.get(), "b"), QByteArray("b"));
        QVERIFY(m_proxy->setMode(FaultProxy::Mode::Pass));
        auto again = connectClient();
        QVERIFY(again);
        QCOMPARE(roundTrip(again.get(), "c"), QByteArray("c"));
    }

    void throttle()
    {
        auto client = connectClient();
        QVERIFY(client);
        QCOMPARE(roundTrip(client.get(), "a"), QByteArray("a"));
        QVERIFY(m_proxy->setMode(FaultProxy::Mode::Throttle, 10000));
        const QByteArray data(4000, 'z');
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(roundTrip(client.get(), data, 10000), data);
        // 4000 bytes at 10000 B/s take >= ~0.4 s one way; allow for the burst allowance.
        QVERIFY2(timer.elapsed() >= 300, qPrintable(QString::number(timer.elapsed())));
    }

    // Stall reads nothing: what a sender writes piles up in its own socket (TCP backpressure, as
    // from a peer that does not read), and travels once the proxy passes again.
    void stallPushesBack()
    {
        auto client = connectClient();
        QVERIFY(client);
        QCOMPARE(roundTrip(client.get(), "a"), QByteArray("a"));
        QVERIFY(m_proxy->setMode(FaultProxy::Mode::Stall));
        const QByteArray data(32 * 1024 * 1024, 's');
        client->write(data);
        // The kernel and the proxy's bounded buffer take a few MB; the rest stays with the sender.
        QTRY_VERIFY_WITH_TIMEOUT(client->bytesToWrite() > 8 * 1024 * 1024 && client->bytesToWrite() < data.size(), 10000);
        QCOMPARE(client->bytesAvailable(), 0);
        QVERIFY(m_proxy->setMode(FaultProxy::Mode::Pass));
        QByteArray got;
        QTRY_VERIFY_WITH_TIMEOUT((got += client->readAll()).size() == data.size(), 30000);
        QCOMPARE(got, data);
    }

    void upstreamDownResetsClient()
    {
        m_proxy->setUpstream(QStringLiteral("127.0.0.1"), 1); // nothing listens on port 1
        QTcpSocket client;
        QSignalSpy gone(&client, &QTcpSocket::disconnected);
        client.connectToHost(QHostAddress::LocalHost, m_proxy->port());
        QVERIFY(gone.wait(5000));
        QTRY_COMPARE(m_proxy->connectionCount(), 0);
    }

    void clientCloseClosesServerSide()
    {
        auto client = connectClient();
        QVERIFY(client);
        QCOMPARE(roundTrip(client.get(), "a"), QByteArray("a"));
        client->disconnectFromHost();
        QTRY_COMPARE(m_echo->closed, 1);
        QTRY_COMPARE(m_proxy->connectionCount(), 0);
    }

    void executable()
    {
        QProcess process;
        process.setProgram(QStringLiteral(TETHER_FAULTPROXY_EXE));
        process.setArguments({QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--upstream"),
                              QStringLiteral("127.0.0.1:%1").arg(m_echo->port())});
        process.start();
        QVERIFY(process.waitForStarted(5000));
        QTRY_VERIFY_WITH_TIMEOUT(process.canReadLine(), 10000);
        const QJsonObject listening = QJsonDocument::fromJson(process.readLine()).object();
        QCOMPARE(listening.value(QLatin1String("event")).toString(), QStringLiteral("listening"));
        const int port = listening.value(QLatin1String("port")).toInt();
        QVERIFY(port > 0);

        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, quint16(port));
        QVERIFY(client.waitForConnected(5000));
        QCOMPARE(roundTrip(&client, "via exe"), QByteArray("via exe"));

        process.write("delay 50\n");
        QTRY_VERIFY_WITH_TIMEOUT(process.canReadLine(), 10000);
        QJsonObject reply = QJsonDocument::fromJson(process.readLine()).object();
        QCOMPARE(reply.value(QLatin1String("mode")).toString(), QStringLiteral("delay"));
        QCOMPARE(reply.value(QLatin1String("param")).toInt(), 50);

        process.write("nonsense\n");
        QTRY_VERIFY_WITH_TIMEOUT(process.canReadLine(), 10000);
        reply = QJsonDocument::fromJson(process.readLine()).object();
        QCOMPARE(reply.value(QLatin1String("event")).toString(), QStringLiteral("error"));
        QVERIFY(!reply.value(QLatin1String("message")).toString().isEmpty());

        process.write("drop\n");
        QTRY_VERIFY_WITH_TIMEOUT(client.state() == QAbstractSocket::UnconnectedState, 10000);

        process.write("quit\n");
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 0);
    }

    void executableBadFlags()
    {
        QProcess process;
        process.start(QStringLiteral(TETHER_FAULTPROXY_EXE), {QStringLiteral("--listen"), QStringLiteral("nonsense")});
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 2);
        QVERIFY(process.readAllStandardError().contains("--listen"));
        process.start(QStringLiteral(TETHER_FAULTPROXY_EXE), {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 2);
        QVERIFY(process.readAllStandardError().contains("--upstream"));
    }
};

QTEST_GUILESS_MAIN(TestFaultProxy)
#include "tst_faultproxy.moc"
