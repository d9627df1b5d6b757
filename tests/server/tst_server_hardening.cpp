// Files and logs (docs/protocol.md, "Files and logs"): the secret and the database are the
// owner's only from the first byte, an exposed secret file stops the server, user text in the
// log is escaped; and a database made by the previous version opens and keeps working.

#include "servertestutil.h"

#include <QLoggingCategory>
#include <QMutex>
#include <QSqlError>
#include <QSqlDatabase>
#include <QSqlQuery>

#include <sys/stat.h>

using namespace TestUtil;

namespace {
mode_t modeOf(const QString &path)
{
    struct stat info = {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return mode_t(-1);
    return info.st_mode & 0777;
}

QMutex s_logMutex;
QStringList s_log;
QtMessageHandler s_previousHandler = nullptr;

void captureLog(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (context.category && QByteArray(context.category).startsWith("tether")) {
        QMutexLocker lock(&s_logMutex);
        s_log.append(message);
    }
    s_previousHandler(type, context, message);
}

// A server config with its files in dir and no secret file yet.
Tether::ServerConfig freshConfig(const QTemporaryDir &dir)
{
    Tether::ServerConfig config;
    config.databasePath = dir.filePath(str("data/server.sqlite"));
    config.passwordIterations = 1000;
    return config;
}
} // namespace

class TestServerHardening : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void filesAreOwnerOnly();
    void existingDatabaseIsNarrowed();
    void exposedSecretFileStopsTheServer();
    void userTextInLogsIsEscaped();
    void previousVersionDatabaseOpens();
};

void TestServerHardening::filesAreOwnerOnly()
{
    QTemporaryDir dir;
    const mode_t previous = ::umask(022); // the usual umask: files would be 0644 by default
    Tether::ChatServer server(freshConfig(dir));
    QString error;
    const bool started = server.start(&error);
    ::umask(previous);
    QVERIFY2(started, qPrintable(error));
    const QString db = server.databasePath();
    QCOMPARE(modeOf(db + str(".secret")), mode_t(0600));
    QCOMPARE(modeOf(db), mode_t(0600));
    // WAL mode: both exist while the server runs, with the database's mode.
    QCOMPARE(modeOf(db + str("-wal")), mode_t(0600));
    QCOMPARE(modeOf(db + str("-shm")), mode_t(0600));
    QVERIFY(server.addUser(str("alice"), str("pw")));
    QCOMPARE(modeOf(db), mode_t(0600));
}

void TestServerHardening::existingDatabaseIsNarrowed()
{
    QTemporaryDir dir;
    Tether::ServerConfig config = freshConfig(dir);
    {
        Tether::ChatServer first(config);
        QVERIFY(first.start());
    }
    QVERIFY(QFile::setPermissions(config.databasePath, QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                          | QFileDevice::ReadGroup | QFileDevice::ReadOther));
    Tether::ChatServer again(config);
    QVERIFY(again.start());
    QCOMPARE(modeOf(config.databasePath), mode_t(0600));
}

void TestServerHardening::exposedSecretFileStopsTheServer()
{
    QTemporaryDir dir;
    Tether::ServerConfig config = freshConfig(dir);
    config.secretFile = dir.filePath(str("exposed.secret"));
    QFile secret(config.secretFile);
    QVERIFY(secret.open(QIODevice::WriteOnly));
    secret.write("0123456789abcdef0123456789abcdef\n");
    secret.close();
    QVERIFY(QFile::setPermissions(config.secretFile, QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                          | QFileDevice::ReadGroup | QFileDevice::ReadOther));
    {
        Tether::ChatServer server(config);
        QString error;
        QVERIFY(!server.start(&error));
        QVERIFY2(error.contains(config.secretFile) && error.contains(str("chmod 600")), qPrintable(error));
        QVERIFY(!server.isListening());
    }
    QVERIFY(QFile::setPermissions(config.secretFile, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    Tether::ChatServer fixed(config);
    QString error;
    QVERIFY2(fixed.start(&error), qPrintable(error));
}

void TestServerHardening::userTextInLogsIsEscaped()
{
    QLoggingCategory::setFilterRules(str("tether.server.info=true"));
    {
        QMutexLocker lock(&s_logMutex);
        s_log.clear();
    }
    s_previousHandler = qInstallMessageHandler(captureLog);
    Tether::ServerConfig config;
    config.refreshGraceMs = 0;
    Fixture f(config);
    QVERIFY(f.start());
    QVERIFY(f.server()->addUser(str("alice"), str("pw")));
    const QString forged = str("mallory\n2030-01-01 tether.server: login alice\x1b[2K\r") + QChar(0x202e);
    QCOMPARE(postJson(f.url("/api/auth/login"), QJsonObject{ { str("username"), forged }, { str("password"), str("x") } }).status,
             401);
    // A refresh token reused (no grace here): the warning names the user.
    const QString refresh = postJson(f.url("/api/auth/login"), QJsonObject{ { str("username"), str("alice") },
                                                                             { str("password"), str("pw") } })
                                    .body.value(str("refresh_token")).toString();
    QCOMPARE(postJson(f.url("/api/auth/refresh"), QJsonObject{ { str("refresh_token"), refresh } }).status, 200);
    QCOMPARE(postJson(f.url("/api/auth/refresh"), QJsonObject{ { str("refresh_token"), refresh } }).status, 401);
    f.stop();
    qInstallMessageHandler(s_previousHandler);
    QLoggingCategory::setFilterRules(QString());

    QMutexLocker lock(&s_logMutex);
    bool sawLogin = false;
    bool sawReuse = false;
    for (const QString &line : std::as_const(s_log)) {
        for (const QChar c : line)
            QVERIFY2(c.unicode() >= 0x20 && c.unicode() != 0x7f && c.unicode() != 0x202e, qPrintable(line));
        QVERIFY2(!line.contains(refresh), "a refresh token in the log");
        if (line.contains(str("login refused for mallory\\n2030-01-01 tether.server: login alice\\x1b[2K\\r\\u{202e}")))
            sawLogin = true;
        if (line.contains(str("refresh token reuse for alice")))
            sawReuse = true;
    }
    QVERIFY2(sawLogin, qPrintable(s_log.join(QLatin1Char('|'))));
    QVERIFY(sawReuse);
}

// The schema of the release before access control and refresh token families: an existing
// database must open (columns added with defaults) and mean what it meant.
void TestServerHardening::previousVersionDatabaseOpens()
{
    Fixture f;
    const QString path = f.config().databasePath;
    const QString legacyRefresh = str("legacy-refresh-token-0123456789");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(str("QSQLITE"), str("legacy"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        const qint64 future = QDateTime::currentMSecsSinceEpoch() + 3600 * 1000;
        for (const QString &sql : {
                 str("PRAGMA journal_mode=WAL"),
                 str("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)"),
                 str("CREATE TABLE users (id TEXT PRIMARY KEY, salt BLOB, key BLOB, iterations INTEGER NOT NULL DEFAULT 0, "
                     "created_ms INTEGER NOT NULL)"),
                 str("CREATE TABLE conversations (id TEXT PRIMARY KEY, title TEXT NOT NULL, "
                     "is_public INTEGER NOT NULL DEFAULT 0, last_seq INTEGER NOT NULL DEFAULT 0)"),
                 str("CREATE TABLE members (conversation TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (conversation, user_id))"),
                 str("CREATE TABLE messages (conversation TEXT NOT NULL, seq INTEGER NOT NULL, client_id TEXT NOT NULL, "
                     "sender TEXT NOT NULL, text TEXT NOT NULL, ts INTEGER NOT NULL, PRIMARY KEY (conversation, seq), "
                     "UNIQUE (sender, client_id))"),
                 str("CREATE TABLE refresh_tokens (hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, expires_ms INTEGER NOT NULL)"),
                 str("INSERT INTO users (id, created_ms) VALUES ('alice', 0), ('bob', 0), ('carol', 0)"),
                 str("INSERT INTO conversations VALUES ('old-room', 'Old room', 0, 2)"),
                 str("INSERT INTO members VALUES ('old-room', 'alice'), ('old-room', 'bob')"),
                 str("INSERT INTO messages VALUES ('old-room', 1, 'a1', 'alice', 'one', 1), ('old-room', 2, 'b1', 'bob', 'two', 2)"),
                 QStringLiteral("INSERT INTO refresh_tokens VALUES ('%1', 'alice', %2)")
                         .arg(QString::fromLatin1(Tether::TokenService::refreshTokenHash(legacyRefresh)))
                         .arg(future) }) {
            QVERIFY2(q.exec(sql), qPrintable(sql + str(": ") + q.lastError().text()));
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(str("legacy"));

    QVERIFY(f.start());
    Client alice;
    QVERIFY(alice.open(f.ws(), f.token(str("alice"))));
    const QJsonObject welcome = alice.hello();
    const QJsonArray conversations = welcome.value(str("conversations")).toArray();
    QCOMPARE(conversations.size(), 1);
    QCOMPARE(conversations.at(0).toObject().value(str("last_seq")).toInt(), 2);
    QCOMPARE(alice.framesOfType(str("message")).size(), 2);
    QCOMPARE(alice.sendMessage(str("old-room"), str("three")).value(str("seq")).toInt(), 3);
    QCOMPARE(alice.sendMessage(str("old-room"), str("one"), str("a1")).value(str("seq")).toInt(), 1); // dedupe kept
    // The old members are still its members, and nobody else walks in.
    Client carol;
    QVERIFY(carol.open(f.ws(), f.token(str("carol"))));
    carol.send(QJsonObject{ { str("type"), str("join") }, { str("conversation"), str("old-room") } });
    QCOMPARE(carol.waitFor(str("error")).value(str("code")).toString(), str("forbidden"));
    // An old refresh token is a family of its own: it rotates, retries and is caught reused.
    const HttpResult rotated = postJson(f.url("/api/auth/refresh"), QJsonObject{ { str("refresh_token"), legacyRefresh } });
    QCOMPARE(rotated.status, 200);
    const HttpResult retried = postJson(f.url("/api/auth/refresh"), QJsonObject{ { str("refresh_token"), legacyRefresh } });
    QCOMPARE(retried.status, 200);
    QCOMPARE(retried.body.value(str("refresh_token")), rotated.body.value(str("refresh_token")));
    QCOMPARE(postJson(f.url("/api/auth/refresh"), QJsonObject{ { str("refresh_token"),
                                                                 rotated.body.value(str("refresh_token")).toString() } })
                     .status,
             200);
    QCOMPARE(postJson(f.url("/api/auth/refresh"), QJsonObject{ { str("refresh_token"), legacyRefresh } }).status, 401);
    // Opening twice more changes nothing (the migration runs once per missing column).
    f.stop();
    QVERIFY(f.start());
    Client again;
    QVERIFY(again.open(f.ws(), f.token(str("bob"))));
    QCOMPARE(again.hello().value(str("conversations")).toArray().at(0).toObject().value(str("last_seq")).toInt(), 3);
}

QTEST_GUILESS_MAIN(TestServerHardening)
#include "tst_server_hardening.moc"
