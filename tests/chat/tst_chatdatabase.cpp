// ChatDatabase on real SQLite files: schema creation and the version check, nested transactions,
// the cached statements and their helpers, and errors that name their cause.

#include "chatdatabase.h"

#include <QFile>
#include <QSqlDatabase>
#include <QTemporaryDir>
#include <QtTest>

using Tether::ChatDatabase;

class TestChatDatabase : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const QString &name) const { return m_dir.filePath(name); }

    static int count(const ChatDatabase &db)
    {
        return db.scalar(QStringLiteral("SELECT COUNT(*) FROM meta WHERE key LIKE 'k%'")).toInt();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void createsTheSchema()
    {
        ChatDatabase db;
        QString error;
        QVERIFY2(db.open(path(QStringLiteral("new/dir/chat.sqlite")), &error), qPrintable(error));
        QVERIFY(db.isOpen());
        for (const char *table : {"meta", "conversations", "messages", "outbox"})
            QVERIFY2(db.exists(QStringLiteral("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"),
                               {QString::fromLatin1(table)}),
                     table);
        QCOMPARE(db.scalar(QStringLiteral("PRAGMA user_version")).toInt(), 2); // 2: outbox.owner
        db.close();
        QVERIFY(!db.isOpen());
        QVERIFY(db.open(path(QStringLiteral("new/dir/chat.sqlite")))); // again: nothing to create
    }

    void newerSchemaIsRefused()
    {
        const QString file = path(QStringLiteral("future.sqlite"));
        {
            QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
            raw.setDatabaseName(file);
            QVERIFY(raw.open());
            QSqlQuery(raw).exec(QStringLiteral("PRAGMA user_version = 99"));
            raw.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("raw"));
        ChatDatabase db;
        QString error;
        QVERIFY(!db.open(file, &error));
        QVERIFY2(error.contains(file) && error.contains(QLatin1String("newer")), qPrintable(error));
        QVERIFY(!db.isOpen());
    }

    // Schema 1 (no outbox owner) is upgraded in place: its entries keep their rows, owner ''.
    void schemaOneGainsTheOutboxOwner()
    {
        const QString file = path(QStringLiteral("schema1.sqlite"));
        {
            QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw1"));
            raw.setDatabaseName(file);
            QVERIFY(raw.open());
            QSqlQuery q(raw);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE outbox (ord INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL "
                                          "UNIQUE, conversation TEXT NOT NULL, text TEXT NOT NULL, created INTEGER NOT NULL, "
                                          "state TEXT NOT NULL, error TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL "
                                          "DEFAULT 0)")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO outbox (id, conversation, text, created, state) "
                                          "VALUES ('m1', 'room', 'hi', 1, 'queued')")));
            QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = 1")));
            raw.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("raw1"));
        ChatDatabase db;
        QString error;
        QVERIFY2(db.open(file, &error), qPrintable(error));
        QCOMPARE(db.scalar(QStringLiteral("PRAGMA user_version")).toInt(), 2);
        QCOMPARE(db.scalar(QStringLiteral("SELECT owner FROM outbox WHERE id = 'm1'")).toString(), QString());
        db.close();
        QVERIFY2(db.open(file, &error), qPrintable(error)); // again: nothing to upgrade
        QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM outbox")).toInt(), 1);
    }

    void garbageAndDirectoryAreRefused()
    {
        const QString garbage = path(QStringLiteral("garbage.sqlite"));
        QFile f(garbage);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, '\x5a'));
        f.close();
        ChatDatabase db;
        QString error;
        QVERIFY(!db.open(garbage, &error));
        QVERIFY2(error.contains(garbage), qPrintable(error));
        QVERIFY(!db.open(m_dir.path(), &error));
        QVERIFY2(error.contains(QLatin1String("directory")), qPrintable(error));
        QVERIFY(!db.open(QString(), &error));
    }

    void nestedTransactions()
    {
        ChatDatabase db;
        QVERIFY(db.open(path(QStringLiteral("tx.sqlite"))));
        const QString insert = QStringLiteral("INSERT INTO meta (key, value) VALUES (?, ?)");
        QVERIFY(!db.inTransaction());
        QVERIFY(db.beginTransaction());
        QVERIFY(db.exec(insert, {QStringLiteral("k1"), QStringLiteral("v")}));
        QVERIFY(db.beginTransaction());
        QVERIFY(db.inTransaction());
        QVERIFY(db.exec(insert, {QStringLiteral("k2"), QStringLiteral("v")}));
        QVERIFY(db.commit()); // inner: nothing written yet
        QVERIFY(db.inTransaction());
        QVERIFY(db.commit());
        QVERIFY(!db.inTransaction());
        QCOMPARE(count(db), 2);

        // An inner rollback poisons the outer commit.
        QVERIFY(db.beginTransaction());
        QVERIFY(db.exec(insert, {QStringLiteral("k3"), QStringLiteral("v")}));
        QVERIFY(db.beginTransaction());
        db.rollback();
        QVERIFY(!db.commit());
        QVERIFY(!db.inTransaction());
        QCOMPARE(count(db), 2);
        QVERIFY(!db.commit()); // nothing open
    }

    void cachedStatements()
    {
        ChatDatabase db;
        QVERIFY(db.open(path(QStringLiteral("run.sqlite"))));
        const QString insert = QStringLiteral("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)");
        QCOMPARE(db.change(insert, {QStringLiteral("k1"), QStringLiteral("one")}), 1);
        QCOMPARE(db.change(insert, {QStringLiteral("k1"), QStringLiteral("again")}), 0);
        QCOMPARE(db.change(insert, {QStringLiteral("k2"), QString()}), 1); // a null string is stored as ''
        const QString select = QStringLiteral("SELECT value FROM meta WHERE key = ?");
        QCOMPARE(db.scalar(select, {QStringLiteral("k1")}).toString(), QStringLiteral("one"));
        QVERIFY(!db.exists(QStringLiteral("SELECT 1 FROM meta WHERE key = 'k2' AND value IS NULL")));
        QCOMPARE(db.scalar(select, {QStringLiteral("none")}, QStringLiteral("fallback")).toString(),
                 QStringLiteral("fallback"));
        QVERIFY(db.exists(select, {QStringLiteral("k1")}));
        QVERIFY(!db.exists(select, {QStringLiteral("none")}));
        // The same statement, read row by row, then finished.
        QSqlQuery *q = db.run(QStringLiteral("SELECT key FROM meta WHERE key LIKE 'k%' ORDER BY key"));
        QVERIFY(q);
        QStringList keys;
        while (q->next())
            keys.append(q->value(0).toString());
        q->finish();
        QCOMPARE(keys, (QStringList{QStringLiteral("k1"), QStringLiteral("k2")}));
    }

    void errorsAreKept()
    {
        ChatDatabase db;
        QVERIFY(db.open(path(QStringLiteral("err.sqlite"))));
        QVERIFY(!db.run(QStringLiteral("SELECT nothing FROM nowhere")));
        QVERIFY(!db.lastError().isEmpty());
        QCOMPARE(db.change(QStringLiteral("DELETE FROM nowhere")), -1);
        QVERIFY(!db.exists(QStringLiteral("SELECT 1 FROM nowhere")));
        QVERIFY(!db.scalar(QStringLiteral("SELECT 1 FROM nowhere")).isValid());
        QVERIFY(!db.exec(QStringLiteral("NOT SQL")));
        db.setLastError(QStringLiteral("mine"));
        QCOMPARE(db.lastError(), QStringLiteral("mine"));
    }
};

QTEST_GUILESS_MAIN(TestChatDatabase)
#include "tst_chatdatabase.moc"
