#pragma once
// Counters of one ConnectionManager, for the diagnostics dialog, reports and the CLI.

#include <QDateTime>
#include <QJsonObject>
#include <QMap>
#include <QString>

#include <iterator>

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
    // How long the ended connections lasted, in the words of the server's
    // tether_server_connection_duration_seconds (docs/operations.md): count, sum, longest, and
    // cumulative counts at the same bucket bounds.
    static constexpr double DurationBoundsS[] = { 1, 10, 60, 300, 1800, 3600, 14400, 86400 };
    int durationCount = 0;
    double durationSumS = 0;
    double durationMaxS = -1;
    int durationBuckets[std::size(DurationBoundsS)] = {}; // [i]: connections that lasted <= DurationBoundsS[i]

    // One answered ping: last, average and maximum round trip.
    void addRtt(int ms, const QDateTime &at)
    {
        rttLastMs = ms;
        rttMaxMs = qMax(rttMaxMs, ms);
        rttAvgMs = pongs == 0 ? ms : (rttAvgMs * pongs + ms) / (pongs + 1);
        ++pongs;
        lastPongAt = at;
    }

    // The summaries support and operators share (report, `tether-cli --json`, docs/operations.md):
    // {"1000": n, "1006": n, ...}, and {"count", "sum", "max", "le": {"1": n, ..., "+Inf": n}}.
    QJsonObject disconnectsByCodeJson() const
    {
        QJsonObject byCode;
        for (auto it = disconnectsByCode.cbegin(); it != disconnectsByCode.cend(); ++it)
            byCode.insert(QString::number(it.key()), it.value());
        return byCode;
    }
    QJsonObject durationJson() const
    {
        QJsonObject buckets;
        for (size_t i = 0; i < std::size(DurationBoundsS); ++i)
            buckets.insert(QString::number(DurationBoundsS[i]), durationBuckets[i]);
        buckets.insert(QStringLiteral("+Inf"), durationCount);
        return QJsonObject{ { QStringLiteral("count"), durationCount }, { QStringLiteral("sum"), durationSumS },
                            { QStringLiteral("max"), durationMaxS }, { QStringLiteral("le"), buckets } };
    }

    // One connection ended after seconds.
    void addDuration(double seconds)
    {
        seconds = qMax(0.0, seconds);
        ++durationCount;
        durationSumS += seconds;
        durationMaxS = qMax(durationMaxS, seconds);
        for (size_t i = 0; i < std::size(DurationBoundsS); ++i) {
            if (seconds <= DurationBoundsS[i])
                ++durationBuckets[i];
        }
    }
};

} // namespace Tether
