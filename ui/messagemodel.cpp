#include "messagemodel.h"

#include "messagedelegate.h"

#include <QLocale>

namespace Tether {

namespace {
QDate localDay(const QDateTime &ts)
{
    return ts.isValid() ? ts.toLocalTime().date() : QDate();
}
} // namespace

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
    connect(session, &ChatSession::conversationReset, this, [this](const QString &conversation) {
        if (conversation == m_conversation)
            resetMessages(m_session->messages(conversation));
    });
    connect(session, &ChatSession::messageUpdated, this, [this](const ChatMessage &message) {
        if (message.conversation == m_conversation)
            updateMessage(message);
    });
    connect(session, &ChatSession::messageRemoved, this, [this](const QString &conversation, const QString &id) {
        if (conversation == m_conversation)
            removeMessage(id);
    });
    // Messages that stay unread after they arrived (the window was hidden): the line goes above
    // them. Read at once, they count 0 here and no line appears in a chat the user is watching.
    connect(session, &ChatSession::unreadChanged, this, [this](const QString &conversation, int unread) {
        if (conversation == m_conversation && unread > 0)
            markUnread(unread);
    });
    if (!m_conversation.isEmpty()) {
        resetMessages(session->messages(m_conversation));
        markUnread(unreadCountOfSession());
    }
}

void MessageModel::setConversation(const QString &conversation)
{
    m_conversation = conversation;
    resetMessages(m_session && !conversation.isEmpty() ? m_session->messages(conversation) : QList<ChatMessage>());
    // Before the window marks the conversation read: this is the count the user has not seen.
    markUnread(unreadCountOfSession());
}

int MessageModel::unreadCountOfSession() const
{
    if (!m_session || m_conversation.isEmpty())
        return 0;
    for (const Conversation &c : m_session->conversations()) {
        if (c.id == m_conversation)
            return c.unread;
    }
    return 0;
}

void MessageModel::resetMessages(const QList<ChatMessage> &messages)
{
    beginResetModel();
    m_messages = messages;
    m_days.clear();
    m_days.reserve(messages.size());
    for (const ChatMessage &m : messages)
        m_days.append(localDay(m.timestamp));
    m_rows.clear();
    m_unreadMarker.clear();
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
    for (const ChatMessage &m : std::as_const(fresh))
        m_days.append(localDay(m.timestamp));
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
    ChatMessage &shown = m_messages[row];
    // Our message shows the time it was written; delivery (the server's ts) does not move it.
    const QDateTime written = shown.outgoing && shown.timestamp.isValid() ? shown.timestamp : message.timestamp;
    shown = message;
    shown.timestamp = written;
    m_days[row] = localDay(written);
    changed(row);
}

void MessageModel::removeMessage(const QString &id)
{
    const int row = m_rows.value(id, -1);
    if (row < 0)
        return;
    if (id == m_unreadMarker)
        m_unreadMarker.clear();
    beginRemoveRows(QModelIndex(), row, row);
    m_messages.removeAt(row);
    m_days.removeAt(row);
    m_rows.remove(id);
    reindex(row);
    endRemoveRows();
    if (row < m_messages.size()) {
        const QModelIndex i = index(row);
        Q_EMIT dataChanged(i, i); // its grouping and day separator may have changed
    }
}

void MessageModel::markUnread(int unread)
{
    if (unread <= 0)
        return; // read now: the line stays where the new messages began
    // Unread = incoming messages after the read position; ours never count.
    int seen = 0;
    for (int row = int(m_messages.size()) - 1; row >= 0; --row) {
        if (m_messages.at(row).outgoing)
            continue;
        if (++seen == unread) {
            setUnreadMarker(m_messages.at(row).id);
            return;
        }
    }
    setUnreadMarker(m_messages.isEmpty() ? QString() : m_messages.first().id);
}

void MessageModel::setUnreadMarker(const QString &id)
{
    if (id == m_unreadMarker)
        return;
    const int before = rowOf(m_unreadMarker);
    m_unreadMarker = m_rows.contains(id) ? id : QString();
    if (before >= 0)
        changed(before);
    const int after = rowOf(m_unreadMarker);
    if (after >= 0)
        changed(after);
}

void MessageModel::changed(int row)
{
    const int last = qMin(row + 1, int(m_messages.size()) - 1);
    Q_EMIT dataChanged(index(row), index(last));
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

bool MessageModel::dayBreakAt(int row) const
{
    const QDate day = m_days.at(row);
    if (!day.isValid())
        return false;
    return row == 0 || m_days.at(row - 1) != day;
}

bool MessageModel::groupedWithPrevious(int row) const
{
    if (row <= 0 || dayBreakAt(row))
        return false;
    const ChatMessage &a = m_messages.at(row - 1);
    const ChatMessage &b = m_messages.at(row);
    if (!m_unreadMarker.isEmpty() && b.id == m_unreadMarker)
        return false; // the line splits the group: the name is shown again below it
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
        if (!m_unreadMarker.isEmpty() && m.id == m_unreadMarker)
            spoken = MessageDelegate::unreadLineText() + QStringLiteral(". ") + spoken;
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
    case DayRole:
        return m_days.at(index.row());
    case DayBreakRole:
        return dayBreakAt(index.row());
    case UnreadMarkerRole:
        return !m_unreadMarker.isEmpty() && m.id == m_unreadMarker;
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
    names.insert(DayRole, "day");
    names.insert(DayBreakRole, "dayBreak");
    names.insert(UnreadMarkerRole, "unreadMarker");
    return names;
}

} // namespace Tether
