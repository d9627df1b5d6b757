#include "logtext.h"

namespace Tether {

namespace {
bool isInvisible(char32_t codePoint)
{
    if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f))
        return true;
    switch (QChar::category(codePoint)) {
    case QChar::Other_Control:
    case QChar::Other_Format:
    case QChar::Other_Surrogate:
    case QChar::Separator_Line:
    case QChar::Separator_Paragraph:
        return true;
    default:
        return false;
    }
}

void appendEscape(QString &out, char32_t codePoint)
{
    switch (codePoint) {
    case U'\n': out += QLatin1String("\\n"); return;
    case U'\r': out += QLatin1String("\\r"); return;
    case U'\t': out += QLatin1String("\\t"); return;
    default: break;
    }
    if (codePoint <= 0xff)
        out += QStringLiteral("\\x%1").arg(uint(codePoint), 2, 16, QLatin1Char('0'));
    else
        out += QStringLiteral("\\u{%1}").arg(uint(codePoint), 4, 16, QLatin1Char('0'));
}
} // namespace

QString LogText::escape(QStringView text, qsizetype maxChars)
{
    QString out;
    out.reserve(qMin(text.size(), maxChars) + 8);
    qsizetype i = 0;
    qsizetype characters = 0;
    while (i < text.size() && characters < maxChars) {
        const QChar c = text[i];
        char32_t codePoint = c.unicode();
        qsizetype units = 1;
        if (c.isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate()) {
            codePoint = QChar::surrogateToUcs4(c, text[i + 1]);
            units = 2;
        }
        if (codePoint == U'\\')
            out += QLatin1String("\\\\");
        else if (isInvisible(codePoint))
            appendEscape(out, codePoint);
        else
            out += text.mid(i, units);
        i += units;
        ++characters;
    }
    if (i < text.size())
        out += QStringLiteral("...(%1 more)").arg(text.size() - i);
    return out;
}

} // namespace Tether
