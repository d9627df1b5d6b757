#pragma once
// Which broadcast messages an instance delivers to its own connections, and when it must first
// fetch the ones it missed: per conversation, the highest seq delivered. Redis is at-most-once and
// instances commit concurrently, so a seq may arrive twice (drop it) or after a gap (fetch the gap
// from the database first). Pure bookkeeping, no I/O.

#include <QHash>
#include <QString>
#include <QStringList>

#include <optional>

namespace Tether {

class DeliveryOrder
{
public:
    // What to do with a message of seq: deliver it or not, and first the range (after, upTo] from
    // the database when that is not empty.
    struct Step
    {
        bool deliver = false;
        qint64 missingAfter = 0;
        qint64 missingUpTo = 0;
        bool hasGap() const { return missingUpTo > missingAfter; }
    };

    // A message of the conversation with this seq arrived (from this instance or another).
    // A conversation not seen before starts at it.
    Step offer(const QString &conversation, qint64 seq);
    // The database says the conversation is at lastSeq: the range to fetch and deliver now (empty
    // when nothing was missed). A conversation not seen before starts at lastSeq (whoever reads
    // it now gets the earlier ones from the database).
    Step catchUp(const QString &conversation, qint64 lastSeq);
    std::optional<qint64> position(const QString &conversation) const;
    QStringList conversations() const { return m_positions.keys(); }

private:
    QHash<QString, qint64> m_positions;
};

} // namespace Tether
