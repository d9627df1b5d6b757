#pragma once
// ChatDatabase is the SQLite connection under the chat store: opening (folder, schema, version
// check, write probe), nested transactions and prepared statements cached by their SQL text.
// One instance owns one uniquely named QSqlDatabase connection; not thread-safe.

#include <QSqlQuery>
#include <QString>
#include <QVariant>

#include <memory>

namespace Tether {

class ChatDatabase
{
public:
    ChatDatabase();
    ~ChatDatabase();
    ChatDatabase(const ChatDatabase &) = delete;
    ChatDatabase &operator=(const ChatDatabase &) = delete;

    // Creates the file (and its folder) and the tables if needed. False + a message naming the
    // path on a file that is not a database, a newer schema, or a location that cannot be written.
    bool open(const QString &path, QString *errorMessage = nullptr);
    void close();
    bool isOpen() const;
    QString path() const;
    QString lastError() const; // of the last failed operation
    void setLastError(const QString &message);

    // Nested begin/commit pairs share one SQLite transaction. A rollback at an inner level makes
    // the outermost commit() roll back and return false.
    bool beginTransaction();
    bool commit();
    void rollback();
    bool inTransaction() const;

    // Runs the cached prepared statement for sql (prepared on first use) and returns it, or null
    // on an error. The caller reads its rows, then calls finish(): an open statement keeps
    // SQLite's read snapshot.
    QSqlQuery *run(const QString &sql, const QVariantList &bindings = {}) const;
    // Prepares and runs sql on query (not cached): for statements that run rarely.
    bool exec(QSqlQuery &query, const QString &sql, const QVariantList &bindings = {}) const;
    bool exec(const QString &sql, const QVariantList &bindings = {}) const;
    QSqlQuery query() const; // a fresh forward-only query on this connection, for exec()
    // Whether the cached statement sql returns a row.
    bool exists(const QString &sql, const QVariantList &bindings = {}) const;
    // The first column of the first row of the cached statement sql, or fallback.
    QVariant scalar(const QString &sql, const QVariantList &bindings = {}, const QVariant &fallback = {}) const;
    // Rows changed by the cached statement sql, or -1 on an error.
    int change(const QString &sql, const QVariantList &bindings = {}) const;

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace Tether
