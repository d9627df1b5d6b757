#pragma once
// StoreSalvage rescues a local chat store that cannot be opened (corrupt or unreadable): the file
// is moved aside as <name>.corrupt-<timestamp> (kept for support, never deleted), the outbox rows
// and account keys that can still be read are copied into a fresh store at the same path.

#include <QDateTime>
#include <QString>

namespace Tether {

class StoreSalvage
{
public:
    struct Result
    {
        bool ok = false;      // a fresh store is at the path (with what could be salvaged)
        QString movedTo;      // where the damaged file went; empty when nothing was moved
        int salvagedOutbox = 0; // unsent messages carried over
        QString reason;       // why the store could not be opened (the open error)
        QString error;        // why the salvage itself failed, when !ok
    };

    // True when an open error means the file itself is bad (not a newer schema, not a missing
    // folder): moving it aside is the way out.
    static bool isSalvageable(const QString &path, const QString &openError);
    // Reads what it can from path, moves it (and its -wal/-shm) aside, and creates a fresh store.
    static Result salvage(const QString &path, const QString &openError,
                          const QDateTime &now = QDateTime::currentDateTimeUtc());
};

} // namespace Tether
