#include "messageview.h"

#include "messagedelegate.h"
#include "messagemodel.h"

#include <QDesktopServices>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>

namespace Tether {

MessageView::MessageView(QWidget *parent)
    : QListView(parent)
{
    viewport()->setMouseTracking(true); // the pointer turns into a hand over links
}

void MessageView::setPlaceholderText(const QString &text)
{
    m_placeholder = text;
    viewport()->update();
}

QUrl MessageView::linkAt(const QPoint &pos) const
{
    const auto *delegate = qobject_cast<MessageDelegate *>(itemDelegate());
    const QModelIndex index = indexAt(pos);
    if (!delegate || !index.isValid())
        return {};
    QStyleOptionViewItem option;
    initViewItemOption(&option);
    option.rect = visualRect(index);
    return delegate->linkAt(option, index, pos);
}

void MessageView::mouseMoveEvent(QMouseEvent *event)
{
    QListView::mouseMoveEvent(event);
    if (!linkAt(event->position().toPoint()).isEmpty())
        viewport()->setCursor(Qt::PointingHandCursor);
    else
        viewport()->unsetCursor();
}

void MessageView::keyPressEvent(QKeyEvent *event)
{
    const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
    const QModelIndex current = currentIndex();
    if (enter && current.isValid()) {
        const QList<MessageDelegate::Link> links =
            MessageDelegate::findLinks(current.data(MessageModel::TextRole).toString());
        if (!links.isEmpty()) {
            // The first link: a message rarely has more, and opening several tabs at once surprises.
            if (auto *delegate = qobject_cast<MessageDelegate *>(itemDelegate()))
                Q_EMIT delegate->linkActivated(links.first().url);
            QDesktopServices::openUrl(links.first().url);
            event->accept();
            return;
        }
    }
    QListView::keyPressEvent(event);
}

void MessageView::paintEvent(QPaintEvent *event)
{
    QListView::paintEvent(event);
    if ((model() && model()->rowCount(rootIndex()) > 0) || m_placeholder.isEmpty())
        return;
    QPainter painter(viewport());
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(viewport()->rect().adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
}

} // namespace Tether
