// MessageModel fed by a real ChatSession against a real tether server on 127.0.0.1: our message
// keeps the time it was written after the server acknowledges it, and after a restart (finding 7);
// the "unread" line goes above the first message the user has not seen, also through the window.

#include "chatserver.h"
#include "chatsession.h"
#include "chatwindow.h"
#include "connectionmanager.h"
#include "language.h"
#include "messagemodel.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Tether;
using D = ChatMessage::Delivery;

class TestMessageModel : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ChatServer> m_server;

    // A guest with its own store, synced with the server.
    struct Client
    {
        std::unique_ptr<ConnectionManager> connection;
        std::unique_ptr<ChatSession> session;
    };
    std::unique_ptr<Client> client(const QString &store)
    {
        auto c = std::make_unique<Client>();
        ConnectionConfig config;
        config.url = m_server->webSocketUrl();
        config.backoff.initialMs = 50;
        config.backoff.maxMs = 200;
        c->connection = std::make_unique<ConnectionManager>(config);
        ChatSessionConfig chatConfig;
        chatConfig.databasePath = m_dir.filePath(store);
        c->session = std::make_unique<ChatSession>(c->connection.get(), chatConfig);
        return c;
    }
    static int unreadOf(ChatSession *session, const QString &conversation)
    {
        for (const Conversation &c : session->conversations()) {
            if (c.id == conversation)
                return c.unread;
        }
        return -1;
    }
    static QString idOf(ChatSession *session, const QString &conversation, const QString &text)
    {
        for (const ChatMessage &m : session->messages(conversation)) {
            if (m.text == text)
                return m.id;
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(Language::apply(QStringLiteral("en")));
        QVERIFY(m_dir.isValid());
        ServerConfig config;
        config.databasePath = m_dir.filePath(QStringLiteral("server.sqlite"));
        config.allowGuests = true;
        config.demo = true;
        m_server = std::make_unique<ChatServer>(config);
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
    }
    void cleanupTestCase() { m_server.reset(); }

    // Finding 7: written offline, delivered later; the time shown stays the time written.
    void writtenTimeSurvivesDeliveryAndRestart()
    {
        auto alice = client(QStringLiteral("written.sqlite"));
        QVERIFY(alice->session->open());
        MessageModel model;
        model.setSession(alice->session.get());
        alice->connection->open();
        QTRY_VERIFY_WITH_TIMEOUT(alice->session->isSynced(), 15000);
        model.setConversation(QStringLiteral("echo"));
        alice->connection->close();
        QTRY_COMPARE_WITH_TIMEOUT(alice->connection->state(), ConnectionState::Disconnected, 10000);

        const QString text = QStringLiteral("written while offline");
        const QString id = alice->session->send(QStringLiteral("echo"), text);
        QVERIFY(!id.isEmpty());
        QCOMPARE(model.index(model.rowOf(id)).data(MessageModel::DeliveryRole).toInt(), int(D::Queued));
        const QDateTime written = model.index(model.rowOf(id)).data(MessageModel::TimestampRole).toDateTime();
        QVERIFY(written.isValid());
        // The server stamps the message when it arrives: make that measurably later than writing.
        QTRY_VERIFY(QDateTime::currentMSecsSinceEpoch() >= written.toMSecsSinceEpoch() + 50);

        alice->connection->open();
        QTRY_COMPARE_WITH_TIMEOUT(model.index(model.rowOf(id)).data(MessageModel::DeliveryRole).toInt(), int(D::Sent), 15000);
        QCOMPARE(model.index(model.rowOf(id)).data(MessageModel::TimestampRole).toDateTime(), written);
        // The echo bot answers at the server's time: proof that the server's clock had moved on.
        QTRY_VERIFY_WITH_TIMEOUT(!idOf(alice->session.get(), QStringLiteral("echo"), text).isEmpty()
                                     && model.rowCount() >= 2 && model.messageAt(model.rowCount() - 1).from != alice->session->userName(),
                                 15000);
        const ChatMessage echoed = model.messageAt(model.rowCount() - 1);
        QVERIFY2(echoed.timestamp >= written.addMSecs(50), qPrintable(echoed.timestamp.toString(Qt::ISODateWithMs)));
        alice->connection->close();
        model.setSession(nullptr);

        // A restart reads the store: the same time.
        ChatSessionConfig chatConfig;
        chatConfig.databasePath = m_dir.filePath(QStringLiteral("written.sqlite"));
        ChatSession again(alice->connection.get(), chatConfig);
        QVERIFY(again.open());
        MessageModel after;
        after.setSession(&again);
        after.setConversation(QStringLiteral("echo"));
        const int row = after.rowOf(id);
        QVERIFY(row >= 0);
        QCOMPARE(after.index(row).data(MessageModel::DeliveryRole).toInt(), int(D::Sent));
        QCOMPARE(after.index(row).data(MessageModel::TimestampRole).toDateTime(), written);
    }

    // The line marks where the messages the user has not seen begin; reading keeps it in place,
    // and messages that stay unread while the conversation is shown move it down to them.
    void unreadLineFromTheSession()
    {
        auto alice = client(QStringLiteral("alice.sqlite"));
        auto bob = client(QStringLiteral("bob.sqlite"));
        QVERIFY(alice->session->open());
        QVERIFY(bob->session->open());
        alice->connection->open();
        bob->connection->open();
        QTRY_VERIFY_WITH_TIMEOUT(alice->session->isSynced() && bob->session->isSynced(), 15000);
        const QString lobby = QStringLiteral("lobby");
        QVERIFY(!alice->session->send(lobby, QStringLiteral("alice says hi")).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(!idOf(bob->session.get(), lobby, QStringLiteral("alice says hi")).isEmpty(), 15000);
        for (int i = 1; i <= 3; ++i)
            QVERIFY(!bob->session->send(lobby, QStringLiteral("bob %1").arg(i)).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(unreadOf(alice->session.get(), lobby), 3, 15000);

        MessageModel model;
        model.setSession(alice->session.get());
        model.setConversation(lobby);
        const QString first = idOf(alice->session.get(), lobby, QStringLiteral("bob 1"));
        QVERIFY(!first.isEmpty());
        QCOMPARE(model.unreadMarker(), first);
        QCOMPARE(model.index(model.rowOf(first)).data(MessageModel::UnreadMarkerRole).toBool(), true);

        alice->session->markRead(lobby); // the user read them: the line stays
        QCOMPARE(unreadOf(alice->session.get(), lobby), 0);
        QCOMPARE(model.unreadMarker(), first);

        // Two more arrive and nobody marks them read (the window is hidden): the line moves to them.
        QVERIFY(!bob->session->send(lobby, QStringLiteral("bob 4")).isEmpty());
        QVERIFY(!bob->session->send(lobby, QStringLiteral("bob 5")).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(unreadOf(alice->session.get(), lobby), 2, 15000);
        QCOMPARE(model.unreadMarker(), idOf(alice->session.get(), lobby, QStringLiteral("bob 4")));
        alice->session->markRead(QStringLiteral("echo"));
        model.setConversation(QStringLiteral("echo")); // another conversation, all read: no line
        QCOMPARE(model.unreadMarker(), QString());

        // Through the window: opening the conversation shows the line and marks the messages read.
        model.setSession(nullptr);
        ChatWindow window;
        window.setConnection(alice->connection.get());
        window.setSession(alice->session.get());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.selectConversation(QStringLiteral("echo"));
        QTRY_COMPARE(window.currentConversation(), QStringLiteral("echo"));
        QVERIFY(!bob->session->send(lobby, QStringLiteral("bob 6")).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(unreadOf(alice->session.get(), lobby), 3, 15000);
        window.selectConversation(lobby);
        QTRY_COMPARE(window.currentConversation(), lobby);
        QCOMPARE(window.messageModel()->unreadMarker(), idOf(alice->session.get(), lobby, QStringLiteral("bob 4")));
        QTRY_COMPARE(unreadOf(alice->session.get(), lobby), 0);
        QCOMPARE(window.messageModel()->unreadMarker(), idOf(alice->session.get(), lobby, QStringLiteral("bob 4")));
        alice->connection->close();
        bob->connection->close();
    }
};

QTEST_MAIN(TestMessageModel)
#include "tst_messagemodel.moc"
