#pragma once
// The messages of one conversation for a QListView: fed by ChatSession's batched signals, so a
// replay of thousands of messages becomes a handful of row insertions. It also decides what the
// delegate draws around a message: day separators, sender groups and the "unread" line.

#include "chatsession.h"

#include <QAbstractListModel>
#include <QDate>
#include <QHash>

namespace Tether {

class MessageModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        FromRole,
        TextRole,
        TimestampRole,       // when the message was written; for ours, kept after delivery
        DeliveryRole,        // int(ChatMessage::Delivery)
        OutgoingRole,
        ErrorCodeRole,
        GroupedRole,         // same sender as the previous row, close in time, same day: no header
        SeqRole,
        DayRole,             // QDate: the local day the message was written
        DayBreakRole,        // the first message of its local day: a date separator above it
        UnreadMarkerRole,    // the first unread message: the "unread" line above it
    };
    Q_ENUM(Role)

    explicit MessageModel(QObject *parent = nullptr);

    // Follows a session: messages of the current conversation are kept in sync.
    void setSession(ChatSession *session);
    void setConversation(const QString &conversation);
    QString conversation() const { return m_conversation; }

    // Direct feeding, used by the session wiring and by tests/screenshots.
    void resetMessages(const QList<ChatMessage> &messages);
    void appendMessages(const QList<ChatMessage> &messages);
    void updateMessage(const ChatMessage &message);
    void removeMessage(const QString &id);

    // The "unread" line: above the first of the last `unread` incoming messages (what the session
    // counts as unread). It stays where it is when they are read (markUnread(0) keeps it), until
    // another conversation is shown, so the user sees where the new messages began.
    void markUnread(int unread);
    void setUnreadMarker(const QString &id); // empty = no line
    QString unreadMarker() const { return m_unreadMarker; }

    const ChatMessage &messageAt(int row) const { return m_messages.at(row); }
    int rowOf(const QString &id) const { return m_rows.value(id, -1); }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    static constexpr qint64 GroupWindowMs = 5 * 60 * 1000;

private:
    bool groupedWithPrevious(int row) const;
    bool dayBreakAt(int row) const;
    void reindex(int from);
    void changed(int row); // a row and the one after it (whose grouping depends on it)
    int unreadCountOfSession() const;

    ChatSession *m_session = nullptr;
    QString m_conversation;
    QList<ChatMessage> m_messages;
    QList<QDate> m_days; // per row: local day of the timestamp, computed once (time zones are slow)
    QHash<QString, int> m_rows;
    QString m_unreadMarker;
};

} // namespace Tether
