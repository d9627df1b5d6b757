// The text in a message's bubble: words wrap whole (only a word wider than the line breaks,
// right-to-left text stays in its bubble), sender names in full, links found and opened on click
// or Enter, and markup from the server shown as typed.

#include "chatsession.h"
#include "language.h"
#include "messagedelegate.h"
#include "messagemodel.h"
#include "messagetestutil.h"
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

class TestMessageText : public QObject
{
    Q_OBJECT

private:
    static ChatMessage message(const QString &id, D delivery, bool outgoing, const QString &from = QStringLiteral("carol"))
    {
        return MessageTest::message(id, delivery, outgoing, from);
    }

private Q_SLOTS:
    void cleanup() { Language::apply(QStringLiteral("en")); }

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
};

QTEST_MAIN(TestMessageText)
#include "tst_messagetext.moc"
