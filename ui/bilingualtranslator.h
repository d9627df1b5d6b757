#pragma once
// BilingualTranslator lets one diagnostics run speak two languages at once. The checks put their
// words together (tr() plus arguments, Qt's own network errors among them) while they run, in the
// interface language; the support report needs the same words in English. Installed on top of the
// app's translators, it answers for the diagnostics' contexts with both the translation and the
// English source, marked so that DiagnosticsReport::textIn() can pick either one later: the
// dialog shows the interface language, the saved report is English. Every other text passes by.

#include <QTranslator>

namespace Tether {

class BilingualTranslator : public QTranslator
{
    Q_OBJECT

public:
    // app, qt: the translators that know the interface language; not owned, and they must outlive
    // this one's installation (Language removes it first). qt may be null.
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
    // Plain pointers: translate() may run in Qt's host-lookup threads, where a QPointer is no guard.
    QTranslator *m_app = nullptr;
    QTranslator *m_qt = nullptr;
};

} // namespace Tether
