// The composer at the chat window's minimum size (finding 13): a usable width, its hint whole on
// one line, in English and Russian; it names itself for assistive technology; Enter sends.

#include "chatwindow.h"
#include "composer.h"
#include "language.h"

#include <QAccessible>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace Tether;

class TestComposer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { Language::apply(QStringLiteral("en")); }

    void usableAtTheMinimumWindowSize_data()
    {
        QTest::addColumn<QString>("lang");
        QTest::newRow("en") << QStringLiteral("en");
        QTest::newRow("ru") << QStringLiteral("ru");
    }
    void usableAtTheMinimumWindowSize()
    {
        QFETCH(QString, lang);
        QVERIFY(Language::apply(lang));
        ChatWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.resize(1, 1); // clamped to the minimum size
        QTRY_COMPARE(window.size(), window.minimumSize().expandedTo(window.minimumSizeHint()));
        Composer *composer = window.composer();
        QTRY_VERIFY(composer->width() < 2000 && composer->isVisible());

        const QFontMetrics fm(composer->font());
        QVERIFY2(composer->viewport()->width() >= fm.averageCharWidth() * 24,
                 qPrintable(QStringLiteral("composer viewport %1 px wide").arg(composer->viewport()->width())));
        // The hint as QPlainTextEdit paints it: word-wrapped from the document margin. It must fit.
        const QString hint = composer->placeholderText();
        QVERIFY(!hint.isEmpty());
        const int margin = int(composer->document()->documentMargin());
        const QRect area = composer->viewport()->rect().adjusted(margin, margin, 0, 0);
        const QRect needed = fm.boundingRect(area, Qt::AlignTop | Qt::TextWordWrap, hint);
        QVERIFY2(area.contains(needed), qPrintable(QStringLiteral("hint needs %1x%2, has %3x%4")
                                                       .arg(needed.width()).arg(needed.height())
                                                       .arg(area.width()).arg(area.height())));
        QCOMPARE(needed.height(), fm.height()); // one line
        // The send button is whole as well.
        auto *send = window.findChild<QPushButton *>(QStringLiteral("sendButton"));
        QVERIFY(send->width() >= send->sizeHint().width());
    }

    void namedForAssistiveTechnology()
    {
        Composer composer;
        QAccessibleInterface *a = QAccessible::queryAccessibleInterface(&composer);
        QVERIFY(a);
        QCOMPARE(a->text(QAccessible::Name), QStringLiteral("Message text"));
        QVERIFY(a->text(QAccessible::Description).contains(QLatin1String("Shift+Enter")));
        QVERIFY(!composer.toolTip().isEmpty());
        QVERIFY(Language::apply(QStringLiteral("ru")));
        QTRY_COMPARE(a->text(QAccessible::Name), QStringLiteral("Текст сообщения"));
        QCOMPARE(composer.placeholderText(), QStringLiteral("Напишите сообщение…"));
    }

    void enterSendsShiftEnterBreaks()
    {
        Composer composer;
        composer.show();
        QSignalSpy submitted(&composer, &Composer::submitted);
        QTest::keyClicks(&composer, QStringLiteral("a"));
        QTest::keyClick(&composer, Qt::Key_Return, Qt::ShiftModifier);
        QTest::keyClicks(&composer, QStringLiteral("b"));
        QCOMPARE(composer.toPlainText(), QStringLiteral("a\nb"));
        QCOMPARE(submitted.count(), 0);
        QTest::keyClick(&composer, Qt::Key_Enter);
        QCOMPARE(submitted.count(), 1);
    }
};

QTEST_MAIN(TestComposer)
#include "tst_composer.moc"
