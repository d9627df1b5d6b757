#include "tlstrust.h"

#include <QCryptographicHash>
#include <QFile>
#include <QRegularExpression>
#include <QStringList>

namespace Tether {

QString TlsTrust::fingerprint(const QSslCertificate &certificate)
{
    if (certificate.isNull())
        return QString();
    return QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex(':').toUpper());
}

QString TlsTrust::normalisePin(const QString &pin)
{
    QString hex;
    for (const QChar c : pin) {
        if (c.isLetterOrNumber())
            hex.append(c.toUpper());
        else if (c != QLatin1Char(':') && !c.isSpace())
            return QString();
    }
    const QByteArray bytes = QByteArray::fromHex(hex.toLatin1());
    if (hex.size() != 64 || bytes.size() != 32)
        return QString();
    return QString::fromLatin1(bytes.toHex(':').toUpper());
}

QList<QSslCertificate> TlsTrust::loadCaFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read the CA file %1: %2").arg(path, file.errorString());
        return {};
    }
    const QList<QSslCertificate> certificates = QSslCertificate::fromData(file.read(4 * 1024 * 1024), QSsl::Pem);
    if (certificates.isEmpty() && error)
        *error = QStringLiteral("the CA file %1 holds no PEM certificate").arg(path);
    return certificates;
}

QSslConfiguration TlsTrust::configuration(const QString &caFile, const QString &pin, QString *error)
{
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    if (!caFile.isEmpty())
        ssl.addCaCertificates(loadCaFile(caFile, error));
    // With a pin nothing else is trusted: every handshake comes to the sslErrors handler and is
    // judged by the certificate's fingerprint, so a changed certificate is never accepted silently.
    if (!normalisePin(pin).isEmpty())
        ssl.setCaCertificates({});
    return ssl;
}

TlsTrust::Verdict TlsTrust::judge(const QSslCertificate &peer, const QString &pin)
{
    const QString normalised = normalisePin(pin);
    if (normalised.isEmpty())
        return Verdict::Untrusted;
    return fingerprint(peer) == normalised ? Verdict::Accept : Verdict::PinMismatch;
}

QString TlsTrust::codeFor(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Accept: return QString();
    case Verdict::Untrusted: return QStringLiteral("tls_untrusted");
    case Verdict::PinMismatch: return QStringLiteral("tls_pin_mismatch");
    }
    return QString();
}

QString TlsTrust::describe(Verdict verdict, const QList<QSslError> &errors, const QSslCertificate &peer)
{
    QStringList texts;
    if (verdict == Verdict::PinMismatch)
        texts << QStringLiteral("the server's certificate is not the pinned one");
    for (const QSslError &e : errors)
        texts << e.errorString();
    QString text = QStringLiteral("TLS (%1): %2").arg(codeFor(verdict), texts.join(QStringLiteral("; ")));
    const QString print = fingerprint(peer);
    if (!print.isEmpty())
        text += QStringLiteral("; server certificate SHA-256 ") + print;
    return text;
}

QString TlsTrust::codeIn(const QString &errorText)
{
    static const QRegularExpression code(QStringLiteral("^TLS \\((tls_[a-z_]+)\\)"));
    const QRegularExpressionMatch m = code.match(errorText);
    return m.hasMatch() ? m.captured(1) : QString();
}

QString TlsTrust::fingerprintIn(const QString &errorText)
{
    static const QRegularExpression print(QStringLiteral("server certificate SHA-256 ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})"));
    const QRegularExpressionMatch m = print.match(errorText);
    return m.hasMatch() ? m.captured(1) : QString();
}

} // namespace Tether
