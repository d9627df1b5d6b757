#pragma once
// The diagnostics checks of this computer: the proxy connections go through, and what the system
// says about network reachability.

#include <QCoreApplication>

namespace Tether {

class DiagnosticStep;

class LocalChecks
{
    // Their texts belong to the runner's translation context, where they always were: spelled with
    // its namespace, as moc and lupdate name it (without it no translation was ever found).
    Q_DECLARE_TR_FUNCTIONS(Tether::DiagnosticsRunner)

public:
    static void proxy(DiagnosticStep *step);
    static void network(DiagnosticStep *step);
};

} // namespace Tether
