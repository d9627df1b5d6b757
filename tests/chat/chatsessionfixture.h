#pragma once
// Shared by tst_chatsession and tst_chatsync: one chat client (Peer: its own network monitor,
// connection, session and database file), a scripted protocol peer for what the real server never
// does, and SessionFixture: a ChatServer with alice and bob (no rate limits), their tokens and a
// temporary folder for the clients' databases.

#include "chatsession.h"
#include "chattestutil.h"
#include "connectionmanager.h"
#include "manualnetworkmonitor.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QWebSocketServer>
#include <QtTest>

#include <memory>

namespace ChatTest {

using namespace Tether;

// One chat client: its own network monitor, connection, session and database file.
struct Peer
{
    ManualNetworkMonitor monitor;
    std::unique_ptr<ConnectionManager> connection;
    std::unique_ptr<ChatSession> session;
    QString dbPath;
    QList<ChatMessage> added;          // every messagesAdded payload, in order
    int addedSignals = 0;
    QList<ChatMessage> updates;
    QStringList errors;

    Peer(const ConnectionConfig &config, const QString &db, ChatSessionConfig chatConfig = {})
    {
        dbPath = db;
        connection = std::make_unique<ConnectionManager>(config, &monitor);
        chatConfig.databasePath = db;
        session = std::make_unique<ChatSession>(connection.get(), chatConfig);
        QObject::connect(session.get(), &ChatSession::messagesAdded, session.get(),
                         [this](const QString &, const QList<ChatMessage> &list) {
                             added.append(list);
                             ++addedSignals;
                         });
        QObject::connect(session.get(), &ChatSession::messageUpdated, session.get(),
                         [this](const ChatMessage &m) { updates.append(m); });
        QObject::connect(session.get(), &ChatSession::errorOccurred, session.get(),
                         [this](ChatSession::Error code, const QString &) { errors.append(ChatSession::errorName(code)); });
    }

    bool openAndSync()
    {
        QString error;
        if (!session->isOpen() && !session->open(&error)) {
            qWarning() << error;
            return false;
        }
        QSignalSpy synced(session.get(), &ChatSession::synced);
        connection->open();
        return synced.wait(kTimeout) || session->isSynced();
    }

    // Received texts (not our own pending ones) in the order messagesAdded delivered them.
    QStringList receivedTexts(const QString &conversation) const
    {
        QStringList texts;
        for (const ChatMessage &m : added)
            if (m.conversation == conversation && m.delivery == ChatMessage::Delivery::Received)
                texts.append(m.text);
        return texts;
    }

    ChatMessage lastUpdate(const QString &id) const
    {
        for (int i = updates.size() - 1; i >= 0; --i)
            if (updates.at(i).id == id)
                return updates.at(i);
        return {};
    }

    // The held messages of a conversation: seq order, no duplicate seq or id.
    static bool strictlyOrdered(const QList<ChatMessage> &list, QString *why)
    {
        QSet<QString> ids;
        qint64 last = 0;
        for (const ChatMessage &m : list) {
            if (m.seq == 0)
                continue; // pending
            if (m.seq != last + 1) {
                *why = QStringLiteral("seq %1 follows %2").arg(m.seq).arg(last);
                return false;
            }
            if (ids.contains(m.id)) {
                *why = QStringLiteral("id %1 twice").arg(m.id);
                return false;
            }
            ids.insert(m.id);
            last = m.seq;
        }
        return true;
    }
};

// A scripted protocol peer for behaviour the real server never shows (gaps, garbage).
class ScriptedServer : public QObject
{
public:
    ScriptedServer() : server(QStringLiteral("scripted"), QWebSocketServer::NonSecureMode)
    {
        connect(&server, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *s = server.nextPendingConnection()) {
                s->setParent(this); // the caller owns what nextPendingConnection() returns
                socket = s;
                connect(s, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
                    received.append(QJsonDocument::fromJson(text.toUtf8()).object());
                });
            }
        });
    }
    bool listen() { return server.listen(QHostAddress::LocalHost, 0); }
    QUrl url() const { return QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(server.serverPort())); }
    void send(const QJsonObject &frame)
    {
        socket->sendTextMessage(QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
    }
    QJsonObject waitFor(const QString &type)
    {
        QJsonObject found;
        (void)QTest::qWaitFor([&] {
            for (int i = cursor; i < received.size(); ++i) {
                if (received.at(i).value(QLatin1String("type")).toString() == type) {
                    found = received.at(i);
                    cursor = i + 1;
                    return true;
                }
            }
            return false;
        }, kTimeout);
        return found;
    }
    static QJsonObject message(qint64 seq, const QString &conversation = str("room"))
    {
        return {{str("type"), str("message")}, {str("conversation"), conversation}, {str("seq"), seq},
                {str("id"), QStringLiteral("srv-%1").arg(seq)}, {str("from"), str("bob")},
                {str("text"), QStringLiteral("m%1").arg(seq)}, {str("ts"), 1700000000000.0 + double(seq)}};
    }

    QWebSocketServer server;
    QPointer<QWebSocket> socket;
    QList<QJsonObject> received;
    int cursor = 0;
};

class SessionFixture : public QObject
{
protected:
    std::unique_ptr<ChatTest::Server> m_server;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_aliceToken;
    QString m_bobToken;

    QString db(const QString &name) const { return m_dir->filePath(name); }

    std::unique_ptr<Peer> peer(const QString &token, const QString &dbName, ChatSessionConfig chat = {},
                               const QUrl &url = QUrl())
    {
        return std::make_unique<Peer>(
                ChatTest::fastConfig(url.isEmpty() ? m_server->server->webSocketUrl() : url, token), db(dbName), chat);
    }

    // For init(): QVERIFY here fails the test function, which then does not run.
    void setUp()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_server = std::make_unique<ChatTest::Server>();
        m_server->config.rateLimitPerSecond = 0; // the tests flood on purpose
        m_server->config.userRatePerSecond = 0;
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        QVERIFY(m_server->addUser(str("alice")));
        QVERIFY(m_server->addUser(str("bob")));
        m_aliceToken = ChatTest::login(m_server->server->httpUrl(), str("alice"));
        m_bobToken = ChatTest::login(m_server->server->httpUrl(), str("bob"));
        QVERIFY(!m_aliceToken.isEmpty());
        QVERIFY(!m_bobToken.isEmpty());
    }

    // For cleanup().
    void tearDown()
    {
        m_server.reset();
        m_dir.reset();
    }
};

} // namespace ChatTest
