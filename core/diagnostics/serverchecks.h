#pragma once
// The diagnostics checks of the server itself: HTTP /health, the WebSocket handshake (through the
// same Transport the app connects with, token and all) and ping round trips on that connection.

#include <QCoreApplication>

namespace Tether {

class DiagnosticStep;
class Transport;

class ServerChecks
{
    // Their texts belong to the runner's translation context, where they always were.
    Q_DECLARE_TR_FUNCTIONS(Tether::DiagnosticsRunner) // the runner's context: one place in the .ts

public:
    static void health(DiagnosticStep *step);
    // Opens link (not owned) with the step's options; it stays open for ping().
    static void webSocket(DiagnosticStep *step, Transport *link);
    // Pings over the link webSocket() opened; takes it over (it ends with the step). nullptr: none.
    static void ping(DiagnosticStep *step, Transport *link);
};

} // namespace Tether
