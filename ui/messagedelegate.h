#pragma once
// Paints one chat message as a bubble: a date separator and the "unread" line above it when the
// model says so, the sender's initials avatar and full name once per group, the text as plain
// text wrapped at word boundaries with clickable links, the time it was written, and for our own
// messages the delivery state ("Not sent" with Retry / Discard when it failed). Colours come from
// the palette, so a dark system theme gives dark bubbles.

#include <QColor>
#include <QDateTime>
#include <QFont>
#include <QHash>
#include <QIcon>
#include <QPointer>
#include <QStyledItemDelegate>
#include <QUrl>
#include <QVector>

#include <functional>

class QTextLayout;

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
    // "Today", "Yesterday", or the date in the interface language's long format.
    static QString dayLabel(const QDate &day, const QDate &today);
    static QString unreadLineText();
    // Up to two letters from the parts of a name ("echo-bot" -> "EB", "Анна" -> "А").
    static QString initials(const QString &name);
    // A colour of its own per sender id, the same in every run.
    static QColor avatarColor(const QString &senderId);

    struct Link
    {
        int start = 0;
        int length = 0;
        QUrl url;
    };
    // The lines a text is broken into at a width, as painted: at word boundaries, and inside a
    // word only when it is wider than the line.
    static QStringList wrappedLines(const QString &text, const QFont &font, int width);

    // http(s) and www. addresses in plain text; trailing punctuation is not part of a link.
    static QList<Link> findLinks(const QString &text);

    // Every colour the delegate paints, derived from a palette (light or dark).
    struct Colors
    {
        QColor incoming, outgoing, failed;   // bubble fills
        QColor text, muted, link, failedText, separatorFill, unreadLine;
        static Colors from(const QPalette &palette);
    };
    // WCAG contrast ratio of two colours (1..21).
    static double contrast(const QColor &a, const QColor &b);

    struct Layout
    {
        QRect daySeparator, unreadLine, avatar, bubble, header, text, footer, icon, retry, discard;
        QString dayText, headerText, initials, footerText;
        bool headerElided = false;
    };
    Layout layout(const QStyleOptionViewItem &option, const QModelIndex &index) const;
    // The link at pos (view coordinates) in the row drawn in option.rect, or an empty URL.
    QUrl linkAt(const QStyleOptionViewItem &option, const QModelIndex &index, const QPoint &pos) const;

    // What "today" is for the date separators; tests and screenshots fix it.
    void setClock(const std::function<QDateTime()> &clock) { m_clock = clock; }

    void clearCache() { m_sizeCache.clear(); }

Q_SIGNALS:
    void retryRequested(const QString &id);
    void discardRequested(const QString &id);
    void linkActivated(const QUrl &url);

private:
    Layout layoutWith(const QStyleOptionViewItem &option, const QModelIndex &index, QTextLayout *text) const;
    QDate today() const;
    const QIcon &icon(const QString &path) const;
    void watchModel(const QAbstractItemModel *model) const;
    void invalidateRows(int first, int last);

    std::function<QDateTime()> m_clock;
    mutable QHash<QString, QIcon> m_icons; // one engine per icon: it keeps its rendered pixmaps
    // Sizes by row for one width and font. QListView lays out every row again after each insert,
    // so sizeHint must be a lookup, not a text layout; the model's signals keep rows in step.
    mutable QVector<QSize> m_sizeCache; // invalid QSize = not computed yet
    mutable QPointer<QAbstractItemModel> m_cacheModel;
    mutable int m_cacheWidth = -1;
    mutable QFont m_cacheFont;
};

} // namespace Tether
