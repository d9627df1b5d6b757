#include "messagedelegate.h"

#include "chatsession.h"
#include "messagemodel.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QIcon>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QTextLayout>

namespace Tether {

namespace {
constexpr int Margin = 6;      // around the bubble
constexpr int Padding = 8;     // inside the bubble
constexpr int IconSize = 14;

QFont boldFont(QFont f)
{
    f.setBold(true);
    return f;
}
QFont smallFont(QFont f)
{
    f.setPointSizeF(f.pointSizeF() * 0.85);
    return f;
}
QFont linkFont(const QFont &base)
{
    QFont f = smallFont(base);
    f.setUnderline(true);
    f.setBold(true);
    return f;
}
} // namespace

MessageDelegate::MessageDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{
}

QString MessageDelegate::deliveryText(int delivery)
{
    switch (ChatMessage::Delivery(delivery)) {
    case ChatMessage::Delivery::Queued:
        return tr("Waiting for connection");
    case ChatMessage::Delivery::Sending:
        return tr("Sending…");
    case ChatMessage::Delivery::Failed:
        return tr("Not sent");
    case ChatMessage::Delivery::Sent:
    case ChatMessage::Delivery::Received:
        break;
    }
    return {};
}

QString MessageDelegate::deliveryIconPath(int delivery)
{
    switch (ChatMessage::Delivery(delivery)) {
    case ChatMessage::Delivery::Queued:
    case ChatMessage::Delivery::Sending:
        return QStringLiteral(":/icons/delivery-pending.svg");
    case ChatMessage::Delivery::Sent:
        return QStringLiteral(":/icons/delivery-sent.svg");
    case ChatMessage::Delivery::Failed:
        return QStringLiteral(":/icons/delivery-failed.svg");
    case ChatMessage::Delivery::Received:
        break;
    }
    return {};
}

MessageDelegate::Layout MessageDelegate::layout(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    Layout l;
    const bool outgoing = index.data(MessageModel::OutgoingRole).toBool();
    const bool grouped = index.data(MessageModel::GroupedRole).toBool();
    const int delivery = index.data(MessageModel::DeliveryRole).toInt();
    const QString text = index.data(MessageModel::TextRole).toString();
    const QDateTime ts = index.data(MessageModel::TimestampRole).toDateTime();

    const QRect area = option.rect.adjusted(Margin, grouped ? 1 : Margin, -Margin, -3);
    const int maxBubble = qMax(120, int(area.width() * 0.72));
    const QFontMetrics fm(option.font);
    const QFontMetrics bold(boldFont(option.font));
    const QFontMetrics small(smallFont(option.font));
    const QFontMetrics link(linkFont(option.font));

    const QRect textBounds = fm.boundingRect(QRect(0, 0, maxBubble - 2 * Padding, 100000),
                                             Qt::TextWordWrap | Qt::TextWrapAnywhere, text.isEmpty() ? QStringLiteral(" ") : text);
    if (!grouped)
        l.headerText = index.data(MessageModel::FromRole).toString();
    QString time = ts.isValid() ? QLocale().toString(ts.toLocalTime().time(), QLocale::ShortFormat) : QString();
    l.footerText = time;
    const QString state = outgoing ? deliveryText(delivery) : QString();
    if (!state.isEmpty())
        l.footerText = time.isEmpty() ? state : time + QStringLiteral(" · ") + state;

    const bool failed = outgoing && delivery == int(ChatMessage::Delivery::Failed);
    const QString retry = tr("Retry");
    const QString discard = tr("Discard");
    int footerWidth = small.horizontalAdvance(l.footerText) + (outgoing ? IconSize + 4 : 0);
    if (failed)
        footerWidth += 12 + link.horizontalAdvance(retry) + 10 + link.horizontalAdvance(discard) + 2;

    int width = qMax(textBounds.width(), footerWidth);
    if (!l.headerText.isEmpty())
        width = qMax(width, bold.horizontalAdvance(l.headerText));
    width = qMin(width + 2 * Padding, maxBubble);

    const int headerH = l.headerText.isEmpty() ? 0 : bold.height() + 2;
    const int footerH = qMax(small.height(), IconSize) + 2;
    const int height = Padding + headerH + textBounds.height() + 4 + footerH + Padding / 2;

    const int x = outgoing ? area.right() - width + 1 : area.left();
    l.bubble = QRect(x, area.top(), width, height);
    int y = l.bubble.top() + Padding;
    if (headerH) {
        l.header = QRect(x + Padding, y, width - 2 * Padding, bold.height());
        y += headerH;
    }
    l.text = QRect(x + Padding, y, width - 2 * Padding, textBounds.height());
    y += textBounds.height() + 4;
    l.footer = QRect(x + Padding, y, width - 2 * Padding, footerH);
    int fx = l.footer.left();
    if (outgoing) {
        l.icon = QRect(fx, y + (footerH - IconSize) / 2, IconSize, IconSize);
        fx += IconSize + 4;
    }
    const int footerTextW = small.horizontalAdvance(l.footerText);
    if (failed) {
        fx += footerTextW + 12;
        l.retry = QRect(fx, y, link.horizontalAdvance(retry) + 1, footerH);
        fx += l.retry.width() + 10;
        l.discard = QRect(fx, y, link.horizontalAdvance(discard) + 1, footerH);
    }
    return l;
}

void MessageDelegate::watchModel(const QAbstractItemModel *constModel) const
{
    auto *self = const_cast<MessageDelegate *>(this);
    if (m_cacheModel)
        disconnect(m_cacheModel, nullptr, self, nullptr);
    m_sizeCache.clear();
    m_cacheModel = const_cast<QAbstractItemModel *>(constModel);
    if (!m_cacheModel)
        return;
    QAbstractItemModel *model = m_cacheModel;
    // A row's size depends on the row before it (grouping), so a change also invalidates the next row.
    connect(model, &QAbstractItemModel::rowsInserted, self, [self](const QModelIndex &parent, int first, int last) {
        if (parent.isValid() || first > self->m_sizeCache.size())
            return self->m_sizeCache.clear();
        self->m_sizeCache.insert(first, last - first + 1, QSize());
        self->invalidateRows(last + 1, last + 1);
    });
    connect(model, &QAbstractItemModel::rowsRemoved, self, [self](const QModelIndex &parent, int first, int last) {
        if (parent.isValid() || last >= self->m_sizeCache.size())
            return self->m_sizeCache.clear();
        self->m_sizeCache.remove(first, last - first + 1);
        self->invalidateRows(first, first);
    });
    connect(model, &QAbstractItemModel::dataChanged, self,
            [self](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
                self->invalidateRows(topLeft.row(), bottomRight.row() + 1);
            });
    const auto clearAll = [self] { self->m_sizeCache.clear(); };
    connect(model, &QAbstractItemModel::modelReset, self, clearAll);
    connect(model, &QAbstractItemModel::layoutChanged, self, clearAll);
    connect(model, &QAbstractItemModel::rowsMoved, self, clearAll);
    connect(model, &QObject::destroyed, self, clearAll);
}

void MessageDelegate::invalidateRows(int first, int last)
{
    first = qMax(0, first);
    last = qMin(last, int(m_sizeCache.size()) - 1);
    for (int row = first; row <= last; ++row)
        m_sizeCache[row] = QSize();
}

QSize MessageDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const int width = option.rect.width() > 0 ? option.rect.width()
        : (qobject_cast<const QAbstractItemView *>(option.widget)
               ? static_cast<const QAbstractItemView *>(option.widget)->viewport()->width() : 400);
    if (index.model() != m_cacheModel.data())
        watchModel(index.model());
    if (width != m_cacheWidth || option.font != m_cacheFont) {
        m_sizeCache.clear();
        m_cacheWidth = width;
        m_cacheFont = option.font;
    }
    const int row = index.row();
    if (index.parent().isValid() || row < 0)
        return {};
    const int rows = index.model()->rowCount();
    if (m_sizeCache.size() != rows) {
        // First sight of the model, or asked before our rowsInserted slot ran: start over rather
        // than risk sizes of shifted rows.
        m_sizeCache.clear();
        m_sizeCache.resize(rows, QSize());
    }
    if (row < m_sizeCache.size() && m_sizeCache.at(row).isValid())
        return m_sizeCache.at(row);
    QStyleOptionViewItem opt = option;
    opt.rect = QRect(0, 0, width, 0);
    const Layout l = layout(opt, index);
    const QSize size(width, l.bubble.bottom() + 4);
    if (row < m_sizeCache.size())
        m_sizeCache[row] = size;
    return size;
}

void MessageDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const Layout l = layout(option, index);
    const bool outgoing = index.data(MessageModel::OutgoingRole).toBool();
    const int delivery = index.data(MessageModel::DeliveryRole).toInt();
    const bool failed = outgoing && delivery == int(ChatMessage::Delivery::Failed);

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    QColor fill = outgoing ? QColor(0xdc, 0xeb, 0xff) : QColor(0xf0, 0xf1, 0xf4);
    if (failed)
        fill = QColor(0xfd, 0xe8, 0xe6);
    QPainterPath path;
    path.addRoundedRect(QRectF(l.bubble), 10, 10);
    painter->fillPath(path, fill);
    if (option.state & QStyle::State_Selected) {
        painter->setPen(QPen(option.palette.highlight().color(), 1.5));
        painter->drawPath(path);
    }
    if (option.state & QStyle::State_HasFocus) {
        painter->setPen(QPen(option.palette.highlight().color(), 1, Qt::DashLine));
        painter->drawRoundedRect(QRectF(l.bubble).adjusted(-2, -2, 2, 2), 11, 11);
    }

    const QColor ink(0x1d, 0x20, 0x24);
    const QColor muted(0x62, 0x68, 0x70);
    if (!l.headerText.isEmpty()) {
        painter->setFont(boldFont(option.font));
        painter->setPen(outgoing ? QColor(0x1f, 0x4f, 0x99) : QColor(0x2d, 0x6a, 0x4f));
        painter->drawText(l.header, Qt::AlignLeft | Qt::AlignVCenter,
                          QFontMetrics(painter->font()).elidedText(l.headerText, Qt::ElideRight, l.header.width()));
    }
    painter->setFont(option.font);
    painter->setPen(ink);
    painter->drawText(l.text, Qt::TextWordWrap | Qt::TextWrapAnywhere | Qt::AlignLeft | Qt::AlignTop,
                      index.data(MessageModel::TextRole).toString());

    painter->setFont(smallFont(option.font));
    if (!l.icon.isNull()) {
        const QString iconPath = deliveryIconPath(delivery);
        if (!iconPath.isEmpty())
            QIcon(iconPath).paint(painter, l.icon);
    }
    QRect footerText = l.footer;
    if (!l.icon.isNull())
        footerText.setLeft(l.icon.right() + 5);
    painter->setPen(failed ? QColor(0xa8, 0x2a, 0x20) : muted);
    painter->drawText(footerText, Qt::AlignLeft | Qt::AlignVCenter, l.footerText);
    if (failed) {
        painter->setFont(linkFont(option.font));
        painter->setPen(QColor(0x1f, 0x4f, 0x99));
        painter->drawText(l.retry, Qt::AlignLeft | Qt::AlignVCenter, tr("Retry"));
        painter->drawText(l.discard, Qt::AlignLeft | Qt::AlignVCenter, tr("Discard"));
    }
    painter->restore();
}

bool MessageDelegate::editorEvent(QEvent *event, QAbstractItemModel *model, const QStyleOptionViewItem &option,
                                  const QModelIndex &index)
{
    if (event->type() == QEvent::MouseButtonRelease) {
        const auto *mouse = static_cast<QMouseEvent *>(event);
        const Layout l = layout(option, index);
        const QString id = index.data(MessageModel::IdRole).toString();
        if (!l.retry.isNull() && l.retry.adjusted(-4, -4, 4, 4).contains(mouse->position().toPoint())) {
            Q_EMIT retryRequested(id);
            return true;
        }
        if (!l.discard.isNull() && l.discard.adjusted(-4, -4, 4, 4).contains(mouse->position().toPoint())) {
            Q_EMIT discardRequested(id);
            return true;
        }
    }
    return QStyledItemDelegate::editorEvent(event, model, option, index);
}

} // namespace Tether
