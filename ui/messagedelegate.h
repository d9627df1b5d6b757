#pragma once
// Paints one chat message as a bubble: sender (unless grouped with the previous one), text, time,
// and for our own messages the delivery state: a clock while pending, a check once sent, and
// "Not sent" with Retry / Discard when it failed.

#include <QFont>
#include <QPointer>
#include <QStyledItemDelegate>
#include <QVector>

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
    void watchModel(const QAbstractItemModel *model) const;
    void invalidateRows(int first, int last);

    // Sizes by row for one width and font. QListView lays out every row again after each insert,
    // so sizeHint must be a lookup, not a text layout; the model's signals keep rows in step.
    mutable QVector<QSize> m_sizeCache; // invalid QSize = not computed yet
    mutable QPointer<QAbstractItemModel> m_cacheModel;
    mutable int m_cacheWidth = -1;
    mutable QFont m_cacheFont;
};

} // namespace Tether
