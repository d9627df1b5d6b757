#pragma once
// A connection state and a close code in short translated words, for the diagnostics dialog's
// figures. What the banner, the status bar and the tray say comes from ConnectionPresentation.

#include "connectionstate.h"

#include <QCoreApplication>
#include <QString>

namespace Tether {

class StatePresentation
{
    Q_DECLARE_TR_FUNCTIONS(StatePresentation)

public:
    static QString text(ConnectionState state);
    // A close code in words: "1006 (connection dropped)".
    static QString closeCodeText(int code);
};

} // namespace Tether
