#pragma once
// Counters of one ConnectionManager, for the diagnostics dialog, reports and the CLI.

#include <QDateTime>
#include <QMap>
#include <QString>

namespace Tether {

struct ConnectionStats
{
    int connects = 0;             // successful handshakes
    int attempts = 0;             // connection attempts started
    int disconnects = 0;          // connections that ended (any code)
    QMap<int, int> disconnectsByCode; // close code (1006 = no close frame) -> count
    int lastCloseCode = -1;
    QString lastCloseReason;
    // QAbstractSocket::SocketError of the last failed socket, -1 = none since the attempt began. The
    // UI maps it to its own sentence: the error strings themselves come from Qt, often translated.
    int lastSocketError = -1;
    qint64 messagesIn = 0;
    qint64 messagesOut = 0;
    qint64 bytesIn = 0;
    qint64 bytesOut = 0;
    int rttLastMs = -1;
    double rttAvgMs = -1;
    int rttMaxMs = -1;
    int pongs = 0;
    QDateTime connectedSince;     // invalid unless connected
    QDateTime lastPongAt;
    // When the server was last heard from: any frame (message, pong, even part of a message),
    // kept across reconnects so "last heard N s ago" can be said while the link is down.
    QDateTime lastFrameAt;
    int tokenRefreshes = 0;

    // One answered ping: last, average and maximum round trip.
    void addRtt(int ms, const QDateTime &at)
    {
        rttLastMs = ms;
        rttMaxMs = qMax(rttMaxMs, ms);
        rttAvgMs = pongs == 0 ? ms : (rttAvgMs * pongs + ms) / (pongs + 1);
        ++pongs;
        lastPongAt = at;
    }
};

} // namespace Tether
