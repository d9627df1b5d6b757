// How a message is drawn: the words and icon per delivery state in both languages, the failed
// bubble with Retry/Discard that answer clicks, the colours actually painted (light and dark
// palettes, HiDPI), word wrapping, full sender names, groups with one avatar, date separators, the
// "unread" line, the time written kept after delivery, and links that open while markup stays text.

#include "chatsession.h"
#include "language.h"
#include "messagedelegate.h"
#include "messagemodel.h"

#include "messageview.h"

#include <QDesktopServices>
#include <QImage>
#include <QListView>
#include <QPainter>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

using namespace Tether;
using D = ChatMessage::Delivery;

// Takes the place of the desktop's browser: QDesktopServices hands it the URLs it would open.
class UrlCatcher : public QObject
{
    Q_OBJECT
public:
    QList<QUrl> urls;
public Q_SLOTS:
    void open(const QUrl &url) { urls << url; }
};

class TestMessageDelegate : public QObject
{
    Q_OBJECT

private:
    static ChatMessage message(const QString &id, D delivery, bool outgoing, const QString &from = QStringLiteral("carol"))
    {
        ChatMessage m;
        m.id = id;
        m.conversation = QStringLiteral("lobby");
        m.from = from;
        m.text = QStringLiteral("Message ") + id;
        m.timestamp = QDateTime::currentDateTime();
        m.delivery = delivery;
        m.outgoing = outgoing;
        return m;
    }

private Q_SLOTS:
    void cleanup() { Language::apply(QStringLiteral("en")); }

    void wordsPerState_data()
    {
        QTest::addColumn<QString>("lang");
        QTest::addColumn<int>("delivery");
        QTest::addColumn<QString>("words");
        QTest::addColumn<QString>("icon");
        const struct { D d; const char *en; const char *ru; const char *icon; } rows[] = {
            {D::Queued, "Waiting for connection", "Ждёт соединения", ":/icons/delivery-pending.svg"},
            {D::Sending, "Sending…", "Отправляется…", ":/icons/delivery-pending.svg"},
            {D::Sent, "", "", ":/icons/delivery-sent.svg"},
            {D::Failed, "Not sent", "Не отправлено", ":/icons/delivery-failed.svg"},
            {D::Received, "", "", ""},
        };
        for (const auto &r : rows) {
            QTest::addRow("en-%d", int(r.d)) << QStringLiteral("en") << int(r.d) << QString::fromUtf8(r.en) << QString::fromLatin1(r.icon);
            QTest::addRow("ru-%d", int(r.d)) << QStringLiteral("ru") << int(r.d) << QString::fromUtf8(r.ru) << QString::fromLatin1(r.icon);
        }
    }
    void wordsPerState()
    {
        QFETCH(QString, lang);
        QFETCH(int, delivery);
        QFETCH(QString, words);
        QFETCH(QString, icon);
        QVERIFY(Language::apply(lang));
        QCOMPARE(MessageDelegate::deliveryText(delivery), words);
        QCOMPARE(MessageDelegate::deliveryIconPath(delivery), icon);
        if (!icon.isEmpty())
            QVERIFY2(!QIcon(icon).pixmap(16, 16).isNull(), qPrintable(icon));
    }

    void paintsEachStateAndHandlesRetryDiscard()
    {
        MessageModel model;
        model.resetMessages({
            message(QStringLiteral("r"), D::Received, false, QStringLiteral("alice")),
            message(QStringLiteral("s"), D::Sent, true),
            message(QStringLiteral("q"), D::Queued, true),
            message(QStringLiteral("f"), D::Failed, true),
        });
        QListView view;
        MessageDelegate delegate;
        view.setItemDelegate(&delegate);
        view.setModel(&model);
        view.resize(600, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));

        QStyleOptionViewItem option;
        option.initFrom(view.viewport());
        auto layoutOf = [&](int row) {
            QStyleOptionViewItem o = option;
            o.rect = view.visualRect(model.index(row));
            o.font = view.font();
            return delegate.layout(o, model.index(row));
        };
        // Only the failed message offers Retry / Discard; our messages sit on the right.
        for (int row = 0; row < 3; ++row) {
            QVERIFY(layoutOf(row).retry.isNull());
            QVERIFY(layoutOf(row).discard.isNull());
        }
        const MessageDelegate::Layout failed = layoutOf(3);
        QVERIFY(!failed.retry.isNull());
        QVERIFY(!failed.discard.isNull());
        QVERIFY(!failed.retry.intersects(failed.discard));
        QVERIFY(failed.bubble.contains(failed.discard));
        QVERIFY(layoutOf(1).bubble.center().x() > layoutOf(0).bubble.center().x());
        QVERIFY(layoutOf(2).footerText.contains(QLatin1String("Waiting for connection")));
        QVERIFY(failed.footerText.contains(QLatin1String("Not sent")));

        // Painted colours, from the palette: incoming, ours and failed each have their own.
        const QImage image = view.viewport()->grab().toImage();
        auto colorInside = [&](int row) {
            const QRect b = layoutOf(row).bubble;
            return image.pixelColor(b.left() + 4, b.center().y());
        };
        const MessageDelegate::Colors colors = MessageDelegate::Colors::from(view.palette());
        QCOMPARE(colorInside(0), colors.incoming);
        QCOMPARE(colorInside(1), colors.outgoing);
        QCOMPARE(colorInside(3), colors.failed);
        QVERIFY(colors.incoming != colors.outgoing && colors.outgoing != colors.failed);
        // A selected message keeps its fill; only its outline changes.
        view.setCurrentIndex(model.index(0));
        QCOMPARE(view.viewport()->grab().toImage().pixelColor(layoutOf(0).bubble.left() + 4, layoutOf(0).bubble.center().y()),
                 colors.incoming);

        QSignalSpy retry(&delegate, &MessageDelegate::retryRequested);
        QSignalSpy discard(&delegate, &MessageDelegate::discardRequested);
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, failed.retry.center());
        QCOMPARE(retry.count(), 1);
        QCOMPARE(retry.at(0).at(0).toString(), QStringLiteral("f"));
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, failed.discard.center());
        QCOMPARE(discard.count(), 1);
        QCOMPARE(discard.at(0).at(0).toString(), QStringLiteral("f"));
        // Clicking a sent message's footer does nothing.
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, layoutOf(1).footer.center());
        QCOMPARE(retry.count() + discard.count(), 2);
    }

    void groupingAndUpdates()
    {
        MessageModel model;
        ChatMessage a = message(QStringLiteral("1"), D::Received, false, QStringLiteral("alice"));
        ChatMessage b = message(QStringLiteral("2"), D::Received, false, QStringLiteral("alice"));
        ChatMessage c = message(QStringLiteral("3"), D::Received, false, QStringLiteral("bob"));
        ChatMessage late = message(QStringLiteral("4"), D::Received, false, QStringLiteral("bob"));
        late.timestamp = c.timestamp.addSecs(3600);
        model.appendMessages({a, b, c, late});
        QCOMPARE(model.index(0).data(MessageModel::GroupedRole).toBool(), false);
        QCOMPARE(model.index(1).data(MessageModel::GroupedRole).toBool(), true);
        QCOMPARE(model.index(2).data(MessageModel::GroupedRole).toBool(), false);
        QCOMPARE(model.index(3).data(MessageModel::GroupedRole).toBool(), false); // an hour later

        ChatMessage mine = message(QStringLiteral("5"), D::Queued, true);
        model.appendMessages({mine});
        mine.delivery = D::Sent;
        mine.seq = 9;
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.appendMessages({mine}); // the server's copy of our message: updated in place
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.index(4).data(MessageModel::DeliveryRole).toInt(), int(D::Sent));
        model.removeMessage(QStringLiteral("2"));
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.rowOf(QStringLiteral("5")), 3);
        QVERIFY(model.index(3).data(Qt::AccessibleTextRole).toString().contains(QLatin1String("Message 5")));
    }

    // Sizes are cached by row; after every kind of model change each row's size must still equal
    // what a delegate without a cache computes (grouping depends on the previous row).
    void cachedSizesFollowTheModel()
    {
        MessageModel model;
        QListView view;
        view.resize(500, 400);
        view.setModel(&model);
        MessageDelegate delegate;
        view.setItemDelegate(&delegate);
        QStyleOptionViewItem option;
        option.initFrom(&view);
        option.widget = &view;
        option.rect = QRect(0, 0, 480, 0);
        const auto check = [&](const char *step) {
            MessageDelegate fresh;
            for (int row = 0; row < model.rowCount(); ++row) {
                const QModelIndex i = model.index(row);
                if (delegate.sizeHint(option, i) != fresh.sizeHint(option, i))
                    QFAIL(qPrintable(QStringLiteral("%1: row %2 has a stale size").arg(QLatin1String(step)).arg(row)));
            }
        };
        ChatMessage a = message(QStringLiteral("a"), D::Received, false, QStringLiteral("alice"));
        ChatMessage b = message(QStringLiteral("b"), D::Received, false, QStringLiteral("alice"));
        ChatMessage c = message(QStringLiteral("c"), D::Received, false, QStringLiteral("alice"));
        model.appendMessages({a, b});
        check("append");
        const QSize grouped = delegate.sizeHint(option, model.index(1));
        model.appendMessages({c});
        check("append more");
        model.removeMessage(QStringLiteral("a")); // b now leads its group: it gets a header
        check("remove");
        QVERIFY(delegate.sizeHint(option, model.index(0)).height() > grouped.height());
        b.text = QString(400, QLatin1Char('w'));
        model.updateMessage(b); // longer text: taller bubble
        check("update");
        ChatMessage mine = message(QStringLiteral("m"), D::Sending, true);
        model.appendMessages({mine});
        mine.delivery = D::Failed;
        model.updateMessage(mine);
        check("delivery");
        option.rect = QRect(0, 0, 200, 0); // narrower: text wraps more
        check("width");
        model.resetMessages({c, a, b});
        check("reset");
    }

    // Finding 5: words wrap whole ("consectet/ur", "Ка/к дела" must not happen); only a word wider
    // than the line is broken.
    void wordWrapKeepsWordsWhole_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("latin") << QStringLiteral(
            "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt "
            "ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation.");
        QTest::newRow("cyrillic") << QStringLiteral(
            "Привет! Как дела? Как дела у тебя сегодня, всё ли хорошо? Напиши, когда будешь свободен, "
            "обсудим переподключение и очередь исходящих сообщений.");
        QTest::newRow("lines") << QStringLiteral("first line\nКак дела\nconsectetur adipiscing");
    }
    void wordWrapKeepsWordsWhole()
    {
        QFETCH(QString, text);
        QFont font;
        const QFontMetrics fm(font);
        const auto isWordChar = [](QChar c) { return c.isLetterOrNumber() || c == QLatin1Char('\''); };
        for (int width = 40; width <= 420; width += 9) {
            const QStringList lines = MessageDelegate::wrappedLines(text, font, width);
            QCOMPARE(lines.join(QString()), text); // nothing lost or added
            int offset = 0;
            for (int i = 0; i + 1 < lines.size(); ++i) {
                offset += int(lines.at(i).size());
                if (!isWordChar(text.at(offset - 1)) || !isWordChar(text.at(offset)))
                    continue;
                int start = offset;
                int end = offset;
                while (start > 0 && isWordChar(text.at(start - 1)))
                    --start;
                while (end < text.size() && isWordChar(text.at(end)))
                    ++end;
                const QString word = text.mid(start, end - start);
                if (fm.horizontalAdvance(word) <= width) {
                    QFAIL(qPrintable(QStringLiteral("width %1: \"%2\" broken as \"%3/%4\"")
                                         .arg(width).arg(word, text.mid(start, offset - start), text.mid(offset, end - offset))));
                }
            }
        }
    }

    // A word wider than the bubble is the one thing broken, and the bubble stays inside the row.
    void overlongWordBreaksInsideTheRow()
    {
        MessageModel model;
        ChatMessage m = message(QStringLiteral("w"), D::Received, false);
        m.text = QStringLiteral("see ") + QString(300, QLatin1Char('x')) + QStringLiteral(" end");
        model.resetMessages({m});
        QListView view;
        MessageDelegate delegate;
        view.setItemDelegate(&delegate);
        view.setModel(&model);
        view.resize(420, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QStyleOptionViewItem option;
        option.initFrom(view.viewport());
        option.rect = view.visualRect(model.index(0));
        const MessageDelegate::Layout l = delegate.layout(option, model.index(0));
        QVERIFY(option.rect.contains(l.bubble));
        const QStringList lines = MessageDelegate::wrappedLines(m.text, view.font(), l.text.width());
        QVERIFY(lines.size() >= 3);
        QCOMPARE(lines.first(), QStringLiteral("see ")); // "see" is not glued to the long word's start
        QVERIFY(l.text.height() >= lines.size() * QFontMetrics(view.font()).height() - 1);
    }

    // Right-to-left text is drawn inside its (narrow) bubble, not at the far end of the wrap width.
    void rightToLeftTextStaysInItsBubble()
    {
        MessageModel model;
        ChatMessage m = message(QStringLiteral("r"), D::Received, false, QStringLiteral("alice"));
        m.text = QStringLiteral("שלום עולם");
        model.resetMessages({m});
        QListView view;
        MessageDelegate delegate;
        view.setItemDelegate(&delegate);
        view.setModel(&model);
        view.resize(700, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QStyleOptionViewItem o;
        o.initFrom(view.viewport());
        o.font = view.font();
        o.rect = view.visualRect(model.index(0));
        const MessageDelegate::Layout l = delegate.layout(o, model.index(0));
        const QImage image = view.viewport()->grab().toImage();
        const QColor base = view.palette().color(QPalette::Base);
        int inked = 0;
        for (int y = l.text.top(); y <= l.text.bottom(); ++y) {
            for (int x = l.bubble.right() + 4; x < image.width(); ++x) // past the focus outline
                inked += image.pixelColor(x, y) != base ? 1 : 0;
        }
        QCOMPARE(inked, 0);
        int inside = 0;
        for (int y = l.text.top(); y <= l.text.bottom(); ++y) {
            for (int x = l.text.left(); x <= l.text.right(); ++x)
                inside += image.pixelColor(x, y).lightnessF() < 0.5 ? 1 : 0;
        }
        QVERIFY(inside > 10);
    }

    // Finding 6: a long sender name is shown in full; the bubble grows to it. Only a name wider
    // than the whole row is elided.
    void senderNamesInFull()
    {
        QListView view;
        view.resize(520, 400);
        MessageDelegate delegate;
        view.setItemDelegate(&delegate);
        MessageModel model;
        view.setModel(&model);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QFont bold = view.font();
        bold.setBold(true);
        const QFontMetrics bfm(bold);
        // A name as wide as 80% of the view: wider than a text bubble may be, narrower than the row.
        const QString full = QStringLiteral("Alexandra Konstantinopolskaya-Rimskaya-Korsakova von Hohenzollern "
                                            "und Sachsen-Coburg-Gotha the Third of Her Name");
        QString name;
        for (int n = 10; n <= full.size() && bfm.horizontalAdvance(name) < view.viewport()->width() * 0.8; ++n)
            name = full.left(n).trimmed();
        QVERIFY(bfm.horizontalAdvance(name) >= view.viewport()->width() * 0.8);
        ChatMessage m = message(QStringLiteral("n"), D::Received, false, name);
        m.text = QStringLiteral("ok");
        ChatMessage mine = message(QStringLiteral("o"), D::Sent, true, name);
        mine.text = QStringLiteral("ok");
        model.resetMessages({m, mine});
        for (int row = 0; row < 2; ++row) {
            QStyleOptionViewItem option;
            option.initFrom(view.viewport());
            option.font = view.font();
            option.rect = view.visualRect(model.index(row));
            const MessageDelegate::Layout l = delegate.layout(option, model.index(row));
            QCOMPARE(l.headerText, name);
            QVERIFY(!l.headerElided);
            QVERIFY2(l.header.width() >= bfm.horizontalAdvance(name),
                     qPrintable(QStringLiteral("header %1 px for a name of %2 px").arg(l.header.width()).arg(bfm.horizontalAdvance(name))));
            QVERIFY(option.rect.contains(l.bubble));
        }
        // Narrower than the name: elided at the row's width, never beyond it.
        QStyleOptionViewItem option;
        option.initFrom(view.viewport());
        option.font = view.font();
        option.rect = QRect(0, 0, 240, 0);
        const MessageDelegate::Layout narrow = delegate.layout(option, model.index(0));
        QVERIFY(narrow.headerElided);
        QVERIFY(narrow.headerText.endsWith(QChar(0x2026)));
        QVERIFY(narrow.bubble.right() <= option.rect.right());
        QVERIFY(narrow.header.right() < narrow.bubble.right());
        QVERIFY(bfm.horizontalAdvance(narrow.headerText) <= narrow.header.width());
    }

    // Consecutive messages of one sender: name and avatar once, on the first of the group.
    void groupsShowNameAndAvatarOnce()
    {
        MessageModel model;
        ChatMessage a1 = message(QStringLiteral("1"), D::Received, false, QStringLiteral("alice"));
        ChatMessage a2 = message(QStringLiteral("2"), D::Received, false, QStringLiteral("alice"));
        a2.timestamp = a1.timestamp.addSecs(60);
        ChatMessage b = message(QStringLiteral("3"), D::Received, false, QStringLiteral("bob"));
        b.timestamp = a2.timestamp.addSecs(10);
        ChatMessage me1 = message(QStringLiteral("4"), D::Sent, true, QStringLiteral("carol"));
        me1.timestamp = b.timestamp.addSecs(10);
        ChatMessage me2 = message(QStringLiteral("5"), D::Sent, true, QStringLiteral("carol"));
        me2.timestamp = me1.timestamp.addSecs(10);
        model.resetMessages({a1, a2, b, me1, me2});
        QListView view;
        MessageDelegate delegate;
        view.setItemDelegate(&delegate);
        view.setModel(&model);
        view.resize(600, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto layoutOf = [&](int row) {
            QStyleOptionViewItem o;
            o.initFrom(view.viewport());
            o.font = view.font();
            o.rect = view.visualRect(model.index(row));
            return delegate.layout(o, model.index(row));
        };
        QCOMPARE(layoutOf(0).headerText, QStringLiteral("alice"));
        QVERIFY(!layoutOf(0).avatar.isNull());
        QCOMPARE(layoutOf(0).initials, QStringLiteral("A"));
        QVERIFY(layoutOf(1).headerText.isEmpty());
        QVERIFY(layoutOf(1).avatar.isNull());
        QCOMPARE(layoutOf(1).bubble.left(), layoutOf(0).bubble.left()); // lined up under the avatar
        QVERIFY(layoutOf(1).bubble.top() - view.visualRect(model.index(1)).top()
                < layoutOf(0).bubble.top() - view.visualRect(model.index(0)).top());
        QCOMPARE(layoutOf(2).headerText, QStringLiteral("bob"));
        QVERIFY(!layoutOf(2).avatar.isNull());
        QVERIFY(layoutOf(0).avatar.right() < layoutOf(0).bubble.left());
        QVERIFY(layoutOf(3).avatar.isNull()); // ours: on the right, no avatar
        QVERIFY(layoutOf(4).headerText.isEmpty());

        // The avatar is painted in the sender's colour.
        const QImage image = view.viewport()->grab().toImage();
        const QRect avatar = layoutOf(0).avatar;
        const QColor painted = image.pixelColor(avatar.center().x(), avatar.top() + 3);
        const QColor expected = MessageDelegate::avatarColor(QStringLiteral("alice"));
        QVERIFY2(qAbs(painted.red() - expected.red()) + qAbs(painted.green() - expected.green())
                         + qAbs(painted.blue() - expected.blue()) < 12,
                 qPrintable(painted.name() + QStringLiteral(" vs ") + expected.name()));
    }

    void initialsAndAvatarColours()
    {
        QCOMPARE(MessageDelegate::initials(QStringLiteral("alice")), QStringLiteral("A"));
        QCOMPARE(MessageDelegate::initials(QStringLiteral("echo-bot")), QStringLiteral("EB"));
        QCOMPARE(MessageDelegate::initials(QStringLiteral("Анна Каренина")), QStringLiteral("АК"));
        QCOMPARE(MessageDelegate::initials(QStringLiteral("mary jane watson")), QStringLiteral("MJ"));
        QCOMPARE(MessageDelegate::initials(QStringLiteral("<b>x</b>")), QStringLiteral("B")); // letters only
        QCOMPARE(MessageDelegate::initials(QString()), QStringLiteral("?"));
        QCOMPARE(MessageDelegate::initials(QStringLiteral("___")), QStringLiteral("?"));
        // Stable per id (a fixed hash, not qHash's per-process seed), and different ids differ.
        QCOMPARE(MessageDelegate::avatarColor(QStringLiteral("alice")), MessageDelegate::avatarColor(QStringLiteral("alice")));
        QSet<QRgb> colours;
        for (const char *id : {"alice", "bob", "carol", "dave", "echo-bot", "guest-3f9a", "guest-77c1"})
            colours.insert(MessageDelegate::avatarColor(QString::fromLatin1(id)).rgb());
        QVERIFY(colours.size() >= 6);
    }

    // Date separators: "Today", "Yesterday", else the date in the interface language.
    void dateSeparators()
    {
        const QDate today(2026, 11, 22);
        QCOMPARE(MessageDelegate::dayLabel(today, today), QStringLiteral("Today"));
        QCOMPARE(MessageDelegate::dayLabel(today.addDays(-1), today), QStringLiteral("Yesterday"));
        QCOMPARE(MessageDelegate::dayLabel(QDate(2026, 11, 3), today),
                 QLocale(QLocale::English).toString(QDate(2026, 11, 3), QLocale::LongFormat));
        QVERIFY(MessageDelegate::dayLabel(QDate(2026, 11, 3), today).contains(QLatin1String("November")));
        QVERIFY(Language::apply(QStringLiteral("ru")));
        QCOMPARE(MessageDelegate::dayLabel(today, today), QStringLiteral("Сегодня"));
        QCOMPARE(MessageDelegate::dayLabel(today.addDays(-1), today), QStringLiteral("Вчера"));
        QVERIFY(MessageDelegate::dayLabel(QDate(2026, 11, 3), today).contains(QStringLiteral("ноября")));
        QVERIFY(Language::apply(QStringLiteral("en")));

        MessageModel model;
        const auto at = [](int day, int h, int m) { return QDateTime(QDate(2026, 11, day), QTime(h, m)); };
        ChatMessage m1 = message(QStringLiteral("1"), D::Received, false, QStringLiteral("alice"));
        m1.timestamp = at(3, 10, 0);
        ChatMessage m2 = message(QStringLiteral("2"), D::Received, false, QStringLiteral("alice"));
        m2.timestamp = at(21, 23, 58);
        ChatMessage m3 = message(QStringLiteral("3"), D::Received, false, QStringLiteral("alice"));
        m3.timestamp = at(22, 0, 1); // three minutes later, but another day: a new group
        ChatMessage m4 = message(QStringLiteral("4"), D::Received, false, QStringLiteral("alice"));
        m4.timestamp = at(22, 0, 2);
        model.resetMessages({m1, m2, m3, m4});
        const QList<bool> breaks{true, true, true, false};
        for (int row = 0; row < 4; ++row)
            QCOMPARE(model.index(row).data(MessageModel::DayBreakRole).toBool(), breaks.at(row));
        QCOMPARE(model.index(2).data(MessageModel::GroupedRole).toBool(), false);
        QCOMPARE(model.index(3).data(MessageModel::GroupedRole).toBool(), true);

        QListView view;
        MessageDelegate delegate;
        delegate.setClock([] { return QDateTime(QDate(2026, 11, 22), QTime(12, 0)); });
        view.setItemDelegate(&delegate);
        view.setModel(&model);
        view.resize(600, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto layoutOf = [&](int row) {
            QStyleOptionViewItem o;
            o.initFrom(view.viewport());
            o.font = view.font();
            o.rect = view.visualRect(model.index(row));
            return delegate.layout(o, model.index(row));
        };
        QVERIFY(layoutOf(0).dayText.contains(QLatin1String("November 3")));
        QCOMPARE(layoutOf(1).dayText, QStringLiteral("Yesterday"));
        QCOMPARE(layoutOf(2).dayText, QStringLiteral("Today"));
        QVERIFY(layoutOf(3).daySeparator.isNull());
        QVERIFY(layoutOf(2).daySeparator.bottom() < layoutOf(2).bubble.top());
        QVERIFY(!layoutOf(2).avatar.isNull()); // a new day starts a new group
        QVERIFY(view.visualRect(model.index(2)).height() > view.visualRect(model.index(3)).height());
    }

    // The "unread" line sits above the first unread message and splits a sender's group.
    void unreadLine()
    {
        MessageModel model;
        ChatMessage a = message(QStringLiteral("1"), D::Received, false, QStringLiteral("alice"));
        ChatMessage mine = message(QStringLiteral("2"), D::Sent, true, QStringLiteral("carol"));
        ChatMessage b1 = message(QStringLiteral("3"), D::Received, false, QStringLiteral("bob"));
        ChatMessage b2 = message(QStringLiteral("4"), D::Received, false, QStringLiteral("bob"));
        ChatMessage b3 = message(QStringLiteral("5"), D::Received, false, QStringLiteral("bob"));
        ChatMessage mine2 = message(QStringLiteral("6"), D::Sending, true, QStringLiteral("carol"));
        model.resetMessages({a, mine, b1, b2, b3, mine2});
        QCOMPARE(model.index(3).data(MessageModel::GroupedRole).toBool(), true);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.markUnread(2); // our own messages never count as unread
        QCOMPARE(model.unreadMarker(), QStringLiteral("4"));
        QVERIFY(!changed.isEmpty());
        QCOMPARE(model.index(3).data(MessageModel::UnreadMarkerRole).toBool(), true);
        QCOMPARE(model.index(2).data(MessageModel::UnreadMarkerRole).toBool(), false);
        QCOMPARE(model.index(3).data(MessageModel::GroupedRole).toBool(), false); // bob's name again below the line
        QVERIFY(model.index(3).data(Qt::AccessibleTextRole).toString().startsWith(QLatin1String("Unread messages")));

        QListView view;
        MessageDelegate delegate;
        view.setItemDelegate(&delegate);
        view.setModel(&model);
        view.resize(600, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto layoutOf = [&](int row) {
            QStyleOptionViewItem o;
            o.initFrom(view.viewport());
            o.font = view.font();
            o.rect = view.visualRect(model.index(row));
            return delegate.layout(o, model.index(row));
        };
        QVERIFY(!layoutOf(3).unreadLine.isNull());
        QVERIFY(layoutOf(3).unreadLine.bottom() < layoutOf(3).bubble.top());
        QCOMPARE(layoutOf(3).headerText, QStringLiteral("bob"));
        for (int row : {0, 1, 2, 4, 5})
            QVERIFY(layoutOf(row).unreadLine.isNull());

        model.markUnread(5); // more than there are incoming after the first: from the first incoming
        QCOMPARE(model.unreadMarker(), QStringLiteral("1"));
        model.markUnread(0); // nothing unread now: the line stays where the new messages began
        QCOMPARE(model.unreadMarker(), QStringLiteral("1"));
        model.removeMessage(QStringLiteral("1"));
        QCOMPARE(model.unreadMarker(), QString());
        model.setUnreadMarker(QStringLiteral("5"));
        QCOMPARE(model.unreadMarker(), QStringLiteral("5"));
        model.resetMessages({a}); // another conversation: no line
        QCOMPARE(model.unreadMarker(), QString());
    }

    // Finding 7 in the view: the footer's time is the time written, before and after delivery.
    void timeShownIsTheTimeWritten()
    {
        MessageModel model;
        ChatMessage mine = message(QStringLiteral("m"), D::Queued, true);
        mine.timestamp = QDateTime(QDate(2026, 11, 22), QTime(10, 15));
        model.appendMessages({mine});
        QListView view;
        MessageDelegate delegate;
        view.setItemDelegate(&delegate);
        view.setModel(&model);
        view.resize(600, 300);
        QStyleOptionViewItem option;
        option.initFrom(view.viewport());
        option.rect = QRect(0, 0, 600, 200);
        const QString written = QLocale().toString(QTime(10, 15), QLocale::ShortFormat);
        QVERIFY(delegate.layout(option, model.index(0)).footerText.startsWith(written));

        ChatMessage delivered = mine;
        delivered.delivery = D::Sent;
        delivered.seq = 7;
        delivered.timestamp = QDateTime(QDate(2026, 11, 22), QTime(14, 40)); // the server's ts, hours later
        model.updateMessage(delivered);
        QCOMPARE(model.index(0).data(MessageModel::DeliveryRole).toInt(), int(D::Sent));
        QCOMPARE(model.index(0).data(MessageModel::SeqRole).toLongLong(), 7);
        QCOMPARE(model.index(0).data(MessageModel::TimestampRole).toDateTime(), mine.timestamp);
        QCOMPARE(delegate.layout(option, model.index(0)).footerText, written);
        model.appendMessages({delivered}); // the broadcast copy: same
        QCOMPARE(model.index(0).data(MessageModel::TimestampRole).toDateTime(), mine.timestamp);

        // Others' messages take what the server says.
        ChatMessage theirs = message(QStringLiteral("t"), D::Received, false, QStringLiteral("alice"));
        model.appendMessages({theirs});
        theirs.timestamp = theirs.timestamp.addSecs(5);
        model.updateMessage(theirs);
        QCOMPARE(model.index(1).data(MessageModel::TimestampRole).toDateTime(), theirs.timestamp);
    }

    void findsLinks_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("links");
        QTest::newRow("none") << QStringLiteral("no links here, just www and http") << QStringList();
        QTest::newRow("https") << QStringLiteral("see https://example.com/a?b=1#c now")
                               << QStringList{QStringLiteral("https://example.com/a?b=1#c")};
        QTest::newRow("sentence end") << QStringLiteral("Read http://example.org/x.")
                                      << QStringList{QStringLiteral("http://example.org/x")};
        QTest::newRow("parentheses") << QStringLiteral("(see https://en.wikipedia.org/wiki/Qt_(software))")
                                     << QStringList{QStringLiteral("https://en.wikipedia.org/wiki/Qt_(software)")};
        QTest::newRow("www") << QStringLiteral("go to www.qt.io, then") << QStringList{QStringLiteral("https://www.qt.io")};
        QTest::newRow("two") << QStringLiteral("https://a.example and https://b.example!")
                             << QStringList{QStringLiteral("https://a.example"), QStringLiteral("https://b.example")};
        QTest::newRow("html is text") << QStringLiteral("<a href=\"https://evil.example/x\">https://good.example</a>")
                                      << QStringList{QStringLiteral("https://evil.example/x"), QStringLiteral("https://good.example")};
        QTest::newRow("other schemes") << QStringLiteral("javascript:alert(1) file:///etc/passwd ftp://x.example")
                                       << QStringList();
        QTest::newRow("cyrillic around") << QStringLiteral("Смотри https://пример.рф/путь — там")
                                         << QStringList{QStringLiteral("https://пример.рф/путь")};
    }
    void findsLinks()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, links);
        QStringList found;
        for (const MessageDelegate::Link &link : MessageDelegate::findLinks(text)) {
            const QString shown = text.mid(link.start, link.length);
            found << link.url.toString();
            QVERIFY2(found.last().endsWith(shown), qPrintable(found.last() + QStringLiteral(" for ") + shown));
        }
        QCOMPARE(found, links);
    }

    // Links are clickable and open through QDesktopServices; the pointer says so; Enter opens one
    // from the keyboard. Clicking elsewhere in the text opens nothing.
    void linksOpenOnClick()
    {
        UrlCatcher catcher;
        QDesktopServices::setUrlHandler(QStringLiteral("https"), &catcher, "open");
        MessageModel model;
        ChatMessage m = message(QStringLiteral("l"), D::Received, false, QStringLiteral("alice"));
        m.text = QStringLiteral("have a look at https://example.com/page please");
        model.resetMessages({m});
        MessageView view;
        MessageDelegate delegate;
        view.setItemDelegate(&delegate);
        view.setModel(&model);
        view.resize(600, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy activated(&delegate, &MessageDelegate::linkActivated);
        QStyleOptionViewItem o;
        o.initFrom(view.viewport());
        o.font = view.font();
        o.rect = view.visualRect(model.index(0));
        const MessageDelegate::Layout l = delegate.layout(o, model.index(0));
        const int y = l.text.top() + QFontMetrics(view.font()).height() / 2;
        QPoint onLink;
        for (int x = l.text.left(); x < l.text.right() && onLink.isNull(); x += 2) {
            if (!view.linkAt(QPoint(x, y)).isEmpty())
                onLink = QPoint(x + 6, y);
        }
        QVERIFY2(!onLink.isNull(), "no link found in the painted text");
        QCOMPARE(view.linkAt(onLink), QUrl(QStringLiteral("https://example.com/page")));
        QVERIFY(view.linkAt(QPoint(l.text.left() + 2, y)).isEmpty()); // "have"

        QMouseEvent move(QEvent::MouseMove, onLink, view.viewport()->mapToGlobal(onLink), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
        QCoreApplication::sendEvent(view.viewport(), &move);
        QCOMPARE(view.viewport()->cursor().shape(), Qt::PointingHandCursor);
        const QPoint onText(l.text.left() + 2, y);
        QMouseEvent away(QEvent::MouseMove, onText, view.viewport()->mapToGlobal(onText), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
        QCoreApplication::sendEvent(view.viewport(), &away);
        QCOMPARE(view.viewport()->cursor().shape(), Qt::ArrowCursor);

        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, onText);
        QCOMPARE(catcher.urls.size(), 0);
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, onLink);
        QCOMPARE(catcher.urls, QList<QUrl>{QUrl(QStringLiteral("https://example.com/page"))});
        QCOMPARE(activated.count(), 1);

        view.setCurrentIndex(model.index(0));
        QTest::keyClick(&view, Qt::Key_Return);
        QCOMPARE(catcher.urls.size(), 2);
        QDesktopServices::unsetUrlHandler(QStringLiteral("https"));
    }

    // Server text is plain text: markup in a message or a name is shown as typed, never rendered.
    void markupIsShownAsText()
    {
        MessageModel model;
        ChatMessage m = message(QStringLiteral("h"), D::Received, false, QStringLiteral("<i>mallory</i>"));
        m.text = QStringLiteral("<b>bold</b> <img src=x onerror=1> &amp; <table><tr><td>x</td></tr></table>");
        model.resetMessages({m});
        QListView view;
        MessageDelegate delegate;
        view.setItemDelegate(&delegate);
        view.setModel(&model);
        view.resize(900, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QStyleOptionViewItem o;
        o.initFrom(view.viewport());
        o.font = view.font();
        o.rect = view.visualRect(model.index(0));
        const MessageDelegate::Layout l = delegate.layout(o, model.index(0));
        QCOMPARE(l.headerText, QStringLiteral("<i>mallory</i>"));
        QCOMPARE(MessageDelegate::wrappedLines(m.text, view.font(), 2000), QStringList{m.text});
        // As wide as the raw characters: rendered markup would be far narrower.
        QVERIFY(l.text.width() >= QFontMetrics(view.font()).horizontalAdvance(m.text) - 2);
        QVERIFY(model.index(0).data(Qt::AccessibleTextRole).toString().contains(m.text));
    }

    // A dark palette gives dark bubbles with light text that reads: no colour is fixed.
    void followsADarkPalette()
    {
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
        dark.setColor(QPalette::Base, QColor(0x1e, 0x1f, 0x22));
        dark.setColor(QPalette::AlternateBase, QColor(0x2b, 0x2b, 0x2b));
        dark.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xe8));
        dark.setColor(QPalette::WindowText, QColor(0xe8, 0xe8, 0xe8));
        dark.setColor(QPalette::Highlight, QColor(0x3d, 0x7a, 0xd6));
        dark.setColor(QPalette::HighlightedText, Qt::white);
        dark.setColor(QPalette::Link, QColor(0x00, 0x00, 0xff)); // unreadable on dark: must be adjusted
        for (const QPalette &palette : {QPalette(), dark}) {
            const MessageDelegate::Colors c = MessageDelegate::Colors::from(palette);
            for (const QColor &fill : {c.incoming, c.outgoing, c.failed}) {
                QVERIFY2(MessageDelegate::contrast(c.text, fill) >= 7.0, qPrintable(c.text.name() + fill.name()));
                QVERIFY2(MessageDelegate::contrast(c.muted, fill) >= 4.5, qPrintable(c.muted.name() + fill.name()));
                QVERIFY2(MessageDelegate::contrast(c.link, fill) >= 4.5, qPrintable(c.link.name() + fill.name()));
            }
            QVERIFY(MessageDelegate::contrast(c.failedText, c.failed) >= 4.5);
        }

        MessageModel model;
        ChatMessage in = message(QStringLiteral("1"), D::Received, false, QStringLiteral("alice"));
        in.text = QStringLiteral("HHHH IIII MMMM WWWW https://example.com");
        ChatMessage out = message(QStringLiteral("2"), D::Sent, true);
        out.text = in.text;
        model.resetMessages({in, out});
        QListView view;
        view.setPalette(dark);
        MessageDelegate delegate;
        view.setItemDelegate(&delegate);
        view.setModel(&model);
        view.resize(600, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const MessageDelegate::Colors c = MessageDelegate::Colors::from(view.palette());
        const QImage image = view.viewport()->grab().toImage();
        for (int row = 0; row < 2; ++row) {
            QStyleOptionViewItem o;
            o.initFrom(view.viewport());
            o.font = view.font();
            o.rect = view.visualRect(model.index(row));
            const MessageDelegate::Layout l = delegate.layout(o, model.index(row));
            const QColor fill = image.pixelColor(l.bubble.left() + 4, l.bubble.center().y());
            QCOMPARE(fill, row == 0 ? c.incoming : c.outgoing);
            QVERIFY2(fill.lightnessF() < 0.35, qPrintable(fill.name()));
            QColor brightest = fill;
            for (int y = l.text.top(); y <= l.text.bottom(); ++y) {
                for (int x = l.text.left(); x <= l.text.right(); ++x) {
                    if (image.pixelColor(x, y).lightnessF() > brightest.lightnessF())
                        brightest = image.pixelColor(x, y);
                }
            }
            QVERIFY2(MessageDelegate::contrast(brightest, fill) >= 7.0, qPrintable(brightest.name() + QStringLiteral(" on ") + fill.name()));
        }
    }

    // HiDPI: geometry in device-independent pixels, painted at the device's pixel ratio.
    void paintsAtTheDevicePixelRatio()
    {
        MessageModel model;
        model.resetMessages({message(QStringLiteral("1"), D::Received, false, QStringLiteral("alice")),
                             message(QStringLiteral("2"), D::Sent, true)});
        MessageDelegate delegate;
        QStyleOptionViewItem option;
        option.palette = QPalette();
        option.font = QFont();
        const MessageDelegate::Colors c = MessageDelegate::Colors::from(option.palette);
        for (const qreal dpr : {1.0, 2.0}) {
            int top = 0;
            QImage image(QSize(500, 300) * dpr, QImage::Format_ARGB32_Premultiplied);
            image.setDevicePixelRatio(dpr);
            image.fill(option.palette.color(QPalette::Base));
            QPainter painter(&image);
            QList<MessageDelegate::Layout> layouts;
            for (int row = 0; row < 2; ++row) {
                option.rect = QRect(0, top, 500, 0);
                const QSize size = delegate.sizeHint(option, model.index(row));
                option.rect = QRect(QPoint(0, top), size);
                delegate.paint(&painter, option, model.index(row));
                layouts << delegate.layout(option, model.index(row));
                top += size.height();
            }
            painter.end();
            const auto physical = [&](int x, int y) { return image.pixelColor(int(x * dpr), int(y * dpr)); };
            const QRect in = layouts.at(0).bubble;
            const QRect out = layouts.at(1).bubble;
            QCOMPARE(physical(in.left() + 3, in.center().y()), c.incoming);
            QCOMPARE(physical(in.right() - 3, in.center().y()), c.incoming);
            QCOMPARE(physical(out.right() - 3, out.center().y()), c.outgoing);
            QCOMPARE(physical(in.right() + 3, in.center().y()), option.palette.color(QPalette::Base));
            const QRect avatar = layouts.at(0).avatar;
            QVERIFY(physical(avatar.center().x(), avatar.top() + 2) != option.palette.color(QPalette::Base));
            // The check mark of the sent message is drawn inside its icon box at this ratio.
            const QRect icon = layouts.at(1).icon;
            int inked = 0;
            for (int y = int(icon.top() * dpr); y < int((icon.bottom() + 1) * dpr); ++y) {
                for (int x = int(icon.left() * dpr); x < int((icon.right() + 1) * dpr); ++x)
                    inked += image.pixelColor(x, y).green() > image.pixelColor(x, y).red() + 40 ? 1 : 0;
            }
            QVERIFY2(inked >= int(8 * dpr * dpr), qPrintable(QString::number(inked)));
        }
    }
};

QTEST_MAIN(TestMessageDelegate)
#include "tst_messagedelegate.moc"
