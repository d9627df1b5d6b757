#include "messageview.h"

#include <QPainter>

namespace Tether {

MessageView::MessageView(QWidget *parent)
    : QListView(parent)
{
}

void MessageView::setPlaceholderText(const QString &text)
{
    m_placeholder = text;
    viewport()->update();
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
