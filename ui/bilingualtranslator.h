#pragma once
// BilingualTranslator lets one diagnostics run speak two languages at once. The checks put their
// words together (tr() plus arguments, Qt's own network errors among them) while they run, in the
// interface language; the support report needs the same words in English. Installed on top of the
// app's translators, it answers for the diagnostics' contexts with both the translation and the
// English source, marked so that DiagnosticsReport::textIn() can pick either one later: the
// dialog shows the interface language, the saved report is English. Every other text passes by.

#include <QPointer>
#include <QTranslator>

namespace Tether {

class BilingualTranslator : public QTranslator
{
    Q_OBJECT

public:
    // real: the translators that know the interface language (the app's and Qt's); not owned.
    BilingualTranslator(QTranslator *app, QTranslator *qt, QObject *parent = nullptr);

    QString translate(const char *context, const char *sourceText, const char *disambiguation = nullptr,
                      int n = -1) const override;
    bool isEmpty() const override { return false; }

    // While a diagnostics run is under way, Qt's HTTP and I/O error texts are made bilingual too
    // (they end up inside the checks' details); socket errors always are. Counted, so that
    // overlapping runs nest.
    static void beginRun();
    static void endRun();

private:
    QPointer<QTranslator> m_app;
    QPointer<QTranslator> m_qt;
};

} // namespace Tether
