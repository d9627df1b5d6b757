#pragma once
// Switches the UI language at runtime: swaps the installed translators, which makes Qt send
// QEvent::LanguageChange to every widget so open windows re-translate at once.

#include <QString>
#include <QStringList>

namespace Tether {

class Language
{
public:
    static QStringList available();          // {"en", "ru"}
    static QString nativeName(const QString &code); // "English", "Русский"
    // Installs the translation for code ("en", "ru"); unknown codes fall back to English.
    static bool apply(const QString &code);
    static QString current();
    // The language to use when none is configured: the system's, if we have it.
    static QString systemDefault();
};

} // namespace Tether
