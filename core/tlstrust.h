#pragma once
// Which server certificates a connection trusts beyond the system's CAs: a CA file (self-hosted
// servers with their own CA) and a pinned certificate (trust on first use of a self-signed one,
// by its SHA-256 fingerprint). Certificate problems get their own codes, named with the fingerprint.

#include <QByteArray>
#include <QList>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslError>
#include <QString>

namespace Tether {

class TlsTrust
{
public:
    enum class Verdict {
        Accept,      // the pinned certificate itself: go on despite the (untrusted) errors
        Untrusted,   // tls_untrusted: nobody we trust vouches for it
        PinMismatch, // tls_pin_mismatch: not the certificate that was pinned - never a silent accept
    };

    // "AB:CD:..." (upper-case hex of the SHA-256 of the DER certificate); empty for a null one.
    static QString fingerprint(const QSslCertificate &certificate);
    // Normalises a user's pin ("ab cd", "AB:CD", "abcd") to the fingerprint's form; empty if not 32 bytes.
    static QString normalisePin(const QString &pin);
    // The PEM certificates of a CA file; empty + error when it cannot be read or holds none.
    static QList<QSslCertificate> loadCaFile(const QString &path, QString *error = nullptr);

    // The system's CAs plus the CA file's; with a pin, none (every handshake then comes to
    // judge()). *error names a CA file that cannot be read.
    static QSslConfiguration configuration(const QString &caFile, const QString &pin, QString *error = nullptr);

    // A handshake reported errors (or, with a pin, ended): accept the pinned certificate only.
    static Verdict judge(const QSslCertificate &peer, const QString &pin);
    static QString codeFor(Verdict verdict); // "tls_untrusted", "tls_pin_mismatch"; empty for Accept
    // "TLS (tls_untrusted): <errors>; server certificate SHA-256 <fingerprint>": the text the
    // transport reports and the diagnostics report shows.
    static QString describe(Verdict verdict, const QList<QSslError> &errors, const QSslCertificate &peer);
    // The code inside such a text; empty when it is not a certificate problem.
    static QString codeIn(const QString &errorText);
    // The server certificate's fingerprint inside such a text; empty when it names none.
    static QString fingerprintIn(const QString &errorText);
};

} // namespace Tether
