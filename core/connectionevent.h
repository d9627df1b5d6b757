#pragma once
// One timestamped entry of the connection event log (diagnostics, reports). Never holds secrets.

#include <QDateTime>
#include <QMetaType>
#include <QString>

namespace Tether {

struct ConnectionEvent
{
    enum class Kind { State, Attempt, Connected, Closed, Error, TokenRefresh, Network, Heartbeat, Info };

    QDateTime time;    // wall clock (UTC)
    qint64 monotonicMs = 0; // ms since the manager was created
    Kind kind = Kind::Info;
    QString text;      // one human-readable line, English, secrets redacted
};

QString connectionEventKindName(ConnectionEvent::Kind kind); // "state", "closed", ...

} // namespace Tether

Q_DECLARE_METATYPE(Tether::ConnectionEvent)
