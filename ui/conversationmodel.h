#pragma once
// The conversation list with unread counts, kept in sync with a ChatSession.

#include "chatsession.h"

#include <QAbstractListModel>
#include <QStyledItemDelegate>

namespace Tether {

class ConversationModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role { IdRole = Qt::UserRole + 1, TitleRole, UnreadRole };

    explicit ConversationModel(QObject *parent = nullptr);

    void setSession(ChatSession *session);
    void setConversations(const QList<Conversation> &conversations);
    void setUnread(const QString &conversation, int unread);
    int rowOf(const QString &id) const;
    QString idAt(int row) const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    ChatSession *m_session = nullptr;
    QList<Conversation> m_conversations;
};

// Title on the left, a rounded unread badge on the right.
class ConversationDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace Tether
