#pragma once
// The diagnostics checks of this computer: the proxy connections go through, and what the system
// says about network reachability.

#include <QCoreApplication>

namespace Tether {

class DiagnosticStep;

class LocalChecks
{
    // Their texts belong to the runner's translation context, where they always were.
    Q_DECLARE_TR_FUNCTIONS(Tether::DiagnosticsRunner) // the runner's context: one place in the .ts

public:
    static void proxy(DiagnosticStep *step);
    static void network(DiagnosticStep *step);
};

} // namespace Tether
