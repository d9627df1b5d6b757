#include "storesalvage.h"

#include "messagestore.h"

#include <QAtomicInt>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlQuery>

namespace Tether {

Q_DECLARE_LOGGING_CATEGORY(lcChat)

namespace {

QAtomicInt salvageCounter;

struct Salvaged
{
    QList<MessageStore::OutboxEntry> outbox;
    QList<QPair<QString, QString>> meta;
};

// Row by row, read-only: whatever SQLite can still read of a damaged file.
Salvaged readWhatWeCan(const QString &path)
{
    Salvaged found;
    const QString name = QStringLiteral("tether-salvage-%1").arg(salvageCounter.fetchAndAddRelaxed(1));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("SELECT id, conversation, text, created, state, error, attempts FROM outbox ORDER BY ord"))) {
                while (q.next()) {
                    MessageStore::OutboxEntry e;
                    e.id = q.value(0).toString();
                    e.conversation = q.value(1).toString();
                    e.text = q.value(2).toString();
                    e.created = QDateTime::fromMSecsSinceEpoch(q.value(3).toLongLong(), Qt::UTC);
                    // Whatever it was, it is unconfirmed now: it goes out again (the server dedupes by id).
                    e.state = q.value(4).toString() == QLatin1String("failed") ? ChatMessage::Delivery::Failed
                                                                               : ChatMessage::Delivery::Queued;
                    e.errorCode = q.value(5).toString();
                    e.attempts = q.value(6).toInt();
                    if (!e.id.isEmpty() && !e.conversation.isEmpty() && !e.text.isEmpty())
                        found.outbox.append(e);
                }
            }
            if (q.exec(QStringLiteral("SELECT key, value FROM meta"))) {
                while (q.next()) {
                    const QString key = q.value(0).toString();
                    if (key == MessageStore::MetaUser || key == MessageStore::MetaUserName
                        || key == MessageStore::MetaGuest || key == MessageStore::MetaGuestKey)
                        found.meta.append({key, q.value(1).toString()});
                }
            }
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return found;
}

} // namespace

bool StoreSalvage::isSalvageable(const QString &path, const QString &openError)
{
    const QFileInfo info(path);
    if (!info.exists() || info.isDir())
        return false;
    // A newer version's store is not damaged: moving it aside would lose that version's data.
    return !openError.contains(QLatin1String("newer version"));
}

StoreSalvage::Result StoreSalvage::salvage(const QString &path, const QString &openError, const QDateTime &now)
{
    Result result;
    result.reason = openError;
    const Salvaged found = readWhatWeCan(path);

    const QString aside = path + QStringLiteral(".corrupt-") + now.toUTC().toString(QStringLiteral("yyyyMMdd-hhmmss"));
    QString target = aside;
    for (int n = 2; QFileInfo::exists(target); ++n)
        target = aside + QLatin1Char('-') + QString::number(n);
    if (!QFile::rename(path, target)) {
        result.error = QStringLiteral("cannot move %1 aside: %2").arg(path, QFile(path).errorString());
        qCWarning(lcChat).noquote() << "store salvage:" << result.error;
        return result;
    }
    result.movedTo = target;
    for (const QLatin1String suffix : {QLatin1String("-wal"), QLatin1String("-shm")}) {
        if (QFileInfo::exists(path + suffix))
            QFile::rename(path + suffix, target + suffix);
    }

    MessageStore fresh;
    QString error;
    if (!fresh.open(path, &error)) {
        result.error = error;
        qCWarning(lcChat).noquote() << "store salvage: the fresh store does not open either:" << error;
        return result;
    }
    fresh.beginTransaction();
    for (const auto &[key, value] : found.meta)
        fresh.setValue(key, value);
    for (const MessageStore::OutboxEntry &e : found.outbox) {
        if (fresh.enqueue(e, 0))
            ++result.salvagedOutbox;
    }
    if (!fresh.commit()) {
        result.error = fresh.lastError();
        return result;
    }
    result.ok = true;
    qCWarning(lcChat).noquote() << "the chat store could not be opened (" << openError << ") - moved to" << target
                                << "and" << result.salvagedOutbox << "unsent messages salvaged";
    return result;
}

} // namespace Tether
