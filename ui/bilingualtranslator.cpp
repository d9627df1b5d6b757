#include "bilingualtranslator.h"

#include "diagnosticsreport.h"

#include <QAtomicInt>

#include <cstring>
#include <initializer_list>

namespace Tether {

namespace {
QAtomicInt runs;

bool isDiagnosticsContext(const char *context)
{
    return std::strcmp(context, "Tether::DiagnosticsRunner") == 0;
}

bool isOneOf(const char *context, std::initializer_list<const char *> contexts)
{
    for (const char *c : contexts) {
        if (std::strcmp(context, c) == 0)
            return true;
    }
    return false;
}

// Where Qt's socket, name lookup and TLS errors come from. They reach the connection's event log
// (which the report repeats) at any time, and nothing shows them to people without picking a
// language first, so they always carry both.
bool isQtSocketContext(const char *context)
{
    return isOneOf(context, {"QAbstractSocket", "QNativeSocketEngine", "QHostInfo", "QHostInfoAgent", "QSslSocket",
                             "QSocks5SocketEngine", "QHttpSocketEngine"});
}

// Qt's HTTP and generic I/O errors: the sign-in dialog and file dialogs show these directly, so
// they carry both only while a diagnostics run makes its words.
bool isQtRunContext(const char *context)
{
    return isOneOf(context, {"QNetworkReply", "QNetworkReplyHttpImpl", "QNetworkReplyImpl", "QNetworkAccessManager",
                             "QHttp", "QIODevice", "QDnsLookup", "QDnsLookupRunnable"});
}
} // namespace

BilingualTranslator::BilingualTranslator(QTranslator *app, QTranslator *qt, QObject *parent)
    : QTranslator(parent)
    , m_app(app)
    , m_qt(qt)
{
}

void BilingualTranslator::beginRun()
{
    runs.ref();
}

void BilingualTranslator::endRun()
{
    if (runs.loadRelaxed() > 0)
        runs.deref();
}

QString BilingualTranslator::translate(const char *context, const char *sourceText, const char *disambiguation,
                                       int n) const
{
    if (!context || !sourceText)
        return QString();
    QTranslator *real = nullptr;
    if (isDiagnosticsContext(context))
        real = m_app;
    else if (isQtSocketContext(context) || (runs.loadRelaxed() > 0 && isQtRunContext(context)))
        real = m_qt;
    if (!real)
        return QString(); // not ours: the next translator answers
    const QString translated = real->translate(context, sourceText, disambiguation, n);
    if (translated.isEmpty())
        return QString(); // untranslated: the English source is what everyone gets
    // %n is replaced in both halves afterwards by QCoreApplication::translate().
    return DiagnosticsReport::both(translated, QString::fromUtf8(sourceText));
}

} // namespace Tether
