#pragma once
// The messages of one conversation for a QListView: fed by ChatSession's batched signals, so a
// replay of thousands of messages becomes a handful of row insertions.

#include "chatsession.h"

#include <QAbstractListModel>
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
        TimestampRole,
        DeliveryRole,        // int(ChatMessage::Delivery)
        OutgoingRole,
        ErrorCodeRole,
        GroupedRole,         // same sender as the previous row, close in time: no header
        SeqRole,
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

    const ChatMessage &messageAt(int row) const { return m_messages.at(row); }
    int rowOf(const QString &id) const { return m_rows.value(id, -1); }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    static constexpr qint64 GroupWindowMs = 5 * 60 * 1000;

private:
    bool groupedWithPrevious(int row) const;
    void reindex(int from);

    ChatSession *m_session = nullptr;
    QString m_conversation;
    QList<ChatMessage> m_messages;
    QHash<QString, int> m_rows;
};

} // namespace Tether
