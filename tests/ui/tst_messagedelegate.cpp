// How a message is drawn: the words and icon per delivery state in both languages, the failed
// bubble with Retry/Discard that answer clicks, the colours actually painted (light and dark
// palettes, HiDPI), groups with one avatar, date separators, the "unread" line and the time
// written kept after delivery. The text inside the bubble (wrapping, names, links, markup) is
// tst_messagetext's.

#include "chatsession.h"
#include "language.h"
#include "messagedelegate.h"
#include "messagemodel.h"
#include "messagetestutil.h"
#include "messageview.h"

#include <QImage>
#include <QListView>
#include <QPainter>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

using namespace Tether;
using D = ChatMessage::Delivery;

class TestMessageDelegate : public QObject
{
    Q_OBJECT

private:
    static ChatMessage message(const QString &id, D delivery, bool outgoing, const QString &from = QStringLiteral("carol"))
    {
        return MessageTest::message(id, delivery, outgoing, from);
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
