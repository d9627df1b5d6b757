// Choosing Русский in the settings re-translates every open window at once, and back.

#include "chatwindow.h"
#include "composer.h"
#include "connectionbanner.h"
#include "connectionpresentation.h"
#include "diagnosticsdialog.h"
#include "language.h"
#include "settingsdialog.h"
#include "signindialog.h"
#include "statusindicator.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QMenuBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTest>

using namespace Tether;

class tst_LanguageSwitch : public QObject
{
    Q_OBJECT

private:
    static QString sendText(ChatWindow &w) { return w.findChild<QPushButton *>(QStringLiteral("sendButton"))->text(); }
    static QString firstMenu(ChatWindow &w) { return w.menuBar()->actions().at(0)->text(); }
    static QString tabText(QWidget &w, int i) { return w.findChild<QTabWidget *>()->tabText(i); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(Language::apply(QStringLiteral("en"))); }
    void cleanupTestCase() { Language::apply(QStringLiteral("en")); }

    void everyOpenWindowFollows()
    {
        ChatWindow window;
        StatusTiming immediate;
        immediate.blipMs = 0;
        immediate.launchGraceMs = 0;
        window.presentation()->setTiming(immediate);
        window.presentation()->setState(ConnectionState::WaitingForNetwork);
        window.setOutboxCount(2);
        window.show();
        DiagnosticsDialog diagnostics(&window);
        diagnostics.show();
        SignInDialog signIn(&window);
        signIn.show();
        SettingsDialog settings(&window);
        settings.show();
        connect(&settings, &SettingsDialog::applied, this, [](const AppSettings &s) { Language::apply(s.language); });

        QCOMPARE(sendText(window), QStringLiteral("Send"));
        QCOMPARE(firstMenu(window), QStringLiteral("&Chat"));
        QCOMPARE(window.banner()->text(), QStringLiteral("Waiting for network…"));
        QCOMPARE(window.indicator()->text(), QStringLiteral("No network"));
        QCOMPARE(window.outboxLabel()->text(), QStringLiteral("2 messages waiting to send"));
        QCOMPARE(diagnostics.windowTitle(), QStringLiteral("Tether Diagnostics"));
        QCOMPARE(signIn.guestButton()->text(), QStringLiteral("Continue as guest"));
        QCOMPARE(tabText(settings, 0), QStringLiteral("General"));

        // The user picks Русский and presses Apply.
        QComboBox *combo = settings.languageCombo();
        combo->setCurrentIndex(combo->findData(QStringLiteral("ru")));
        QCOMPARE(combo->currentText(), QStringLiteral("Русский"));
        QSignalSpy applied(&settings, &SettingsDialog::applied);
        settings.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Apply)->click();
        QCOMPARE(applied.count(), 1);
        QCOMPARE(Language::current(), QStringLiteral("ru"));

        QTRY_COMPARE(sendText(window), QStringLiteral("Отправить"));
        QTRY_COMPARE(firstMenu(window), QStringLiteral("&Чат"));
        QTRY_COMPARE(window.banner()->text(), QStringLiteral("Ожидание сети…"));
        QTRY_COMPARE(window.indicator()->text(), QStringLiteral("Нет сети"));
        QTRY_COMPARE(window.outboxLabel()->text(), QStringLiteral("2 сообщения ждут отправки"));
        QTRY_COMPARE(diagnostics.windowTitle(), QStringLiteral("Диагностика Tether"));
        QTRY_COMPARE(tabText(diagnostics, 2), QStringLiteral("Журнал событий"));
        QTRY_COMPARE(signIn.guestButton()->text(), QStringLiteral("Продолжить как гость"));
        QTRY_COMPARE(tabText(settings, 0), QStringLiteral("Общие"));
        QVERIFY(window.composer()->placeholderText().startsWith(QStringLiteral("Напишите сообщение")));

        combo->setCurrentIndex(combo->findData(QStringLiteral("en")));
        settings.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Apply)->click();
        QTRY_COMPARE(sendText(window), QStringLiteral("Send"));
        QTRY_COMPARE(window.banner()->text(), QStringLiteral("Waiting for network…"));
        QTRY_COMPARE(diagnostics.windowTitle(), QStringLiteral("Tether Diagnostics"));
        QTRY_COMPARE(tabText(settings, 0), QStringLiteral("General"));
    }

    // Every interactive control has an accessible name, in both languages.
    void accessibleNamesEverywhere_data()
    {
        QTest::addColumn<QString>("lang");
        QTest::newRow("en") << QStringLiteral("en");
        QTest::newRow("ru") << QStringLiteral("ru");
    }
    void accessibleNamesEverywhere()
    {
        QFETCH(QString, lang);
        QVERIFY(Language::apply(lang));
        ChatWindow window;
        DiagnosticsDialog diagnostics;
        SignInDialog signIn;
        SettingsDialog settings;
        QStringList unnamed;
        for (QWidget *top : {static_cast<QWidget *>(&window), static_cast<QWidget *>(&diagnostics),
                             static_cast<QWidget *>(&signIn), static_cast<QWidget *>(&settings)}) {
            const auto widgets = top->findChildren<QWidget *>();
            for (QWidget *w : widgets) {
                const bool control = qobject_cast<QAbstractButton *>(w) || qobject_cast<QLineEdit *>(w)
                    || qobject_cast<QComboBox *>(w) || qobject_cast<QAbstractSpinBox *>(w)
                    || qobject_cast<QAbstractItemView *>(w) || qobject_cast<QPlainTextEdit *>(w);
                if (!control || w->inherits("QTabBar") || w->parent()->inherits("QTabBar")
                    || w->inherits("QToolButton") || w->parent()->inherits("QAbstractSpinBox")
                    || w->parent()->inherits("QComboBox") || w->inherits("QHeaderView"))
                    continue; // Qt's internal sub-controls name themselves
                QString name = w->accessibleName();
                if (auto *b = qobject_cast<QAbstractButton *>(w); b && name.isEmpty())
                    name = b->text(); // a button's text is its accessible name
                if (name.trimmed().isEmpty())
                    unnamed << top->objectName() + QLatin1Char('/') + QString::fromLatin1(w->metaObject()->className())
                                   + QLatin1Char(' ') + w->objectName();
            }
        }
        QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QLatin1Char('\n'))));
    }
};

QTEST_MAIN(tst_LanguageSwitch)
#include "tst_languageswitch.moc"
