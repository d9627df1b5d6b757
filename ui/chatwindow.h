#pragma once
// The main window: conversations on the left; on the right the connection banner, the messages,
// who is typing and the composer; the connection indicator and the outbox in the status bar.

#include <QHash>
#include <QMainWindow>
#include <QPointer>

class QAction;
class QLabel;
class QListView;
class QMenu;
class QPushButton;
class QSplitter;
class QTimer;

namespace Tether {

class ChatSession;
class Composer;
class ConnectionBanner;
class ConnectionManager;
class ConnectionPresentation;
class ConversationModel;
class MessageDelegate;
class MessageModel;
class MessageView;
class StatusIndicator;

class ChatWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit ChatWindow(QWidget *parent = nullptr);
    ~ChatWindow() override;

    void setConnection(ConnectionManager *connection);
    void setSession(ChatSession *session);
    void setUserName(const QString &name);
    // Signed in with an account (true) or a guest: "Sign out" only means something for an account.
    void setSignedIn(bool signedIn);
    bool isSignedIn() const { return m_signedIn; }

    void selectConversation(const QString &id);
    QString currentConversation() const;

    // The one presentation of the connection state: the banner, the indicator and the tray read it.
    ConnectionPresentation *presentation() const { return m_presentation; }
    ConnectionBanner *banner() const { return m_banner; }
    StatusIndicator *indicator() const { return m_indicator; }
    MessageModel *messageModel() const { return m_messageModel; }
    ConversationModel *conversationModel() const { return m_conversationModel; }
    MessageDelegate *messageDelegate() const { return m_delegate; }
    QListView *messageView() const;
    Composer *composer() const { return m_composer; }
    QLabel *typingLabel() const { return m_typing; }
    QLabel *outboxLabel() const { return m_outbox; }
    QAction *signOutAction() const { return m_signOutAction; }
    QAction *quitAction() const { return m_quitAction; }
    QAction *reconnectAction() const { return m_reconnectAction; }

    // For tests and screenshots without a session.
    void setOutboxCount(int count);
    void showTyping(const QString &conversation, const QString &user);
    // The local store was damaged and replaced: told once, in the banner.
    void showStoreRecovered(const QString &movedTo, int salvaged);

Q_SIGNALS:
    void signInRequested();
    void signOutRequested();
    void settingsRequested();
    void diagnosticsRequested();

protected:
    void changeEvent(QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void retranslateUi();
    void sendCurrent();
    void refreshOutbox();
    void refreshTyping();
    void refreshInsecureWarning();
    void onRowsInserted();
    void showMessageMenu(const QPoint &pos);
    void markReadIfVisible();
    void updateConnectionActions();

    QPointer<ConnectionManager> m_connection;
    QPointer<ChatSession> m_session;
    QString m_userName;
    bool m_signedIn = false;

    QSplitter *m_splitter = nullptr;
    QListView *m_conversationView = nullptr;
    MessageView *m_messageView = nullptr;
    ConnectionPresentation *m_presentation = nullptr;
    ConnectionBanner *m_banner = nullptr;
    StatusIndicator *m_indicator = nullptr;
    QLabel *m_outbox = nullptr;
    QLabel *m_typing = nullptr;
    QLabel *m_error = nullptr;
    QLabel *m_conversationTitle = nullptr;
    QLabel *m_insecure = nullptr; // ws:// to another host: said all the time, not only once
    Composer *m_composer = nullptr;
    QPushButton *m_send = nullptr;
    ConversationModel *m_conversationModel = nullptr;
    MessageModel *m_messageModel = nullptr;
    MessageDelegate *m_delegate = nullptr;
    QTimer *m_typingTimer = nullptr;
    QHash<QString, qint64> m_typingUsers; // user -> ms since epoch of the last typing event
    QString m_typingConversation;
    int m_outboxOverride = -1;
    bool m_stickToBottom = true;

    QMenu *m_fileMenu = nullptr;
    QMenu *m_toolsMenu = nullptr;
    QMenu *m_helpMenu = nullptr;
    QAction *m_signInAction = nullptr;
    QAction *m_signOutAction = nullptr;
    QAction *m_reconnectAction = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_settingsAction = nullptr;
    QAction *m_diagnosticsAction = nullptr;
    QAction *m_aboutAction = nullptr;
};

} // namespace Tether
