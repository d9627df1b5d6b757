#pragma once
// PrivateFile keeps the server's files (token signing secret, SQLite database) readable by their
// owner only: created with mode 0600 in the same call that creates them, so no byte is ever
// readable by anyone else, and checked when they already exist.

#include <QByteArray>
#include <QString>

namespace Tether {

class PrivateFile
{
public:
    // Creates path (and its directory) with mode 0600 and writes content. Fails, with a message
    // naming the file, when it exists already (never overwrites) or cannot be written.
    static bool create(const QString &path, const QByteArray &content, QString *errorMessage);
    // The file's group or others may read or write it (false when it does not exist).
    static bool isExposed(const QString &path);
    // Takes group and others' permissions away; true when there were none or they are gone.
    static bool restrict(const QString &path);
};

} // namespace Tether
