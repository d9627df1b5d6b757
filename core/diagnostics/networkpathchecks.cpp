#include "networkpathchecks.h"

#include "diagnosticstep.h"
#include "secretredactor.h"
#include "tlstrust.h"

#include <QHostAddress>
#include <QHostInfo>
#include <QJsonArray>
#include <QLocale>
#include <QSslCertificate>
#include <QSslCipher>
#include <QSslSocket>
#include <QTcpSocket>

#include <memory>

namespace Tether {

namespace {
QString certName(const QSslCertificate &cert, bool issuer)
{
    const auto cn = issuer ? cert.issuerInfo(QSslCertificate::CommonName)
                           : cert.subjectInfo(QSslCertificate::CommonName);
    const auto org = issuer ? cert.issuerInfo(QSslCertificate::Organization)
                            : cert.subjectInfo(QSslCertificate::Organization);
    QStringList parts;
    if (!cn.isEmpty())
        parts << QStringLiteral("CN=") + cn.join(QLatin1Char(','));
    if (!org.isEmpty())
        parts << QStringLiteral("O=") + org.join(QLatin1Char(','));
    return parts.join(QStringLiteral(", "));
}
} // namespace

void NetworkPathChecks::dns(DiagnosticStep *step)
{
    DiagnosticCheck check = step->check();
    const QUrl url = step->url();
    const QString host = url.host();
    if (host.isEmpty() || !url.isValid()) {
        check.status = DiagnosticCheck::Status::Failed;
        check.detail = tr("The address \"%1\" is not a valid server URL.").arg(SecretRedactor::urlString(url));
        check.hint = tr("Use an address like ws://chat.example.com/ws or wss://chat.example.com/ws.");
        step->finish(check, tr("Skipped: the server address is not valid."));
        return;
    }
    if (!QHostAddress(host).isNull()) {
        check.status = DiagnosticCheck::Status::Passed;
        check.elapsedMs = 0;
        check.detail = tr("%1 is an IP address; no lookup needed.").arg(host);
        check.data.insert(QStringLiteral("addresses"), QJsonArray{host});
        step->finish(check);
        return;
    }
    const int lookupId = QHostInfo::lookupHost(host, step, [step, check, host](const QHostInfo &info) mutable {
        check.elapsedMs = step->elapsedMs();
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
            check.status = DiagnosticCheck::Status::Failed;
            check.detail = tr("%1 could not be resolved: %2").arg(host, info.errorString());
            check.hint = tr("The server name was not found. Check the address for typos, then your "
                            "internet connection or DNS settings.");
            step->finish(check, tr("Skipped: the server name could not be resolved."));
            return;
        }
        QJsonArray addresses;
        QStringList list;
        for (const QHostAddress &a : info.addresses()) {
            addresses.append(a.toString());
            list << a.toString();
        }
        check.status = DiagnosticCheck::Status::Passed;
        check.detail = tr("%1 resolves to %2").arg(host, list.join(QStringLiteral(", ")));
        check.data.insert(QStringLiteral("addresses"), addresses);
        step->finish(check);
    });
    step->onTimeout([step, check, host, lookupId]() mutable {
        QHostInfo::abortHostLookup(lookupId);
        check.elapsedMs = step->elapsedMs();
        check.status = DiagnosticCheck::Status::Failed;
        check.detail = tr("No answer for %1 within %2 ms.").arg(host).arg(step->options().timeoutMs);
        check.hint = tr("The DNS server did not answer in time. Check your internet connection.");
        step->finish(check, tr("Skipped: the server name could not be resolved."));
    });
}

void NetworkPathChecks::tcp(DiagnosticStep *step)
{
    DiagnosticCheck check = step->check();
    const QString host = step->url().host();
    const quint16 port = quint16(step->url().port(step->secure() ? 443 : 80));
    auto *socket = new QTcpSocket(step);
    QObject::connect(socket, &QTcpSocket::connected, step, [step, check, socket, host, port]() mutable {
        check.elapsedMs = step->elapsedMs();
        check.status = DiagnosticCheck::Status::Passed;
        check.detail = tr("Connected to %1 port %2 (%3).").arg(host).arg(port).arg(socket->peerAddress().toString());
        step->finish(check);
        socket->abort();
    });
    QObject::connect(socket, &QTcpSocket::errorOccurred, step,
                     [step, check, socket, port](QAbstractSocket::SocketError error) mutable {
        if (step->isFinished())
            return;
        check.elapsedMs = step->elapsedMs();
        check.status = DiagnosticCheck::Status::Failed;
        check.detail = tr("Port %1: %2").arg(port).arg(socket->errorString());
        if (error == QAbstractSocket::ConnectionRefusedError)
            check.hint = tr("The computer answered but nothing is listening on that port: the server "
                            "is not running, or the port is wrong.");
        else if (error == QAbstractSocket::ProxyConnectionRefusedError
                 || error == QAbstractSocket::ProxyNotFoundError
                 || error == QAbstractSocket::ProxyConnectionClosedError
                 || error == QAbstractSocket::ProxyAuthenticationRequiredError)
            check.hint = tr("The proxy refused or failed the connection. Check the proxy settings.");
        else
            check.hint = tr("The server could not be reached. A firewall may be blocking the port, "
                            "or the server is down.");
        step->finish(check, tr("Skipped: no TCP connection to the server."));
    });
    step->onTimeout([step, check, socket, port]() mutable {
        check.elapsedMs = step->elapsedMs();
        check.status = DiagnosticCheck::Status::Failed;
        check.detail = tr("No answer on port %1 within %2 ms.").arg(port).arg(step->options().timeoutMs);
        check.hint = tr("Packets seem to be dropped on the way: often a firewall, a VPN or a captive "
                        "Wi-Fi portal.");
        step->finish(check, tr("Skipped: no TCP connection to the server."));
        socket->abort();
    });
    socket->connectToHost(host, port);
}

void NetworkPathChecks::tls(DiagnosticStep *step)
{
    DiagnosticCheck check = step->check();
    if (!step->secure()) {
        check.status = DiagnosticCheck::Status::Skipped;
        check.detail = tr("Not used: %1:// connections are not encrypted.").arg(step->url().scheme());
        check.hint = tr("Use wss:// for servers outside your own computer or network.");
        step->finish(check);
        return;
    }
    if (!QSslSocket::supportsSsl()) {
        check.status = DiagnosticCheck::Status::Failed;
        check.detail = tr("No TLS library is available to Qt.");
        check.hint = tr("Install OpenSSL (libssl) so encrypted connections can be made.");
        step->finish(check, tr("Skipped: TLS is not available."));
        return;
    }
    const QString host = step->url().host();
    const quint16 port = quint16(step->url().port(443));
    auto *socket = new QSslSocket(step);
    auto errors = std::make_shared<QStringList>();
    // The app's own trust (its CA file, a pinned certificate) decides here as it does for the app.
    const QString pin = TlsTrust::normalisePin(step->options().pinnedCertificateSha256);
    socket->setSslConfiguration(TlsTrust::configuration(step->options().caFile, pin));
    auto verdict = std::make_shared<TlsTrust::Verdict>(TlsTrust::Verdict::Untrusted);
    auto describe = [socket](DiagnosticCheck &c) {
        const QSslCertificate cert = socket->peerCertificate();
        if (cert.isNull())
            return;
        // The fingerprint names the certificate for support staff, and is what a pin compares.
        c.data.insert(QStringLiteral("sha256"), TlsTrust::fingerprint(cert));
        c.data.insert(QStringLiteral("subject"), certName(cert, false));
        c.data.insert(QStringLiteral("issuer"), certName(cert, true));
        c.data.insert(QStringLiteral("expires"), cert.expiryDate().toUTC().toString(Qt::ISODate));
        c.data.insert(QStringLiteral("protocol"), socket->sessionProtocol() == QSsl::TlsV1_3 ? QStringLiteral("TLS 1.3")
                      : socket->sessionProtocol() == QSsl::TlsV1_2 ? QStringLiteral("TLS 1.2")
                                                                   : QStringLiteral("other"));
        c.detail += tr("Certificate: %1; issued by %2; expires %3.")
                        .arg(certName(cert, false), certName(cert, true),
                             QLocale().toString(cert.expiryDate().toLocalTime(), QLocale::ShortFormat));
        c.detail += QLatin1Char(' ') + tr("SHA-256 fingerprint: %1.").arg(TlsTrust::fingerprint(cert));
    };
    // Collected, never ignored: an untrusted certificate fails the handshake, unless it is exactly
    // the pinned one (as in the app's transport).
    QObject::connect(socket, &QSslSocket::sslErrors, step, [socket, errors, verdict, pin](const QList<QSslError> &list) {
        QSslCertificate peer = socket->peerCertificate();
        for (const QSslError &e : list) {
            if (peer.isNull())
                peer = e.certificate();
        }
        *verdict = pin.isEmpty() ? TlsTrust::Verdict::Untrusted : TlsTrust::judge(peer, pin);
        if (*verdict == TlsTrust::Verdict::Accept) {
            socket->ignoreSslErrors(list);
            return;
        }
        if (*verdict == TlsTrust::Verdict::PinMismatch)
            *errors << QStringLiteral("the server's certificate is not the pinned one");
        for (const QSslError &e : list)
            *errors << e.errorString();
    });
    QObject::connect(socket, &QSslSocket::encrypted, step, [step, check, socket, describe]() mutable {
        check.elapsedMs = step->elapsedMs();
        check.status = DiagnosticCheck::Status::Passed;
        check.detail = tr("Handshake completed (%1). ").arg(socket->sessionCipher().name());
        describe(check);
        step->finish(check);
        socket->abort();
    });
    QObject::connect(socket, &QSslSocket::errorOccurred, step,
                     [step, check, socket, errors, verdict, describe](QAbstractSocket::SocketError) mutable {
        if (step->isFinished())
            return;
        check.elapsedMs = step->elapsedMs();
        check.status = DiagnosticCheck::Status::Failed;
        // A certificate problem is named by its code (tls_untrusted, tls_pin_mismatch), as the
        // app's connection names it.
        const QString code = errors->isEmpty() ? QString() : TlsTrust::codeFor(*verdict);
        check.detail = code.isEmpty() ? socket->errorString() + QStringLiteral(". ")
                                      : tr("%1: %2").arg(code, errors->join(QStringLiteral("; "))) + QStringLiteral(". ");
        describe(check);
        check.data.insert(QStringLiteral("errors"), QJsonArray::fromStringList(*errors));
        if (!code.isEmpty())
            check.data.insert(QStringLiteral("code"), code);
        check.hint = code.isEmpty()
            ? tr("The encrypted connection could not be set up. The server may not speak TLS on this port.")
            : *verdict == TlsTrust::Verdict::PinMismatch
            ? tr("The server's certificate is not the one trusted for it before (tls_pin_mismatch). It may have "
                 "been replaced, or someone is intercepting the connection: ask the server's administrator "
                 "before trusting the new one.")
            : tr("The server's certificate is not trusted (expired, self-signed or for another name). "
                 "Do not continue on an untrusted network; ask the server's administrator.");
        step->finish(check, tr("Skipped: the TLS handshake failed."));
    });
    step->onTimeout([step, check, socket]() mutable {
        check.elapsedMs = step->elapsedMs();
        check.status = DiagnosticCheck::Status::Failed;
        check.detail = tr("The TLS handshake did not complete within %1 ms.").arg(step->options().timeoutMs);
        check.hint = tr("Something between you and the server holds the connection without answering "
                        "(a proxy or firewall inspecting traffic).");
        step->finish(check, tr("Skipped: the TLS handshake failed."));
        socket->abort();
    });
    socket->setPeerVerifyName(host);
    socket->connectToHostEncrypted(host, port);
}

} // namespace Tether
