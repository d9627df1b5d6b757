#include "language.h"

#include "bilingualtranslator.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QLoggingCategory>
#include <QTranslator>

Q_LOGGING_CATEGORY(lcLanguage, "tether.ui.language")

namespace Tether {

namespace {
struct Installed
{
    QTranslator *app = nullptr;
    QTranslator *qt = nullptr;
    QTranslator *both = nullptr; // the diagnostics' texts in two languages (BilingualTranslator)
    QString code = QStringLiteral("en");
};
Installed &installed()
{
    static Installed s;
    return s;
}
} // namespace

QStringList Language::available()
{
    return {QStringLiteral("en"), QStringLiteral("ru")};
}

QString Language::nativeName(const QString &code)
{
    if (code == QLatin1String("ru"))
        return QStringLiteral("Русский");
    return QStringLiteral("English");
}

QString Language::current()
{
    return installed().code;
}

QString Language::systemDefault()
{
    const QString name = QLocale::system().name();
    return name.startsWith(QLatin1String("ru")) ? QStringLiteral("ru") : QStringLiteral("en");
}

bool Language::apply(const QString &requested)
{
    const QString code = available().contains(requested) ? requested : QStringLiteral("en");
    Installed &s = installed();
    auto *app = new QTranslator(QCoreApplication::instance());
    if (!app->load(QStringLiteral(":/i18n/tether_%1.qm").arg(code))) {
        qCWarning(lcLanguage) << "no translation for" << code;
        delete app;
        return false;
    }
    auto *qt = new QTranslator(QCoreApplication::instance());
    if (!qt->load(QLocale(code), QStringLiteral("qtbase"), QStringLiteral("_"),
                  QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        // Qt's own words (standard buttons, context menus) would stay English next to ours.
        if (code != QLatin1String("en"))
            qCWarning(lcLanguage) << "Qt's own translations for" << code << "are missing from"
                                  << QLibraryInfo::path(QLibraryInfo::TranslationsPath)
                                  << "(Debian: qt6-translations-l10n)";
        delete qt;
        qt = nullptr;
    }
    // The bilingual one first: it calls the others, maybe from a host-lookup thread, while installed.
    if (s.both) {
        QCoreApplication::removeTranslator(s.both);
        delete s.both;
        s.both = nullptr;
    }
    if (s.app) {
        QCoreApplication::removeTranslator(s.app);
        delete s.app;
    }
    if (s.qt) {
        QCoreApplication::removeTranslator(s.qt);
        delete s.qt;
    }
    s.app = app;
    s.qt = qt;
    s.code = code;
    if (qt)
        QCoreApplication::installTranslator(qt);
    QCoreApplication::installTranslator(app);
    if (code != QLatin1String("en")) {
        // Last installed, first asked: the diagnostics' words carry English along for the report.
        s.both = new BilingualTranslator(app, qt, QCoreApplication::instance());
        QCoreApplication::installTranslator(s.both);
    }
    QLocale::setDefault(QLocale(code == QLatin1String("ru") ? QLocale::Russian : QLocale::English));
    return true;
}

} // namespace Tether
