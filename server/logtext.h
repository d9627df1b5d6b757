#pragma once
// LogText makes text that came from the network safe for one log line: every log line of the
// server that carries user text (names, ids, titles, reasons) passes it through escape(), so a
// client cannot forge log lines, hide text with terminal or bidi controls, or flood the log.

#include <QString>
#include <QStringView>

namespace Tether {

class LogText
{
public:
    // Backslash, control characters (C0, DEL, C1), line and paragraph separators and invisible
    // format characters (bidi overrides, zero-width ...) become visible escapes: \\ \n \r \t \xHH
    // \u{HHHH}; an unpaired surrogate becomes \u{D8xx}. Text longer than maxChars characters is
    // cut and says how much was left out. Never returns a newline or a control character.
    static QString escape(QStringView text, qsizetype maxChars = 128);
};

} // namespace Tether
