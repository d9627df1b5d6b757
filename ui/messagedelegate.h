#pragma once
// Paints one chat message as a bubble: sender (unless grouped with the previous one), text, time,
// and for our own messages the delivery state: a clock while pending, a check once sent, and
// "Not sent" with Retry / Discard when it failed.

#include <QHash>
#include <QStyledItemDelegate>

namespace Tether {

class MessageDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    explicit MessageDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    bool editorEvent(QEvent *event, QAbstractItemModel *model, const QStyleOptionViewItem &option,
                     const QModelIndex &index) override;

    // The words under the bubble for a delivery state ("Sending…", "Not sent"); empty when none.
    static QString deliveryText(int delivery);
    static QString deliveryIconPath(int delivery);

    struct Layout
    {
        QRect bubble, header, text, footer, icon, retry, discard;
        QString headerText, footerText;
    };
    Layout layout(const QStyleOptionViewItem &option, const QModelIndex &index) const;

    void clearCache() { m_sizeCache.clear(); }

Q_SIGNALS:
    void retryRequested(const QString &id);
    void discardRequested(const QString &id);

private:
    mutable QHash<QString, QSize> m_sizeCache; // "id|width|grouped|delivery" -> size
};

} // namespace Tether
