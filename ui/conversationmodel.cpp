#include "conversationmodel.h"

#include <QApplication>
#include <QPainter>

namespace Tether {

ConversationModel::ConversationModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

void ConversationModel::setSession(ChatSession *session)
{
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    if (!session)
        return;
    connect(session, &ChatSession::conversationsChanged, this, [this] { setConversations(m_session->conversations()); });
    connect(session, &ChatSession::unreadChanged, this, &ConversationModel::setUnread);
    setConversations(session->conversations());
}

void ConversationModel::setConversations(const QList<Conversation> &conversations)
{
    // Same ids in the same order: update in place so the selection stays put.
    bool sameIds = conversations.size() == m_conversations.size();
    for (int i = 0; sameIds && i < conversations.size(); ++i)
        sameIds = conversations.at(i).id == m_conversations.at(i).id;
    if (sameIds) {
        m_conversations = conversations;
        if (!m_conversations.isEmpty())
            Q_EMIT dataChanged(index(0), index(int(m_conversations.size()) - 1));
        return;
    }
    beginResetModel();
    m_conversations = conversations;
    endResetModel();
}

void ConversationModel::setUnread(const QString &conversation, int unread)
{
    const int row = rowOf(conversation);
    if (row < 0)
        return;
    m_conversations[row].unread = unread;
    Q_EMIT dataChanged(index(row), index(row));
}

int ConversationModel::rowOf(const QString &id) const
{
    for (int i = 0; i < m_conversations.size(); ++i) {
        if (m_conversations.at(i).id == id)
            return i;
    }
    return -1;
}

QString ConversationModel::idAt(int row) const
{
    return row >= 0 && row < m_conversations.size() ? m_conversations.at(row).id : QString();
}

int ConversationModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_conversations.size());
}

QVariant ConversationModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_conversations.size())
        return {};
    const Conversation &c = m_conversations.at(index.row());
    const QString title = c.title.isEmpty() ? c.id : c.title;
    switch (role) {
    case Qt::DisplayRole:
    case TitleRole:
        return title;
    case Qt::AccessibleTextRole:
        return c.unread > 0 ? tr("%1, %n unread", nullptr, c.unread).arg(title) : title;
    case Qt::ToolTipRole:
        return c.unread > 0 ? tr("%n unread message(s)", nullptr, c.unread) : QString();
    case IdRole:
        return c.id;
    case UnreadRole:
        return c.unread;
    default:
        break;
    }
    return {};
}

void ConversationDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const int unread = index.data(ConversationModel::UnreadRole).toInt();
    const QString badge = unread > 999 ? QStringLiteral("999+") : QString::number(unread);
    QFont badgeFont = opt.font;
    badgeFont.setBold(true);
    badgeFont.setPointSizeF(badgeFont.pointSizeF() * 0.85);
    const QFontMetrics bfm(badgeFont);
    const int badgeW = unread > 0 ? qMax(bfm.height() + 4, bfm.horizontalAdvance(badge) + 12) : 0;
    if (unread > 0) {
        opt.rect.setRight(opt.rect.right() - badgeW - 8);
        opt.font.setBold(true);
    }
    const QWidget *widget = opt.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    // Background over the full row, text in the shortened rect.
    QStyleOptionViewItem bg = option;
    initStyleOption(&bg, index);
    bg.text.clear();
    style->drawControl(QStyle::CE_ItemViewItem, &bg, painter, widget);
    opt.backgroundBrush = Qt::NoBrush;
    opt.state &= ~QStyle::State_HasFocus;
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
    if (unread > 0) {
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        const QRect r(option.rect.right() - badgeW - 6, option.rect.center().y() - (bfm.height() + 4) / 2,
                      badgeW, bfm.height() + 4);
        // The palette's selection colours: readable in light and dark themes alike.
        painter->setPen(Qt::NoPen);
        painter->setBrush(option.palette.color(QPalette::Active, QPalette::Highlight));
        painter->drawRoundedRect(r, r.height() / 2.0, r.height() / 2.0);
        painter->setPen(option.palette.color(QPalette::Active, QPalette::HighlightedText));
        painter->setFont(badgeFont);
        painter->drawText(r, Qt::AlignCenter, badge);
        painter->restore();
    }
}

QSize ConversationDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize s = QStyledItemDelegate::sizeHint(option, index);
    s.setHeight(qMax(s.height() + 12, option.fontMetrics.height() + 16));
    return s;
}

} // namespace Tether
