#include "privatefile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace Tether {

namespace {
constexpr QFileDevice::Permissions kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions kOthers = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup
        | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;
} // namespace

bool PrivateFile::create(const QString &path, const QByteArray &content, QString *errorMessage)
{
    auto fail = [&](const QString &why) {
        if (errorMessage)
            *errorMessage = QStringLiteral("cannot create %1: %2").arg(path, why);
        return false;
    };
    const QString directory = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(directory))
        return fail(QStringLiteral("cannot create directory %1").arg(directory));
    QFile file(path);
    // NewOnly + permissions: open(2) with O_CREAT|O_EXCL and mode 0600 (the umask can only narrow
    // it), so the file never exists with wider permissions, not even empty.
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, kOwnerOnly))
        return fail(file.errorString());
    if (file.write(content) != content.size() || !file.flush())
        return fail(file.errorString());
    file.close();
    return true;
}

bool PrivateFile::isExposed(const QString &path)
{
    const QFileInfo info(path);
    return info.exists() && (info.permissions() & kOthers);
}

bool PrivateFile::restrict(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists() || !(info.permissions() & kOthers))
        return true;
    return QFile::setPermissions(path, info.permissions() & ~kOthers);
}

} // namespace Tether
