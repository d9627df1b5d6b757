#include "messagedelegate.h"

#include "chatsession.h"
#include "messagemodel.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QDesktopServices>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QRegularExpression>
#include <QTextLayout>
#include <QtMath>

#include <cmath>

namespace Tether {

namespace {
constexpr int Margin = 6;      // around the bubble
constexpr int Padding = 8;     // inside the bubble
constexpr int IconSize = 14;
constexpr int AvatarGap = 6;   // between the avatar column and the bubbles
constexpr int GroupedGap = 2;  // between bubbles of one group
constexpr int BottomGap = 2;

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

int avatarSize(const QFontMetrics &fm)
{
    return qMax(28, fm.height() * 2);
}

// 8 bits per channel, like the pixels it becomes.
QColor mix(const QColor &a, const QColor &b, double t)
{
    const auto channel = [t](int x, int y) { return qBound(0, qRound(x * (1 - t) + y * t), 255); };
    return QColor(channel(a.red(), b.red()), channel(a.green(), b.green()), channel(a.blue(), b.blue()));
}

double luminance(const QColor &c)
{
    const auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

// The colour moved towards black or white (whichever the backgrounds contrast with more) until
// it reads on every one of them: palettes and sender hues are not chosen for our bubbles.
QColor readableOn(QColor color, const QList<QColor> &backgrounds, double ratio = 4.5)
{
    const QColor &first = backgrounds.first();
    const QColor target = MessageDelegate::contrast(Qt::white, first) > MessageDelegate::contrast(Qt::black, first)
        ? QColor(Qt::white) : QColor(Qt::black);
    const auto worst = [&] {
        double w = 21;
        for (const QColor &bg : backgrounds)
            w = qMin(w, MessageDelegate::contrast(color, bg));
        return w;
    };
    for (int i = 0; i < 30 && worst() < ratio; ++i)
        color = mix(color, target, 0.12);
    return color;
}

// QTextLayout breaks lines only at U+2028; the other characters keep their places, so link
// offsets found in the original text stay valid.
QString layoutText(const QString &text)
{
    if (text.isEmpty())
        return QStringLiteral(" ");
    QString out = text;
    out.replace(QLatin1Char('\n'), QChar::LineSeparator);
    out.replace(QLatin1Char('\r'), QLatin1Char(' '));
    return out;
}

// Words wrap whole; only a word wider than the line is broken.
QSizeF wrap(QTextLayout &layout, qreal width)
{
    QTextOption option(Qt::AlignLeft | Qt::AlignTop);
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    layout.setTextOption(option);
    layout.beginLayout();
    qreal y = 0;
    qreal natural = 0;
    for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
        line.setLineWidth(width);
        line.setPosition(QPointF(0, y));
        y += line.height();
        natural = qMax(natural, line.naturalTextWidth());
    }
    layout.endLayout();
    return QSizeF(natural, y);
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

QString MessageDelegate::dayLabel(const QDate &day, const QDate &today)
{
    if (!day.isValid())
        return {};
    if (day == today)
        return tr("Today");
    if (day == today.addDays(-1))
        return tr("Yesterday");
    return QLocale().toString(day, QLocale::LongFormat);
}

QString MessageDelegate::unreadLineText()
{
    return tr("Unread messages");
}

QString MessageDelegate::initials(const QString &name)
{
    static const QRegularExpression separators(QStringLiteral("[\\s._@-]+"));
    QString out;
    const QStringList parts = name.split(separators, Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        for (const QChar ch : part) {
            if (ch.isLetterOrNumber()) {
                out += ch.toUpper();
                break;
            }
        }
        if (out.size() == 2)
            break;
    }
    return out.isEmpty() ? QStringLiteral("?") : out;
}

QColor MessageDelegate::avatarColor(const QString &senderId)
{
    // FNV-1a: qHash is seeded per process, and a sender must keep its colour across runs.
    quint32 h = 2166136261u;
    for (const QChar ch : senderId) {
        h ^= ch.unicode();
        h *= 16777619u;
    }
    return QColor::fromHsl(int(h % 360), 130 + int((h >> 9) % 70), 105 + int((h >> 17) % 25));
}

QStringList MessageDelegate::wrappedLines(const QString &text, const QFont &font, int width)
{
    QTextLayout layout(layoutText(text), font);
    wrap(layout, width);
    QStringList lines;
    for (int i = 0; i < layout.lineCount(); ++i) {
        const QTextLine line = layout.lineAt(i);
        lines << text.mid(line.textStart(), line.textLength());
    }
    return lines;
}

QList<MessageDelegate::Link> MessageDelegate::findLinks(const QString &text)
{
    QList<Link> links;
    if (!text.contains(QLatin1String("://")) && !text.contains(QLatin1String("www."), Qt::CaseInsensitive))
        return links; // the common case, without a regular expression
    static const QRegularExpression re(QStringLiteral("\\b(?:https?://|www\\.)[^\\s<>\"]+"),
                                       QRegularExpression::CaseInsensitiveOption);
    for (auto it = re.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        QString candidate = match.captured();
        // "see https://example.com/x." or "(https://example.com)": the punctuation is the sentence's.
        while (!candidate.isEmpty()) {
            const QChar last = candidate.back();
            const bool unbalanced = last == QLatin1Char(')') && candidate.count(QLatin1Char('(')) < candidate.count(QLatin1Char(')'));
            if (!QStringLiteral(".,;:!?'").contains(last) && !unbalanced)
                break;
            candidate.chop(1);
        }
        QUrl url = QUrl::fromUserInput(candidate.startsWith(QLatin1String("www."), Qt::CaseInsensitive)
                                           ? QStringLiteral("https://") + candidate : candidate);
        if (!url.isValid() || url.host().isEmpty()
            || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
            continue;
        links.append({int(match.capturedStart()), int(candidate.size()), url});
    }
    return links;
}

double MessageDelegate::contrast(const QColor &a, const QColor &b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (qMax(la, lb) + 0.05) / (qMin(la, lb) + 0.05);
}

MessageDelegate::Colors MessageDelegate::Colors::from(const QPalette &palette)
{
    // The active group throughout: bubbles do not change colour when the window loses focus.
    const auto role = [&palette](QPalette::ColorRole r) { return palette.color(QPalette::Active, r); };
    const QColor base = role(QPalette::Base);
    const QColor text = role(QPalette::Text);
    const bool dark = luminance(base) < 0.2;
    Colors c;
    c.incoming = mix(base, text, dark ? 0.12 : 0.06);
    c.outgoing = mix(base, role(QPalette::Highlight), dark ? 0.38 : 0.16);
    c.failed = mix(base, QColor(0xd0, 0x30, 0x20), dark ? 0.30 : 0.12);
    const QList<QColor> fills{c.incoming, c.outgoing, c.failed};
    c.text = readableOn(text, fills, 7.0);
    c.muted = readableOn(mix(text, base, 0.45), fills);
    c.link = readableOn(role(QPalette::Link), fills);
    c.failedText = readableOn(QColor(0xc0, 0x30, 0x25), {c.failed});
    c.separatorFill = mix(base, text, dark ? 0.14 : 0.07);
    c.unreadLine = readableOn(role(QPalette::Highlight), {base, c.separatorFill});
    return c;
}

QDate MessageDelegate::today() const
{
    return (m_clock ? m_clock() : QDateTime::currentDateTime()).toLocalTime().date();
}

const QIcon &MessageDelegate::icon(const QString &path) const
{
    auto it = m_icons.find(path);
    if (it == m_icons.end())
        it = m_icons.insert(path, QIcon(path));
    return it.value();
}

MessageDelegate::Layout MessageDelegate::layout(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    return layoutWith(option, index, nullptr);
}

MessageDelegate::Layout MessageDelegate::layoutWith(const QStyleOptionViewItem &option, const QModelIndex &index,
                                                    QTextLayout *textLayout) const
{
    Layout l;
    const bool outgoing = index.data(MessageModel::OutgoingRole).toBool();
    const bool grouped = index.data(MessageModel::GroupedRole).toBool();
    const int delivery = index.data(MessageModel::DeliveryRole).toInt();
    const QString text = index.data(MessageModel::TextRole).toString();
    const QDateTime ts = index.data(MessageModel::TimestampRole).toDateTime();
    const QFontMetrics fm(option.font);
    const QFontMetrics bold(boldFont(option.font));
    const QFontMetrics small(smallFont(option.font));
    const QFontMetrics link(linkFont(option.font));
    const QRect row = option.rect;

    int y = row.top();
    if (index.data(MessageModel::DayBreakRole).toBool()) {
        l.dayText = dayLabel(index.data(MessageModel::DayRole).toDate(), today());
        const int w = qMin(row.width() - 2 * Margin, small.horizontalAdvance(l.dayText) + 24);
        y += Margin;
        l.daySeparator = QRect(row.left() + (row.width() - w) / 2, y, w, small.height() + 8);
        y += l.daySeparator.height();
    }
    if (index.data(MessageModel::UnreadMarkerRole).toBool()) {
        y += Margin;
        l.unreadLine = QRect(row.left() + Margin, y, row.width() - 2 * Margin, small.height() + 4);
        y += l.unreadLine.height();
    }
    y += grouped ? GroupedGap : Margin;

    // Incoming messages keep a column for the avatar, so a group's bubbles line up under it.
    const int avatar = outgoing ? 0 : avatarSize(fm);
    const int areaLeft = row.left() + Margin + (outgoing ? 0 : avatar + AvatarGap);
    const int areaWidth = qMax(2 * Padding + 20, row.right() - Margin - areaLeft + 1);
    const int maxBubble = qMin(areaWidth, qMax(160, int(areaWidth * 0.75)));

    QTextLayout local;
    QTextLayout *tl = textLayout ? textLayout : &local;
    tl->setText(layoutText(text));
    tl->setFont(option.font);
    if (textLayout) {
        // Painting and hit tests only: the links' look does not change any size.
        QList<QTextLayout::FormatRange> formats;
        const QColor linkColor = Colors::from(option.palette).link;
        for (const Link &found : findLinks(text)) {
            QTextLayout::FormatRange range;
            range.start = found.start;
            range.length = found.length;
            range.format.setForeground(linkColor);
            range.format.setFontUnderline(true);
            formats.append(range);
        }
        tl->setFormats(formats);
    }
    const QSizeF textSize = wrap(*tl, maxBubble - 2 * Padding);
    const int textW = qCeil(textSize.width());
    const int textH = qCeil(textSize.height());

    const QString name = grouped ? QString() : index.data(MessageModel::FromRole).toString();
    const QString time = ts.isValid() ? QLocale().toString(ts.toLocalTime().time(), QLocale::ShortFormat) : QString();
    l.footerText = time;
    const QString state = outgoing ? deliveryText(delivery) : QString();
    if (!state.isEmpty())
        l.footerText = time.isEmpty() ? state : time + QStringLiteral(" · ") + state;

    const bool failed = outgoing && delivery == int(ChatMessage::Delivery::Failed);
    const QString retry = tr("Retry");
    const QString discard = tr("Discard");
    int footerWidth = small.horizontalAdvance(l.footerText) + (outgoing ? IconSize + 5 : 0);
    if (failed)
        footerWidth += 12 + link.horizontalAdvance(retry) + 10 + link.horizontalAdvance(discard) + 2;

    // The bubble grows to the sender's name; only a name wider than the whole row is elided.
    const int nameW = name.isEmpty() ? 0 : bold.horizontalAdvance(name);
    const int inner = qMin(qMax(qMax(textW, footerWidth), nameW), areaWidth - 2 * Padding);
    l.headerText = name;
    if (nameW > inner) {
        l.headerText = bold.elidedText(name, Qt::ElideRight, inner);
        l.headerElided = true;
    }
    const int width = inner + 2 * Padding;
    const int headerH = name.isEmpty() ? 0 : bold.height() + 2;
    const int footerH = qMax(small.height(), IconSize) + 2;
    const int height = Padding + headerH + textH + 4 + footerH + Padding / 2;

    const int x = outgoing ? row.right() - Margin - width + 1 : areaLeft;
    l.bubble = QRect(x, y, width, height);
    if (!outgoing && !grouped) {
        l.avatar = QRect(row.left() + Margin, y, avatar, avatar);
        l.initials = initials(index.data(MessageModel::FromRole).toString());
    }
    y += Padding;
    if (headerH) {
        l.header = QRect(x + Padding, y, inner, bold.height());
        y += headerH;
    }
    l.text = QRect(x + Padding, y, inner, textH);
    y += textH + 4;
    l.footer = QRect(x + Padding, y, inner, footerH);
    int fx = l.footer.left();
    if (outgoing) {
        l.icon = QRect(fx, y + (footerH - IconSize) / 2, IconSize, IconSize);
        fx += IconSize + 5;
    }
    if (failed) {
        fx += small.horizontalAdvance(l.footerText) + 12;
        l.retry = QRect(fx, y, link.horizontalAdvance(retry) + 1, footerH);
        fx += l.retry.width() + 10;
        l.discard = QRect(fx, y, link.horizontalAdvance(discard) + 1, footerH);
    }
    return l;
}

QUrl MessageDelegate::linkAt(const QStyleOptionViewItem &option, const QModelIndex &index, const QPoint &pos) const
{
    const QString text = index.data(MessageModel::TextRole).toString();
    const QList<Link> links = findLinks(text);
    if (links.isEmpty())
        return {};
    QTextLayout tl;
    const Layout l = layoutWith(option, index, &tl);
    if (!l.text.contains(pos))
        return {};
    const QPointF p = QPointF(pos) - QPointF(l.text.topLeft());
    for (int i = 0; i < tl.lineCount(); ++i) {
        const QTextLine line = tl.lineAt(i);
        if (p.y() < line.y() || p.y() >= line.y() + line.height())
            continue;
        if (p.x() < line.x() || p.x() > line.x() + line.naturalTextWidth())
            return {};
        const int at = line.xToCursor(p.x(), QTextLine::CursorOnCharacter);
        for (const Link &link : links) {
            if (at >= link.start && at < link.start + link.length)
                return link.url;
        }
        return {};
    }
    return {};
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
    // A row's size depends on the row before it (grouping, day), so a change also invalidates the next row.
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
    const int bottom = qMax(l.bubble.bottom(), l.avatar.isNull() ? 0 : l.avatar.bottom());
    const QSize size(width, bottom + 1 + BottomGap);
    if (row < m_sizeCache.size())
        m_sizeCache[row] = size;
    return size;
}

void MessageDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QTextLayout text;
    const Layout l = layoutWith(option, index, &text);
    const Colors colors = Colors::from(option.palette);
    const bool outgoing = index.data(MessageModel::OutgoingRole).toBool();
    const int delivery = index.data(MessageModel::DeliveryRole).toInt();
    const bool failed = outgoing && delivery == int(ChatMessage::Delivery::Failed);
    const QFont small = smallFont(option.font);

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setRenderHint(QPainter::TextAntialiasing);
    if (!l.daySeparator.isNull()) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(colors.separatorFill);
        painter->drawRoundedRect(QRectF(l.daySeparator), l.daySeparator.height() / 2.0, l.daySeparator.height() / 2.0);
        painter->setFont(small);
        painter->setPen(colors.muted);
        painter->drawText(l.daySeparator, Qt::AlignCenter,
                          QFontMetrics(small).elidedText(l.dayText, Qt::ElideRight, l.daySeparator.width() - 8));
    }
    if (!l.unreadLine.isNull()) {
        const QString words = unreadLineText();
        const QFont font = boldFont(small);
        const int wordsW = QFontMetrics(font).horizontalAdvance(words);
        const int mid = l.unreadLine.center().y();
        const int cx = l.unreadLine.center().x();
        painter->setPen(QPen(colors.unreadLine, 1));
        painter->drawLine(l.unreadLine.left(), mid, cx - wordsW / 2 - 8, mid);
        painter->drawLine(cx + wordsW / 2 + 8, mid, l.unreadLine.right(), mid);
        painter->setFont(font);
        painter->drawText(l.unreadLine, Qt::AlignCenter, words);
    }

    const QColor fill = failed ? colors.failed : outgoing ? colors.outgoing : colors.incoming;
    QPainterPath path;
    path.addRoundedRect(QRectF(l.bubble), 10, 10);
    painter->fillPath(path, fill);
    painter->setBrush(Qt::NoBrush); // outlines only
    if (option.state & QStyle::State_Selected) {
        painter->setPen(QPen(option.palette.highlight().color(), 1.5));
        painter->drawPath(path);
    }
    if (option.state & QStyle::State_HasFocus) {
        painter->setPen(QPen(option.palette.highlight().color(), 1, Qt::DashLine));
        painter->drawRoundedRect(QRectF(l.bubble).adjusted(-2, -2, 2, 2), 11, 11);
    }

    const QString from = index.data(MessageModel::FromRole).toString();
    const QColor senderColor = avatarColor(from);
    if (!l.avatar.isNull()) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(senderColor);
        painter->drawEllipse(QRectF(l.avatar));
        QFont font = boldFont(option.font);
        font.setPixelSize(qMax(8, l.avatar.height() * 2 / 5));
        painter->setFont(font);
        painter->setPen(contrast(Qt::white, senderColor) >= contrast(Qt::black, senderColor) ? Qt::white : Qt::black);
        painter->drawText(l.avatar, Qt::AlignCenter, l.initials);
    }
    if (!l.headerText.isEmpty()) {
        painter->setFont(boldFont(option.font));
        painter->setPen(readableOn(senderColor, {fill})); // the avatar's hue: a name, not a link
        painter->drawText(l.header, Qt::AlignLeft | Qt::AlignVCenter, l.headerText);
    }
    painter->setFont(option.font);
    painter->setPen(colors.text);
    text.draw(painter, l.text.topLeft());

    painter->setFont(small);
    if (!l.icon.isNull()) {
        const QString iconPath = deliveryIconPath(delivery);
        if (!iconPath.isEmpty())
            icon(iconPath).paint(painter, l.icon); // QIcon renders at the device's pixel ratio
    }
    QRect footerText = l.footer;
    if (!l.icon.isNull())
        footerText.setLeft(l.icon.right() + 6);
    painter->setPen(failed ? colors.failedText : colors.muted);
    painter->drawText(footerText, Qt::AlignLeft | Qt::AlignVCenter, l.footerText);
    if (failed) {
        painter->setFont(linkFont(option.font));
        painter->setPen(colors.link);
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
        const QPoint pos = mouse->position().toPoint();
        const Layout l = layout(option, index);
        const QString id = index.data(MessageModel::IdRole).toString();
        if (!l.retry.isNull() && l.retry.adjusted(-4, -4, 4, 4).contains(pos)) {
            Q_EMIT retryRequested(id);
            return true;
        }
        if (!l.discard.isNull() && l.discard.adjusted(-4, -4, 4, 4).contains(pos)) {
            Q_EMIT discardRequested(id);
            return true;
        }
        if (mouse->button() == Qt::LeftButton) {
            const QUrl url = linkAt(option, index, pos);
            if (!url.isEmpty()) {
                Q_EMIT linkActivated(url);
                QDesktopServices::openUrl(url);
                return true;
            }
        }
    }
    return QStyledItemDelegate::editorEvent(event, model, option, index);
}

} // namespace Tether
