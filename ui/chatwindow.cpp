#include "chatwindow.h"

#include "chatsession.h"
#include "composer.h"
#include "connectionbanner.h"
#include "connectionmanager.h"
#include "insecureurl.h"
#include "connectionpresentation.h"
#include "conversationmodel.h"
#include "messagedelegate.h"
#include "messagemodel.h"
#include "messageview.h"
#include "statusindicator.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDateTime>
#include <QEvent>
#include <QHBoxLayout>
#include <QDir>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QStatusBar>
#include <QTimer>
#include <QVBoxLayout>

namespace Tether {

namespace {
constexpr int TypingShownMs = 5000;
}

ChatWindow::ChatWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setObjectName(QStringLiteral("chatWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/tether.svg")));

    m_conversationModel = new ConversationModel(this);
    m_messageModel = new MessageModel(this);
    m_delegate = new MessageDelegate(this);

    m_conversationView = new QListView;
    m_conversationView->setObjectName(QStringLiteral("conversationList"));
    m_conversationView->setModel(m_conversationModel);
    m_conversationView->setItemDelegate(new ConversationDelegate(m_conversationView));
    m_conversationView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_conversationView->setMinimumWidth(160);

    auto *right = new QWidget;
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->setSpacing(0);
    m_conversationTitle = new QLabel;
    m_conversationTitle->setObjectName(QStringLiteral("conversationTitle"));
    // Titles, names and error texts come from the server (chosen by any member): never rich text.
    m_conversationTitle->setTextFormat(Qt::PlainText);
    QFont titleFont = m_conversationTitle->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    m_conversationTitle->setFont(titleFont);
    m_conversationTitle->setContentsMargins(10, 6, 10, 6);
    m_presentation = new ConnectionPresentation(this);
    m_insecure = new QLabel;
    m_insecure->setObjectName(QStringLiteral("insecureWarning"));
    m_insecure->setTextFormat(Qt::PlainText);
    m_insecure->setWordWrap(true);
    m_insecure->setContentsMargins(10, 4, 10, 4);
    m_insecure->setStyleSheet(QStringLiteral("background: #fbe3e1; color: #7a1d15;"));
    m_insecure->hide();
    m_banner = new ConnectionBanner(m_presentation);
    m_messageView = new MessageView;
    m_messageView->setObjectName(QStringLiteral("messageList"));
    m_messageView->setModel(m_messageModel);
    m_messageView->setItemDelegate(m_delegate);
    m_messageView->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    // One layout pass: sizes are cached per message and width, so even thousands of rows lay out in
    // milliseconds, and the view knows its full height at once (scrolling to the newest works).
    m_messageView->setUniformItemSizes(false);
    m_messageView->setResizeMode(QListView::Adjust);
    m_messageView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_messageView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_messageView->setContextMenuPolicy(Qt::CustomContextMenu);
    m_messageView->setWordWrap(true);
    m_typing = new QLabel;
    m_typing->setObjectName(QStringLiteral("typingIndicator"));
    m_typing->setTextFormat(Qt::PlainText);
    m_typing->setContentsMargins(10, 2, 10, 2);
    QFont typingFont = m_typing->font();
    typingFont.setItalic(true);
    m_typing->setFont(typingFont);
    m_typing->setMinimumHeight(m_typing->fontMetrics().height() + 4); // reserved: no jumping
    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("composerError"));
    m_error->setTextFormat(Qt::PlainText);
    m_error->setStyleSheet(QStringLiteral("color: #a82a20;"));
    m_error->setContentsMargins(10, 0, 10, 0);
    m_error->setWordWrap(true);
    m_error->hide();

    auto *composerRow = new QHBoxLayout;
    composerRow->setContentsMargins(8, 4, 8, 8);
    m_composer = new Composer;
    m_send = new QPushButton;
    m_send->setObjectName(QStringLiteral("sendButton"));
    m_send->setDefault(false);
    m_send->setAutoDefault(false);
    composerRow->addWidget(m_composer, 1);
    composerRow->addWidget(m_send, 0, Qt::AlignBottom);

    rightLayout->addWidget(m_conversationTitle);
    rightLayout->addWidget(m_insecure);
    rightLayout->addWidget(m_banner);
    rightLayout->addWidget(m_messageView, 1);
    rightLayout->addWidget(m_typing);
    rightLayout->addWidget(m_error);
    rightLayout->addLayout(composerRow);

    m_splitter = new QSplitter;
    m_splitter->addWidget(m_conversationView);
    m_splitter->addWidget(right);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({200, 600});
    m_splitter->setChildrenCollapsible(false);
    setCentralWidget(m_splitter);

    m_indicator = new StatusIndicator(m_presentation);
    m_outbox = new QLabel;
    m_outbox->setObjectName(QStringLiteral("outboxLabel"));
    m_outbox->setTextFormat(Qt::PlainText);
    m_outbox->hide();
    statusBar()->addWidget(m_outbox);
    statusBar()->addPermanentWidget(m_indicator);

    m_fileMenu = menuBar()->addMenu(QString());
    m_signInAction = m_fileMenu->addAction(QString(), this, &ChatWindow::signInRequested);
    m_signOutAction = m_fileMenu->addAction(QString(), this, &ChatWindow::signOutRequested);
    m_signOutAction->setVisible(false); // a guest has nothing to sign out of
    m_fileMenu->addSeparator();
    m_reconnectAction = m_fileMenu->addAction(QString(), m_presentation, &ConnectionPresentation::retryNow);
    m_reconnectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_fileMenu->addSeparator();
    m_quitAction = m_fileMenu->addAction(QString(), qApp, &QApplication::quit);
    m_quitAction->setShortcut(QKeySequence::Quit);
    m_toolsMenu = menuBar()->addMenu(QString());
    m_settingsAction = m_toolsMenu->addAction(QString(), this, &ChatWindow::settingsRequested);
    m_settingsAction->setShortcut(QKeySequence::Preferences);
    m_diagnosticsAction = m_toolsMenu->addAction(QString(), this, &ChatWindow::diagnosticsRequested);
    m_diagnosticsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    m_helpMenu = menuBar()->addMenu(QString());
    m_aboutAction = m_helpMenu->addAction(QString(), this, [this] {
        QMessageBox::about(this, tr("About Tether"),
                           tr("<b>Tether %1</b><p>A chat whose connection survives anything, says honestly "
                              "what is going on, and never loses a message.</p><p>Qt %2</p>")
                               .arg(QStringLiteral(TETHER_VERSION), QString::fromLatin1(qVersion())));
    });

    m_typingTimer = new QTimer(this);
    m_typingTimer->setSingleShot(true);
    connect(m_typingTimer, &QTimer::timeout, this, &ChatWindow::refreshTyping);

    connect(m_composer, &Composer::submitted, this, &ChatWindow::sendCurrent);
    connect(m_send, &QPushButton::clicked, this, &ChatWindow::sendCurrent);
    connect(m_composer, &QPlainTextEdit::textChanged, this, [this] {
        m_error->hide();
        if (m_session && !m_composer->toPlainText().isEmpty() && !currentConversation().isEmpty())
            m_session->sendTyping(currentConversation());
    });
    connect(m_conversationView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) {
                const QString id = current.data(ConversationModel::IdRole).toString();
                if (id == m_messageModel->conversation())
                    return;
                m_messageModel->setConversation(id);
                m_conversationTitle->setText(current.data(ConversationModel::TitleRole).toString());
                m_messageView->setPlaceholderText(tr("No messages here yet. Say hello!"));
                m_typingUsers.clear();
                refreshTyping();
                m_messageView->scrollToBottom();
                m_stickToBottom = true;
                markReadIfVisible();
            });
    connect(m_conversationModel, &QAbstractItemModel::modelReset, this, [this] {
        if (!m_messageModel->conversation().isEmpty())
            selectConversation(m_messageModel->conversation());
        else if (m_conversationModel->rowCount() > 0)
            m_conversationView->setCurrentIndex(m_conversationModel->index(0));
    });
    connect(m_messageModel, &QAbstractItemModel::rowsInserted, this, &ChatWindow::onRowsInserted);
    connect(m_messageModel, &QAbstractItemModel::modelReset, this, [this] {
        m_delegate->clearCache();
        QTimer::singleShot(0, m_messageView, &QListView::scrollToBottom);
    });
    connect(m_messageView->verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        m_stickToBottom = value >= m_messageView->verticalScrollBar()->maximum() - 4;
    });
    // Rows are laid out in batches: follow the growing range while the user is at the bottom.
    connect(m_messageView->verticalScrollBar(), &QScrollBar::rangeChanged, this, [this](int, int max) {
        if (m_stickToBottom)
            m_messageView->verticalScrollBar()->setValue(max);
    });
    connect(m_messageView, &QWidget::customContextMenuRequested, this, &ChatWindow::showMessageMenu);
    connect(m_delegate, &MessageDelegate::retryRequested, this, [this](const QString &id) {
        if (m_session)
            m_session->retry(id);
    });
    connect(m_delegate, &MessageDelegate::discardRequested, this, [this](const QString &id) {
        if (m_session)
            m_session->discard(id);
    });
    connect(m_banner, &ConnectionBanner::signInRequested, this, &ChatWindow::signInRequested);
    connect(m_banner, &ConnectionBanner::diagnosticsRequested, this, &ChatWindow::diagnosticsRequested);
    connect(m_presentation, &ConnectionPresentation::viewChanged, this, &ChatWindow::updateConnectionActions);
    updateConnectionActions();

    retranslateUi();
    resize(900, 620);
}

ChatWindow::~ChatWindow() = default;

QListView *ChatWindow::messageView() const
{
    return m_messageView;
}

void ChatWindow::setConnection(ConnectionManager *connection)
{
    if (m_connection)
        disconnect(m_connection, &ConnectionManager::stateChanged, this, &ChatWindow::refreshInsecureWarning);
    m_connection = connection;
    m_presentation->setConnection(connection);
    if (connection)
        connect(connection, &ConnectionManager::stateChanged, this, &ChatWindow::refreshInsecureWarning);
    refreshInsecureWarning();
}

void ChatWindow::refreshInsecureWarning()
{
    if (!m_insecure)
        return;
    const QUrl url = m_connection ? m_connection->config().url : QUrl();
    m_insecure->setVisible(InsecureUrl::isInsecure(url));
    if (InsecureUrl::isInsecure(url))
        m_insecure->setText(tr("Not encrypted: %1 uses %2://, so your messages and sign-in cross the network in the "
                               "clear. Ask for a wss:// address.")
                                    .arg(url.host(), url.scheme().toLower()));
}

void ChatWindow::setSignedIn(bool signedIn)
{
    m_signedIn = signedIn;
    m_signOutAction->setVisible(signedIn);
    m_signOutAction->setEnabled(signedIn);
}

void ChatWindow::updateConnectionActions()
{
    // The menu offers what the banner's button offers, for the keyboard (Ctrl+R).
    const StatusLogic::View v = m_presentation->view();
    m_reconnectAction->setEnabled((v.action == StatusLogic::Action::RetryNow || v.action == StatusLogic::Action::Retry)
                                  && v.actionEnabled);
}

void ChatWindow::showStoreRecovered(const QString &movedTo, int salvaged)
{
    m_banner->setNotice(movedTo.isEmpty() ? QString()
                                          : tr("The message store on this computer was damaged and has been replaced; "
                                               "%n unsent message(s) were kept. The damaged file is at %1.",
                                               nullptr, salvaged)
                                                    .arg(QDir::toNativeSeparators(movedTo)));
}

void ChatWindow::setSession(ChatSession *session)
{
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    m_conversationModel->setSession(session);
    m_messageModel->setSession(session);
    if (!session)
        return;
    connect(session, &ChatSession::typing, this, &ChatWindow::showTyping);
    connect(session, &ChatSession::messagesAdded, this, [this](const QString &conversation) {
        refreshOutbox();
        if (conversation == currentConversation())
            markReadIfVisible();
    });
    connect(session, &ChatSession::messageUpdated, this, &ChatWindow::refreshOutbox);
    connect(session, &ChatSession::messageRemoved, this, &ChatWindow::refreshOutbox);
    connect(session, &ChatSession::synced, this, [this] {
        if (!m_session->userName().isEmpty())
            setUserName(m_session->userName());
    });
    connect(session, &ChatSession::errorOccurred, this, [this](ChatSession::Error error, const QString &) {
        // Our own sentence: the session's message is English and technical (it goes to the log).
        if (error == ChatSession::Error::OutboxFull) {
            m_error->setText(tr("Too many messages are waiting to be sent. Wait until the connection is back, "
                                "then write again."));
            m_error->show();
        } else if (error == ChatSession::Error::StorageError) {
            m_error->setText(tr("Messages cannot be saved on this computer right now, so this one was not sent."));
            m_error->show();
        }
    });
    if (currentConversation().isEmpty() && m_conversationModel->rowCount() > 0)
        m_conversationView->setCurrentIndex(m_conversationModel->index(0));
    refreshOutbox();
}

void ChatWindow::setUserName(const QString &name)
{
    m_userName = name;
    retranslateUi();
}

void ChatWindow::selectConversation(const QString &id)
{
    const int row = m_conversationModel->rowOf(id);
    if (row >= 0)
        m_conversationView->setCurrentIndex(m_conversationModel->index(row));
}

QString ChatWindow::currentConversation() const
{
    return m_messageModel->conversation();
}

void ChatWindow::sendCurrent()
{
    const QString text = m_composer->toPlainText().trimmed();
    if (text.isEmpty())
        return;
    const QString conversation = currentConversation();
    if (conversation.isEmpty()) {
        m_error->setText(tr("Choose a conversation first."));
        m_error->show();
        return;
    }
    if (!m_session) {
        m_error->setText(tr("Not ready yet: the chat is still starting."));
        m_error->show();
        return;
    }
    const QString id = m_session->send(conversation, text);
    if (id.isEmpty()) {
        // Keep what was typed: nothing is lost. The session's own words are technical English.
        if (text.toUtf8().size() > ChatSessionConfig().maxTextBytes)
            m_error->setText(tr("This message is too long to send: at most %1 KB fit in one message.")
                                 .arg(ChatSessionConfig().maxTextBytes / 1024));
        else if (m_error->isHidden())
            m_error->setText(tr("The message could not be sent. What you wrote is still here."));
        m_error->show();
        return;
    }
    m_composer->clear();
    m_stickToBottom = true;
    m_messageView->scrollToBottom();
    refreshOutbox();
}

void ChatWindow::setOutboxCount(int count)
{
    m_outboxOverride = count;
    refreshOutbox();
}

void ChatWindow::refreshOutbox()
{
    const int count = m_outboxOverride >= 0 ? m_outboxOverride : (m_session ? m_session->outboxSize() : 0);
    m_outbox->setText(tr("%n message(s) waiting to send", nullptr, count));
    m_outbox->setAccessibleName(m_outbox->text());
    m_outbox->setVisible(count > 0);
}

void ChatWindow::showTyping(const QString &conversation, const QString &user)
{
    if (conversation != currentConversation() || user == m_userName)
        return;
    m_typingUsers.insert(user, QDateTime::currentMSecsSinceEpoch());
    refreshTyping();
}

void ChatWindow::refreshTyping()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QStringList users;
    qint64 nextExpiry = -1;
    for (auto it = m_typingUsers.begin(); it != m_typingUsers.end();) {
        const qint64 left = it.value() + TypingShownMs - now;
        if (left <= 0) {
            it = m_typingUsers.erase(it);
            continue;
        }
        users << it.key();
        nextExpiry = nextExpiry < 0 ? left : qMin(nextExpiry, left);
        ++it;
    }
    users.sort();
    QString text;
    if (users.size() == 1)
        text = tr("%1 is typing…").arg(users.first());
    else if (users.size() == 2)
        text = tr("%1 and %2 are typing…").arg(users.at(0), users.at(1));
    else if (users.size() > 2)
        text = tr("%n people are typing…", nullptr, int(users.size()));
    m_typing->setText(text);
    m_typing->setAccessibleName(text.isEmpty() ? tr("Nobody is typing") : text);
    if (nextExpiry > 0)
        m_typingTimer->start(int(nextExpiry));
}

void ChatWindow::onRowsInserted()
{
    if (m_stickToBottom)
        QTimer::singleShot(0, m_messageView, &QListView::scrollToBottom);
}

void ChatWindow::markReadIfVisible()
{
    if (m_session && !currentConversation().isEmpty() && isVisible() && !isMinimized())
        m_session->markRead(currentConversation());
}

void ChatWindow::showMessageMenu(const QPoint &pos)
{
    const QModelIndex index = m_messageView->indexAt(pos);
    if (!index.isValid())
        return;
    const QString id = index.data(MessageModel::IdRole).toString();
    const QString text = index.data(MessageModel::TextRole).toString();
    const bool failed = index.data(MessageModel::OutgoingRole).toBool()
        && index.data(MessageModel::DeliveryRole).toInt() == int(ChatMessage::Delivery::Failed);
    QMenu menu(this);
    menu.addAction(tr("Copy text"), this, [text] { QApplication::clipboard()->setText(text); });
    if (failed) {
        menu.addAction(tr("Retry sending"), this, [this, id] { if (m_session) m_session->retry(id); });
        menu.addAction(tr("Discard message"), this, [this, id] { if (m_session) m_session->discard(id); });
    }
    menu.exec(m_messageView->viewport()->mapToGlobal(pos));
}

void ChatWindow::retranslateUi()
{
    setWindowTitle(m_userName.isEmpty() ? tr("Tether") : tr("Tether — %1").arg(m_userName));
    refreshInsecureWarning();
    m_send->setText(tr("Send"));
    m_send->setToolTip(tr("Send the message (Enter). Shift+Enter starts a new line."));
    m_send->setAccessibleName(tr("Send message"));
    m_conversationView->setAccessibleName(tr("Conversations"));
    m_messageView->setAccessibleName(tr("Messages"));
    m_messageView->setPlaceholderText(currentConversation().isEmpty()
                                          ? tr("Connecting to the chat… Conversations appear on the left.")
                                          : tr("No messages here yet. Say hello!"));
    m_conversationTitle->setAccessibleName(tr("Current conversation"));
    m_fileMenu->setTitle(tr("&Chat"));
    m_signInAction->setText(tr("&Sign in…"));
    m_signOutAction->setText(tr("Sign &out of this account"));
    m_quitAction->setText(tr("&Quit Tether"));
    m_reconnectAction->setText(tr("&Reconnect now"));
    m_toolsMenu->setTitle(tr("&Tools"));
    m_settingsAction->setText(tr("&Settings…"));
    m_diagnosticsAction->setText(tr("&Diagnostics…"));
    m_helpMenu->setTitle(tr("&Help"));
    m_aboutAction->setText(tr("&About Tether"));
    m_error->setAccessibleName(tr("Sending problem"));
    refreshOutbox();
    refreshTyping();
    m_delegate->clearCache();
    m_messageView->doItemsLayout();
}

void ChatWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    if (event->type() == QEvent::ActivationChange && isActiveWindow())
        markReadIfVisible();
    QMainWindow::changeEvent(event);
}

void ChatWindow::closeEvent(QCloseEvent *event)
{
    QMainWindow::closeEvent(event);
}

} // namespace Tether
