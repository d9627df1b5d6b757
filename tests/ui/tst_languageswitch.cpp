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
#include <QListView>
#include <QAbstractSpinBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTest>
#include <functional>
#include <QSet>
#include <QTabBar>
#include <QMenu>

using namespace Tether;

class TestLanguageSwitch : public QObject
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

    // Finding 11: Qt's own words (standard buttons, context menus) come from the system's Qt
    // translations (qt6-translations-l10n) and follow a switch at run time.
    void qtOwnWordsFollow()
    {
        QVERIFY(Language::apply(QStringLiteral("ru")));
        QDialogButtonBox box(QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::Apply);
        QCOMPARE(box.button(QDialogButtonBox::Cancel)->text(), QStringLiteral("Отмена"));
        QCOMPARE(box.button(QDialogButtonBox::Apply)->text(), QStringLiteral("Применить"));
        QLineEdit edit;
        std::unique_ptr<QMenu> menu(edit.createStandardContextMenu());
        QStringList texts;
        for (QAction *a : menu->actions())
            texts << a->text();
        QVERIFY2(texts.join(QLatin1Char('|')).contains(QStringLiteral("&Копировать")), qPrintable(texts.join(QLatin1Char('|'))));
        QVERIFY(Language::apply(QStringLiteral("en")));
        QTRY_COMPARE(box.button(QDialogButtonBox::Cancel)->text(), QStringLiteral("Cancel"));
    }

    // Finding 11: signing out and quitting have names nobody confuses, and every menu's
    // mnemonics are unique, in both languages.
    void signOutIsNotQuit_data() { accessibleNamesEverywhere_data(); }
    void signOutIsNotQuit()
    {
        QFETCH(QString, lang);
        QVERIFY(Language::apply(lang));
        ChatWindow window;
        window.setSignedIn(true);
        const QString signOut = window.signOutAction()->text().remove(QLatin1Char('&'));
        const QString quit = window.quitAction()->text().remove(QLatin1Char('&'));
        if (lang == QLatin1String("ru")) {
            QCOMPARE(signOut, QStringLiteral("Выйти из аккаунта"));
            QCOMPARE(quit, QStringLiteral("Закрыть Tether"));
        } else {
            QCOMPARE(signOut, QStringLiteral("Sign out of this account"));
            QCOMPARE(quit, QStringLiteral("Quit Tether"));
        }
        QVERIFY(!signOut.startsWith(quit.section(QLatin1Char(' '), 0, 0)));
        for (QAction *top : window.menuBar()->actions()) {
            QSet<QChar> keys;
            for (QAction *a : top->menu()->actions()) {
                if (a->isSeparator() || !a->isVisible())
                    continue;
                const int amp = a->text().indexOf(QLatin1Char('&'));
                QVERIFY2(amp >= 0 && amp + 1 < a->text().size(), qPrintable(QStringLiteral("no mnemonic: ") + a->text()));
                const QChar key = a->text().at(amp + 1).toLower();
                QVERIFY2(!keys.contains(key), qPrintable(QStringLiteral("mnemonic used twice: ") + a->text()));
                keys.insert(key);
            }
        }
    }

    // Every action can be reached by keyboard: the banner's buttons, the status indicator and the
    // chat's controls are in the tab chain, and the menus' actions have mnemonics or shortcuts.
    void everythingByKeyboard()
    {
        QVERIFY(Language::apply(QStringLiteral("en")));
        ChatWindow window;
        StatusTiming immediate;
        immediate.blipMs = 0;
        immediate.launchGraceMs = 0;
        ConnectionPresentation *p = window.presentation();
        p->setTiming(immediate);
        p->setState(ConnectionState::Connecting, 1);
        p->attemptFailed(StatusLogic::Cause::HttpStatus, 404);
        p->scheduleRetry(2, 9000);
        p->setState(ConnectionState::Reconnecting, 2);
        window.resize(900, 600);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QList<QWidget *> chain;
        for (QWidget *w = window.nextInFocusChain(); w && w != &window; w = w->nextInFocusChain()) {
            if ((w->focusPolicy() & Qt::TabFocus) && w->isVisibleTo(&window) && w->isEnabled())
                chain << w;
        }
        for (QWidget *needed : {static_cast<QWidget *>(window.banner()->actionButton()),
                                static_cast<QWidget *>(window.banner()->diagnosticsButton()),
                                static_cast<QWidget *>(window.indicator()),
                                static_cast<QWidget *>(window.composer()),
                                static_cast<QWidget *>(window.messageView()),
                                window.findChild<QWidget *>(QStringLiteral("sendButton")),
                                window.findChild<QWidget *>(QStringLiteral("conversationList"))})
            QVERIFY2(chain.contains(needed), qPrintable(QStringLiteral("not reachable by Tab: ") + needed->objectName()));
        QVERIFY(window.reconnectAction()->isEnabled());
        QCOMPARE(window.reconnectAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_R));
        QSignalSpy retried(p, &ConnectionPresentation::retryRequested);
        window.reconnectAction()->trigger();
        QCOMPARE(retried.count(), 1);
    }

    // Finding 11: at 900×600 no label or button of the main window and the dialogs is cut, in
    // either language, also with the longest connection stories on screen.
    void nothingClippedAt900x600_data() { accessibleNamesEverywhere_data(); }
    void nothingClippedAt900x600()
    {
        QFETCH(QString, lang);
        QVERIFY(Language::apply(lang));
        QStringList clipped;
        auto inspect = [&clipped](QWidget *top, const QString &where) {
            for (int pass = 0; pass < 5; ++pass) // layouts settle in a few posted passes
                QApplication::processEvents();
            for (QWidget *w : top->findChildren<QWidget *>()) {
                if (!w->isVisibleTo(top) || w->width() <= 0)
                    continue;
                const QString name = where + QLatin1Char('/') + QString::fromLatin1(w->metaObject()->className())
                    + QLatin1Char(' ') + w->objectName();
                if (auto *label = qobject_cast<QLabel *>(w)) {
                    if (label->text().isEmpty() || !label->pixmap().isNull())
                        continue;
                    if (label->wordWrap()) {
                        if (label->height() + 1 < label->heightForWidth(label->width()))
                            clipped << name + QStringLiteral(": ") + label->text();
                    } else if (label->width() + 1 < label->sizeHint().width()) {
                        clipped << name + QStringLiteral(": ") + label->text();
                    }
                } else if (auto *button = qobject_cast<QAbstractButton *>(w)) {
                    const QString text = button->text().remove(QLatin1Char('&'));
                    if (!text.isEmpty() && !qobject_cast<QTabBar *>(w->parentWidget())
                        && button->width() + 1 < button->sizeHint().width())
                        clipped << name + QStringLiteral(": ") + text;
                } else if (auto *tabs = qobject_cast<QTabBar *>(w)) {
                    for (int i = 0; i < tabs->count(); ++i) {
                        if (tabs->tabRect(i).width() < tabs->fontMetrics().horizontalAdvance(tabs->tabText(i)))
                            clipped << name + QStringLiteral(": tab ") + tabs->tabText(i);
                    }
                }
            }
        };

        ChatWindow window;
        window.setOutboxCount(12);
        ConnectionPresentation *p = window.presentation();
        StatusTiming immediate;
        immediate.blipMs = 0;
        immediate.launchGraceMs = 0;
        p->setTiming(immediate);
        window.resize(900, 600);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.size(), QSize(900, 600));
        using C = StatusLogic::Cause;
        const std::function<void()> stories[] = {
            [p] { p->setState(ConnectionState::Connected); },
            [p] { // the longest: a failed retry with its cause and a countdown
                p->setState(ConnectionState::Connecting, 1);
                p->attemptFailed(C::NothingListening);
                p->scheduleRetry(2, 15000);
                p->setState(ConnectionState::Reconnecting, 2);
                p->retryNow();
                p->setState(ConnectionState::Connecting, 2);
                p->attemptFailed(C::NothingListening);
                p->scheduleRetry(3, 15000);
                p->setState(ConnectionState::Reconnecting, 3);
            },
            [p] {
                p->setState(ConnectionState::Connecting, 1);
                p->attemptFailed(C::HttpStatus, 404);
                p->scheduleRetry(2, 15000);
                p->setState(ConnectionState::Reconnecting, 2);
            },
            [p] { p->attemptFailed(C::ProxyError); p->setState(ConnectionState::Failed, 21); },
            [p] { p->setState(ConnectionState::Connected); p->closed(4003); p->setState(ConnectionState::SignedOut); },
        };
        int story = 0;
        for (const auto &tell : stories) {
            p->setState(ConnectionState::Disconnected);
            tell();
            QVERIFY(window.banner()->isVisible() || story == 0);
            inspect(&window, QStringLiteral("main-%1").arg(story++));
        }

        SettingsDialog settings;
        settings.setServerInUse(QStringLiteral("ws://127.0.0.1:40000/ws — given with --server for this run"));
        settings.setKeychainNote(false, QStringLiteral("no Secret Service"));
        settings.show();
        QVERIFY(QTest::qWaitForWindowExposed(&settings));
        for (int i = 0; i < settings.findChild<QTabWidget *>()->count(); ++i) {
            settings.findChild<QTabWidget *>()->setCurrentIndex(i);
            inspect(&settings, QStringLiteral("settings-%1").arg(i));
        }
        SignInDialog signIn;
        signIn.setBuiltInServer(true);
        signIn.setKeychainNote(false, QStringLiteral("no Secret Service"));
        signIn.show();
        QVERIFY(QTest::qWaitForWindowExposed(&signIn));
        inspect(&signIn, QStringLiteral("signin"));
        DiagnosticsDialog diagnostics;
        diagnostics.resize(900, 600);
        diagnostics.show();
        QVERIFY(QTest::qWaitForWindowExposed(&diagnostics));
        for (int i = 0; i < diagnostics.findChild<QTabWidget *>()->count(); ++i) {
            diagnostics.findChild<QTabWidget *>()->setCurrentIndex(i);
            inspect(&diagnostics, QStringLiteral("diagnostics-%1").arg(i));
        }
        QVERIFY2(clipped.isEmpty(), qPrintable(clipped.join(QLatin1Char('\n'))));
    }
};

QTEST_MAIN(TestLanguageSwitch)
#include "tst_languageswitch.moc"
