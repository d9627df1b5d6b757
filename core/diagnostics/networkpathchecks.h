#pragma once
// The diagnostics checks of the way to the server: DNS lookup, TCP connect and TLS handshake.

#include <QCoreApplication>

namespace Tether {

class DiagnosticStep;

class NetworkPathChecks
{
    // Their texts belong to the runner's translation context, where they always were.
    Q_DECLARE_TR_FUNCTIONS(Tether::DiagnosticsRunner) // the runner's context: one place in the .ts

public:
    static void dns(DiagnosticStep *step);
    static void tcp(DiagnosticStep *step);
    static void tls(DiagnosticStep *step);
};

} // namespace Tether
