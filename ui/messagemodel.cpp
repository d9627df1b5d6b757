#include "messagemodel.h"

#include "messagedelegate.h"

#include <QLocale>

namespace Tether {

MessageModel::MessageModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

void MessageModel::setSession(ChatSession *session)
{
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    if (!session)
        return;
    connect(session, &ChatSession::messagesAdded, this,
            [this](const QString &conversation, const QList<ChatMessage> &messages) {
                if (conversation == m_conversation)
                    appendMessages(messages);
            });
    connect(session, &ChatSession::messageUpdated, this, [this](const ChatMessage &message) {
        if (message.conversation == m_conversation)
            updateMessage(message);
    });
    connect(session, &ChatSession::messageRemoved, this, [this](const QString &conversation, const QString &id) {
        if (conversation == m_conversation)
            removeMessage(id);
    });
    if (!m_conversation.isEmpty())
        resetMessages(session->messages(m_conversation));
}

void MessageModel::setConversation(const QString &conversation)
{
    m_conversation = conversation;
    resetMessages(m_session && !conversation.isEmpty() ? m_session->messages(conversation) : QList<ChatMessage>());
}

void MessageModel::resetMessages(const QList<ChatMessage> &messages)
{
    beginResetModel();
    m_messages = messages;
    m_rows.clear();
    reindex(0);
    endResetModel();
}

void MessageModel::appendMessages(const QList<ChatMessage> &messages)
{
    QList<ChatMessage> fresh;
    fresh.reserve(messages.size());
    for (const ChatMessage &m : messages) {
        const int row = m_rows.value(m.id, -1);
        if (row >= 0) {
            // Already shown (our own message coming back from the server): update in place.
            updateMessage(m);
            continue;
        }
        fresh << m;
    }
    if (fresh.isEmpty())
        return;
    const int first = int(m_messages.size());
    beginInsertRows(QModelIndex(), first, first + int(fresh.size()) - 1);
    m_messages.append(fresh);
    reindex(first);
    endInsertRows();
}

void MessageModel::updateMessage(const ChatMessage &message)
{
    const int row = m_rows.value(message.id, -1);
    if (row < 0) {
        appendMessages({message});
        return;
    }
    m_messages[row] = message;
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i);
}

void MessageModel::removeMessage(const QString &id)
{
    const int row = m_rows.value(id, -1);
    if (row < 0)
        return;
    beginRemoveRows(QModelIndex(), row, row);
    m_messages.removeAt(row);
    m_rows.remove(id);
    reindex(row);
    endRemoveRows();
    if (row < m_messages.size()) {
        const QModelIndex i = index(row);
        Q_EMIT dataChanged(i, i); // its grouping may have changed
    }
}

void MessageModel::reindex(int from)
{
    for (int i = from; i < m_messages.size(); ++i)
        m_rows.insert(m_messages.at(i).id, i);
}

int MessageModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_messages.size());
}

bool MessageModel::groupedWithPrevious(int row) const
{
    if (row <= 0)
        return false;
    const ChatMessage &a = m_messages.at(row - 1);
    const ChatMessage &b = m_messages.at(row);
    return a.from == b.from && a.outgoing == b.outgoing && a.timestamp.isValid() && b.timestamp.isValid()
        && qAbs(a.timestamp.msecsTo(b.timestamp)) < GroupWindowMs;
}

QVariant MessageModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_messages.size())
        return {};
    const ChatMessage &m = m_messages.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case TextRole:
        return m.text;
    case Qt::AccessibleTextRole: {
        QString spoken = tr("%1 at %2: %3").arg(m.from, QLocale().toString(m.timestamp.toLocalTime().time(), QLocale::ShortFormat), m.text);
        const QString state = m.outgoing ? MessageDelegate::deliveryText(int(m.delivery)) : QString();
        if (!state.isEmpty())
            spoken += QStringLiteral(" (") + state + QLatin1Char(')');
        return spoken;
    }
    case IdRole:
        return m.id;
    case FromRole:
        return m.from;
    case TimestampRole:
        return m.timestamp;
    case DeliveryRole:
        return int(m.delivery);
    case OutgoingRole:
        return m.outgoing;
    case ErrorCodeRole:
        return m.errorCode;
    case GroupedRole:
        return groupedWithPrevious(index.row());
    case SeqRole:
        return m.seq;
    default:
        break;
    }
    return {};
}

QHash<int, QByteArray> MessageModel::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert(IdRole, "id");
    names.insert(FromRole, "from");
    names.insert(TextRole, "text");
    names.insert(TimestampRole, "timestamp");
    names.insert(DeliveryRole, "delivery");
    names.insert(OutgoingRole, "outgoing");
    names.insert(ErrorCodeRole, "errorCode");
    names.insert(GroupedRole, "grouped");
    names.insert(SeqRole, "seq");
    return names;
}

} // namespace Tether
