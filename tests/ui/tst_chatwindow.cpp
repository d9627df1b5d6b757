// The chat window against a real tether server on 127.0.0.1: Enter sends and Shift+Enter does not,
// delivery moves from pending to sent, a message written offline is queued visibly and goes out
// on reconnect, the echo bot's reply arrives, and thousands of messages load without freezing.

#include "chatserver.h"
#include "chatsession.h"
#include "chatwindow.h"
#include "composer.h"
#include "connectionbanner.h"
#include "connectionmanager.h"
#include "conversationmodel.h"
#include "language.h"
#include "messagemodel.h"
#include "statusindicator.h"

#include <QElapsedTimer>
#include <QLabel>
#include <QLoggingCategory>
#include <QListView>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QWebSocket>
#include <QTest>

using namespace Tether;
using D = ChatMessage::Delivery;

class tst_ChatWindow : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ChatServer> m_server;

    static int rowWithText(const MessageModel *model, const QString &text)
    {
        for (int i = 0; i < model->rowCount(); ++i) {
            if (model->messageAt(i).text == text)
                return i;
        }
        return -1;
    }
    static int rowFrom(const MessageModel *model, const QString &from, const QString &text)
    {
        for (int i = 0; i < model->rowCount(); ++i) {
            if (model->messageAt(i).from == from && model->messageAt(i).text == text)
                return i;
        }
        return -1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(Language::apply(QStringLiteral("en"))); // as the app does: English plurals come from tether_en.ts
        QVERIFY(m_dir.isValid());
        ServerConfig config;
        config.databasePath = m_dir.filePath(QStringLiteral("server.sqlite"));
        config.allowGuests = true;
        config.demo = true;
        config.passwordIterations = 1000;
        m_server = std::make_unique<ChatServer>(config);
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
    }

    void cleanupTestCase() { m_server.reset(); }

    void sendReceiveAndQueueOffline()
    {
        ConnectionConfig config;
        config.url = m_server->webSocketUrl();
        config.backoff.initialMs = 50;
        config.backoff.maxMs = 200;
        ConnectionManager connection(config);
        ChatSessionConfig chatConfig;
        chatConfig.databasePath = m_dir.filePath(QStringLiteral("chat.sqlite"));
        ChatSession session(&connection, chatConfig);
        QString error;
        QVERIFY2(session.open(&error), qPrintable(error));

        ChatWindow window;
        window.setConnection(&connection);
        window.setSession(&session);
        window.show();
        connection.open();
        QTRY_VERIFY_WITH_TIMEOUT(session.isSynced(), 15000);
        QTRY_VERIFY_WITH_TIMEOUT(window.conversationModel()->rowOf(QStringLiteral("echo")) >= 0, 5000);
        QCOMPARE(window.indicator()->headline(), StatusLogic::Headline::Online);
        window.selectConversation(QStringLiteral("echo"));
        QCOMPARE(window.currentConversation(), QStringLiteral("echo"));
        const int before = window.messageModel()->rowCount();

        // Shift+Enter is a new line, Enter sends.
        window.composer()->setFocus();
        QTest::keyClicks(window.composer(), QStringLiteral("hello"));
        QTest::keyClick(window.composer(), Qt::Key_Return, Qt::ShiftModifier);
        QTest::keyClicks(window.composer(), QStringLiteral("world"));
        QCOMPARE(window.composer()->toPlainText(), QStringLiteral("hello\nworld"));
        QCOMPARE(window.messageModel()->rowCount(), before);
        QTest::keyClick(window.composer(), Qt::Key_Return);
        QVERIFY(window.composer()->toPlainText().isEmpty());
        const QString text = QStringLiteral("hello\nworld");
        QVERIFY(rowWithText(window.messageModel(), text) >= 0);
        QTRY_COMPARE_WITH_TIMEOUT(window.messageModel()->messageAt(rowWithText(window.messageModel(), text)).delivery,
                                  D::Sent, 10000);
        QVERIFY(window.messageModel()->messageAt(rowWithText(window.messageModel(), text)).outgoing);
        QTRY_VERIFY_WITH_TIMEOUT(rowFrom(window.messageModel(), QStringLiteral("echo-bot"), text) >= 0, 10000);
        QVERIFY(window.outboxLabel()->isHidden());

        // Offline: the message is kept, shown as waiting, counted in the status bar...
        connection.close();
        QTRY_COMPARE_WITH_TIMEOUT(connection.state(), ConnectionState::Disconnected, 10000);
        QTest::keyClicks(window.composer(), QStringLiteral("written offline"));
        QTest::keyClick(window.composer(), Qt::Key_Enter);
        const int offline = rowWithText(window.messageModel(), QStringLiteral("written offline"));
        QVERIFY(offline >= 0);
        QCOMPARE(window.messageModel()->messageAt(offline).delivery, D::Queued);
        QVERIFY(!window.outboxLabel()->isHidden());
        QCOMPARE(window.outboxLabel()->text(), QStringLiteral("1 message waiting to send"));

        // ...and sent when the connection is back.
        connection.open();
        QTRY_COMPARE_WITH_TIMEOUT(
            window.messageModel()->messageAt(rowWithText(window.messageModel(), QStringLiteral("written offline"))).delivery,
            D::Sent, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(window.outboxLabel()->isHidden(), 5000);
        connection.close();
    }

    // A replay of thousands of messages arrives in batches; the window stays responsive (a timer
    // keeps firing) and follows the bottom.
    void thousandsOfMessagesStayResponsive()
    {
        ChatWindow window;
        window.conversationModel()->setConversations({{QStringLiteral("big"), QStringLiteral("Big"), 0, 0}});
        window.selectConversation(QStringLiteral("big"));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        QElapsedTimer gapTimer;
        gapTimer.start();
        qint64 worstGap = 0;
        QTimer ticker;
        ticker.setInterval(10);
        connect(&ticker, &QTimer::timeout, this, [&] {
            worstGap = qMax(worstGap, gapTimer.restart());
        });
        ticker.start();

        const int total = 5000;
        const int batch = 250;
        QElapsedTimer elapsed;
        elapsed.start();
        int made = 0;
        while (made < total) {
            QList<ChatMessage> messages;
            for (int i = 0; i < batch; ++i, ++made) {
                ChatMessage m;
                m.id = QStringLiteral("m%1").arg(made);
                m.conversation = QStringLiteral("big");
                m.seq = made + 1;
                m.from = made % 3 ? QStringLiteral("alice") : QStringLiteral("bob");
                m.text = QStringLiteral("Replayed message number %1 with some words to wrap around the bubble").arg(made);
                m.timestamp = QDateTime::currentDateTime().addSecs(made - total);
                messages << m;
            }
            window.messageModel()->appendMessages(messages);
            QTest::qWait(1); // the event loop runs between batches, as with the session's signals
        }
        QCOMPARE(window.messageModel()->rowCount(), total);
        QTRY_VERIFY_WITH_TIMEOUT(window.messageView()->verticalScrollBar()->maximum() > 0, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(window.messageView()->verticalScrollBar()->value(),
                                  window.messageView()->verticalScrollBar()->maximum(), 20000);
        ticker.stop();
        qInfo("5000 messages in %lld ms; longest event-loop gap %lld ms", elapsed.elapsed(), worstGap);
        QVERIFY2(elapsed.elapsed() < 60000, "loading took far too long");
        QVERIFY2(worstGap < 3000, "the event loop was blocked for seconds");
    }

    // The real thing: a server holding thousands of messages replays them to a fresh client; the
    // session's batched signals fill the window while the event loop keeps running.
    void realReplayOfThousands()
    {
        QTemporaryDir dir;
        ServerConfig serverConfig;
        serverConfig.databasePath = dir.filePath(QStringLiteral("s.sqlite"));
        serverConfig.allowGuests = true;
        serverConfig.demo = true;
        serverConfig.rateLimitPerSecond = 0; // the writer below floods on purpose
        serverConfig.userRatePerSecond = 0;
        ChatServer server(serverConfig);
        QVERIFY(server.start());
        QLoggingCategory::setFilterRules(QStringLiteral("tether.*.info=false\ntether.*.debug=false"));
        const int total = 3000;
        QElapsedTimer writing;
        writing.start();
        {
            // A raw client floods the backlog (no chat layer pacing): send frames, count the acks.
            QWebSocket writer;
            int acks = 0;
            connect(&writer, &QWebSocket::textMessageReceived, this, [&](const QString &text) {
                if (text.contains(QLatin1String("\"type\":\"ack\"")))
                    ++acks;
            });
            writer.open(server.webSocketUrl());
            QTRY_COMPARE_WITH_TIMEOUT(writer.state(), QAbstractSocket::ConnectedState, 10000);
            writer.sendTextMessage(QStringLiteral("{\"type\":\"hello\",\"protocol\":1}"));
            for (int i = 0; i < total; ++i)
                writer.sendTextMessage(QStringLiteral("{\"type\":\"send\",\"id\":\"b%1\",\"conversation\":\"lobby\",\"text\":\"backlog message %1\"}").arg(i));
            QTRY_COMPARE_WITH_TIMEOUT(acks, total, 120000);
            writer.close();
        }
        qInfo("wrote %d messages in %lld ms", total, writing.elapsed());

        ConnectionConfig config;
        config.url = server.webSocketUrl();
        ConnectionManager connection(config);
        ChatSessionConfig chatConfig;
        chatConfig.databasePath = dir.filePath(QStringLiteral("reader.sqlite"));
        ChatSession session(&connection, chatConfig);
        QVERIFY(session.open());
        ChatWindow window;
        window.setConnection(&connection);
        window.setSession(&session);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        QElapsedTimer gapTimer;
        gapTimer.start();
        qint64 worstGap = 0;
        QTimer ticker;
        ticker.setInterval(10);
        connect(&ticker, &QTimer::timeout, this, [&] { worstGap = qMax(worstGap, gapTimer.restart()); });
        ticker.start();
        QElapsedTimer elapsed;
        elapsed.start();
        connection.open();
        QTRY_VERIFY_WITH_TIMEOUT(session.isSynced(), 60000);
        window.selectConversation(QStringLiteral("lobby"));
        QTRY_VERIFY_WITH_TIMEOUT(window.messageModel()->rowCount() >= total, 60000);
        ticker.stop();
        qInfo("replay of %d messages shown in %lld ms; longest event-loop gap %lld ms", total, elapsed.elapsed(), worstGap);
        QVERIFY2(worstGap < 3000, "the event loop was blocked for seconds");
        QCOMPARE(window.messageModel()->messageAt(window.messageModel()->rowCount() - 1).text,
                 QStringLiteral("backlog message %1").arg(total - 1));
        connection.close();
    }

    void typingIndicatorAndUnreadBadges()
    {
        ChatWindow window;
        window.conversationModel()->setConversations({{QStringLiteral("lobby"), QStringLiteral("Lobby"), 5, 0},
                                                      {QStringLiteral("team"), QStringLiteral("Team"), 9, 0}});
        window.selectConversation(QStringLiteral("lobby"));
        window.setUserName(QStringLiteral("carol"));
        window.show();
        QCOMPARE(window.typingLabel()->text(), QString());
        window.showTyping(QStringLiteral("lobby"), QStringLiteral("carol")); // ourselves: not shown
        window.showTyping(QStringLiteral("team"), QStringLiteral("dave"));   // another conversation
        QCOMPARE(window.typingLabel()->text(), QString());
        window.showTyping(QStringLiteral("lobby"), QStringLiteral("alice"));
        QCOMPARE(window.typingLabel()->text(), QStringLiteral("alice is typing…"));
        window.showTyping(QStringLiteral("lobby"), QStringLiteral("bob"));
        QCOMPARE(window.typingLabel()->text(), QStringLiteral("alice and bob are typing…"));
        window.showTyping(QStringLiteral("lobby"), QStringLiteral("erin"));
        QCOMPARE(window.typingLabel()->text(), QStringLiteral("3 people are typing…"));
        QVERIFY(Language::apply(QStringLiteral("ru")));
        QTRY_COMPARE(window.typingLabel()->text(), QStringLiteral("3 человека печатают…"));
        QVERIFY(Language::apply(QStringLiteral("en")));
        // It goes away by itself when they stop.
        QTRY_COMPARE_WITH_TIMEOUT(window.typingLabel()->text(), QString(), 15000);

        ConversationModel *model = window.conversationModel();
        model->setUnread(QStringLiteral("team"), 3);
        const QModelIndex team = model->index(model->rowOf(QStringLiteral("team")));
        QCOMPARE(team.data(ConversationModel::UnreadRole).toInt(), 3);
        QCOMPARE(team.data(Qt::AccessibleTextRole).toString(), QStringLiteral("Team, 3 unread"));
        QCOMPARE(team.data(Qt::ToolTipRole).toString(), QStringLiteral("3 unread messages"));
        QVERIFY(Language::apply(QStringLiteral("ru")));
        QCOMPARE(team.data(Qt::ToolTipRole).toString(), QStringLiteral("3 непрочитанных сообщения"));
        model->setUnread(QStringLiteral("team"), 21);
        QCOMPARE(team.data(Qt::ToolTipRole).toString(), QStringLiteral("21 непрочитанное сообщение"));
        QVERIFY(Language::apply(QStringLiteral("en")));
        model->setUnread(QStringLiteral("team"), 0);
        QCOMPARE(team.data(Qt::AccessibleTextRole).toString(), QStringLiteral("Team"));
        QCOMPARE(window.currentConversation(), QStringLiteral("lobby")); // updates keep the selection
    }
};

QTEST_MAIN(tst_ChatWindow)
#include "tst_chatwindow.moc"
