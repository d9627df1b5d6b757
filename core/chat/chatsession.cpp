#include "chatsession.h"

#include "connectionmanager.h"

#include <QLoggingCategory>
#include <QStandardPaths>

namespace Tether {

Q_LOGGING_CATEGORY(lcChat, "tether.chat")

// Interim stub so the header can be coded against; the implementation follows.
class ChatSession::Private
{
public:
    ConnectionManager *connection = nullptr;
    ChatSessionConfig config;
};

QString deliveryName(ChatMessage::Delivery delivery)
{
    switch (delivery) {
    case ChatMessage::Delivery::Queued: return QStringLiteral("queued");
    case ChatMessage::Delivery::Sending: return QStringLiteral("sending");
    case ChatMessage::Delivery::Sent: return QStringLiteral("sent");
    case ChatMessage::Delivery::Failed: return QStringLiteral("failed");
    case ChatMessage::Delivery::Received: return QStringLiteral("received");
    }
    return QString();
}

ChatSession::ChatSession(ConnectionManager *connection, const ChatSessionConfig &config, QObject *parent)
    : QObject(parent), d(new Private)
{
    d->connection = connection;
    d->config = config;
}

ChatSession::~ChatSession() = default;

QString ChatSession::defaultDatabasePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/chat.sqlite");
}

bool ChatSession::open(QString *errorMessage)
{
    if (errorMessage)
        *errorMessage = QStringLiteral("not implemented yet");
    return false;
}

bool ChatSession::isOpen() const { return false; }
ConnectionManager *ChatSession::connection() const { return d->connection; }
QString ChatSession::userName() const { return QString(); }
bool ChatSession::isSynced() const { return false; }
QList<Conversation> ChatSession::conversations() const { return {}; }
QList<ChatMessage> ChatSession::messages(const QString &) const { return {}; }

QString ChatSession::send(const QString &, const QString &, QString *errorMessage)
{
    if (errorMessage)
        *errorMessage = QStringLiteral("not implemented yet");
    return QString();
}

bool ChatSession::retry(const QString &) { return false; }
bool ChatSession::discard(const QString &) { return false; }
void ChatSession::markRead(const QString &) {}
void ChatSession::sendTyping(const QString &) {}
void ChatSession::join(const QString &) {}
void ChatSession::leave(const QString &) {}
int ChatSession::outboxSize() const { return 0; }
int ChatSession::reconnects() const { return 0; }

} // namespace Tether
