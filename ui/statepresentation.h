#pragma once
// How a connection state looks to people: a short translated text, a colour and an icon, so that
// colour is never the only signal.

#include "connectionstate.h"

#include <QColor>
#include <QCoreApplication>
#include <QIcon>
#include <QString>

namespace Tether {

class StatePresentation
{
    Q_DECLARE_TR_FUNCTIONS(StatePresentation)

public:
    static QString text(ConnectionState state);
    static QColor color(ConnectionState state);
    static QString iconPath(ConnectionState state);
    static QIcon icon(ConnectionState state);
    // A close code in words: "1006 (connection dropped)".
    static QString closeCodeText(int code);
};

} // namespace Tether
