// The Russian translation is complete: every message of translations/tether_ru.ts is finished,
// every plural has all its forms, placeholders match, and every tr() string in the sources is in it.

#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QXmlStreamReader>

namespace {

struct Entry
{
    QString context;
    QString source;
    bool numerus = false;
    QString type;        // translation type attribute: "", "unfinished", "vanished", "obsolete"
    QStringList forms;   // one for plain messages, numerusforms for plurals
};

struct TsFile
{
    QString language;
    QList<Entry> entries;
    QString error;
};

TsFile readTs(const QString &path)
{
    TsFile ts;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        ts.error = QStringLiteral("cannot open ") + path;
        return ts;
    }
    QXmlStreamReader xml(&file);
    QString context;
    Entry entry;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            const auto name = xml.name();
            if (name == QLatin1String("TS")) {
                ts.language = xml.attributes().value(QLatin1String("language")).toString();
            } else if (name == QLatin1String("name")) {
                context = xml.readElementText();
            } else if (name == QLatin1String("message")) {
                entry = Entry();
                entry.context = context;
                entry.numerus = xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
            } else if (name == QLatin1String("source")) {
                entry.source = xml.readElementText();
            } else if (name == QLatin1String("translation")) {
                entry.type = xml.attributes().value(QLatin1String("type")).toString();
                if (!entry.numerus)
                    entry.forms << xml.readElementText();
            } else if (name == QLatin1String("numerusform")) {
                entry.forms << xml.readElementText();
            }
        } else if (xml.isEndElement() && xml.name() == QLatin1String("message")) {
            ts.entries << entry;
        }
    }
    if (xml.hasError())
        ts.error = path + QStringLiteral(": ") + xml.errorString();
    return ts;
}

QStringList placeholders(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("%(\\d+|n)"));
    QStringList found;
    for (auto it = re.globalMatch(text); it.hasNext();)
        found << it.next().captured(0);
    found.sort();
    found.removeDuplicates();
    return found;
}

QString unescapeCpp(QString s)
{
    s.replace(QLatin1String("\\\""), QLatin1String("\""));
    s.replace(QLatin1String("\\n"), QLatin1String("\n"));
    s.replace(QLatin1String("\\\\"), QLatin1String("\\"));
    return s;
}

} // namespace

class TestTranslations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void russianIsComplete()
    {
        const TsFile ru = readTs(QStringLiteral(TETHER_TRANSLATIONS_DIR "/tether_ru.ts"));
        QVERIFY2(ru.error.isEmpty(), qPrintable(ru.error));
        QCOMPARE(ru.language, QStringLiteral("ru_RU"));
        QVERIFY2(ru.entries.size() > 50, "suspiciously few messages in tether_ru.ts");
        QStringList problems;
        for (const Entry &e : ru.entries) {
            if (e.type == QLatin1String("vanished") || e.type == QLatin1String("obsolete"))
                continue; // no longer in the sources; harmless
            const QString where = e.context + QStringLiteral(": \"") + e.source + QLatin1Char('"');
            if (e.type == QLatin1String("unfinished"))
                problems << QStringLiteral("unfinished: ") + where;
            const int expectedForms = e.numerus ? 3 : 1; // Russian: one, few, many
            if (e.forms.size() != expectedForms)
                problems << QStringLiteral("%1 forms instead of %2: ").arg(e.forms.size()).arg(expectedForms) + where;
            for (const QString &form : e.forms) {
                if (form.trimmed().isEmpty())
                    problems << QStringLiteral("empty: ") + where;
                else if (placeholders(form) != placeholders(e.source))
                    problems << QStringLiteral("placeholders differ: ") + where + QStringLiteral(" -> ") + form;
            }
        }
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }

    void everySourceStringIsInRussian()
    {
        const TsFile ru = readTs(QStringLiteral(TETHER_TRANSLATIONS_DIR "/tether_ru.ts"));
        QVERIFY2(ru.error.isEmpty(), qPrintable(ru.error));
        QSet<QString> known;
        for (const Entry &e : ru.entries) {
            if (e.type != QLatin1String("vanished") && e.type != QLatin1String("obsolete"))
                known.insert(e.source);
        }
        // A call's text may be several adjacent literals ("a " "b"), as the compiler joins them.
        static const QString literals = QStringLiteral("((?:\"(?:[^\"\\\\]|\\\\.)*\"\\s*)+)");
        static const QRegularExpression trCall(QStringLiteral("\\b(?:tr|QT_TR_NOOP)\\(\\s*") + literals);
        static const QRegularExpression translateCall(
            QStringLiteral("\\b(?:translate|QT_TRANSLATE_NOOP)\\(\\s*\"[^\"]*\"\\s*,\\s*") + literals);
        static const QRegularExpression oneLiteral(QStringLiteral("\"((?:[^\"\\\\]|\\\\.)*)\""));
        auto joined = [](const QString &sequence) {
            QString text;
            for (auto it = oneLiteral.globalMatch(sequence); it.hasNext();)
                text += it.next().captured(1);
            return text;
        };
        QStringList missing;
        int scanned = 0;
        for (const char *dir : {"ui", "core/diagnostics", "app/desktop"}) {
            QDirIterator it(QStringLiteral(TETHER_SOURCE_DIR "/") + QLatin1String(dir),
                            {QStringLiteral("*.cpp"), QStringLiteral("*.h")}, QDir::Files);
            while (it.hasNext()) {
                const QString path = it.next();
                QFile f(path);
                QVERIFY(f.open(QIODevice::ReadOnly));
                const QString code = QString::fromUtf8(f.readAll());
                for (const auto *re : {&trCall, &translateCall}) {
                    for (auto m = re->globalMatch(code); m.hasNext();) {
                        const QString source = unescapeCpp(joined(m.next().captured(1)));
                        ++scanned;
                        if (!known.contains(source))
                            missing << QDir(QStringLiteral(TETHER_SOURCE_DIR)).relativeFilePath(path)
                                           + QStringLiteral(": \"") + source + QLatin1Char('"');
                    }
                }
            }
        }
        QVERIFY2(scanned > 50, "found suspiciously few tr() calls in the sources");
        QVERIFY2(missing.isEmpty(), qPrintable(QStringLiteral("not in tether_ru.ts (run the "
                                                              "tether_ui_lupdate target and translate):\n")
                                               + missing.join(QLatin1Char('\n'))));
    }

    void englishHasItsPlurals()
    {
        const TsFile en = readTs(QStringLiteral(TETHER_TRANSLATIONS_DIR "/tether_en.ts"));
        QVERIFY2(en.error.isEmpty(), qPrintable(en.error));
        int plurals = 0;
        for (const Entry &e : en.entries) {
            if (!e.numerus || e.type == QLatin1String("vanished") || e.type == QLatin1String("obsolete"))
                continue;
            ++plurals;
            QVERIFY2(e.forms.size() == 2 && !e.forms.at(0).isEmpty() && !e.forms.at(1).isEmpty()
                         && e.type != QLatin1String("unfinished"),
                     qPrintable(QStringLiteral("English plural forms missing: ") + e.source));
        }
        QVERIFY(plurals > 0);
    }
};

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
