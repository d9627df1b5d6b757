// Durable acks with group commit (issue 10, item 5): the store runs synchronous=FULL; the sends
// of one pass of the event loop are one transaction, acknowledged together once it is on disk;
// every ack names a message another reader of the file already sees; --group-commit 0 and
// --synchronous normal give the old mode back.

#include "chatstore.h"
#include "framehandlers.h"
#include "servertestutil.h"

#include <QSqlDatabase>
#include <QSqlQuery>

#include <memory>
#include <vector>

using namespace TestUtil;

namespace {
// What a second connection to the database file sees (committed rows only).
class Observer
{
public:
    explicit Observer(const QString &path)
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        db.open();
    }
    ~Observer() { QSqlDatabase::removeDatabase(m_name); }
    bool has(const QString &sender, const QString &clientId, qint64 seq) const
    {
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        q.prepare(QStringLiteral("SELECT seq FROM messages WHERE sender = ? AND client_id = ?"));
        q.addBindValue(sender);
        q.addBindValue(clientId);
        return q.exec() && q.next() && q.value(0).toLongLong() == seq;
    }

private:
    QString m_name = QStringLiteral("observer-%1").arg(quintptr(this));
};
} // namespace

class TestServerDurability : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyAckIsOnDisk();
    void onePassOneTransaction();
    void oldModeCommitsEachSend();
    void senderGoneBeforeTheCommit();
};

static Tether::ServerConfig guests()
{
    Tether::ServerConfig config;
    config.allowGuests = true;
    config.demo = true;
    config.userRatePerSecond = 0; // these tests send in bulk on purpose (the per-user rate has its own tests)
    config.rateLimitPerSecond = 0;
    return config;
}

void TestServerDurability::everyAckIsOnDisk()
{
    Fixture f(guests());
    QVERIFY(f.start());
    Client c;
    QVERIFY(c.open(f.ws()));
    c.send(QJsonObject{ { str("type"), str("hello") }, { str("protocol"), 1 }, { str("guest_key"), str("durable-guest-key-0001") } });
    const QString user = c.waitFor(str("welcome")).value(str("user")).toObject().value(str("id")).toString();
    QVERIFY(!user.isEmpty());
    QVERIFY(!c.waitFor(str("synced")).isEmpty());
    Observer observer(f.config().databasePath);
    int acks = 0;
    QStringList notOnDisk;
    QObject::connect(&c.socket(), &QWebSocket::textMessageReceived, &c.socket(), [&](const QString &text) {
        const QJsonObject frame = QJsonDocument::fromJson(text.toUtf8()).object();
        if (frame.value(str("type")).toString() != str("ack"))
            return;
        ++acks;
        // Looked up the moment the ack arrives, through another connection to the file.
        const QString id = frame.value(str("id")).toString();
        if (!observer.has(user, id, frame.value(str("seq")).toInteger()))
            notOnDisk.append(id);
    });
    for (int i = 0; i < 100; ++i)
        c.send(QJsonObject{ { str("type"), str("send") }, { str("id"), QStringLiteral("d%1").arg(i) },
                            { str("conversation"), str("lobby") }, { str("text"), str("durable") } });
    QTRY_COMPARE_WITH_TIMEOUT(acks, 100, kTimeout);
    QVERIFY2(notOnDisk.isEmpty(), qPrintable(notOnDisk.join(QLatin1Char(' '))));
}

void TestServerDurability::onePassOneTransaction()
{
    Fixture f(guests());
    QVERIFY(f.start());
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 5; ++i) {
        clients.push_back(std::make_unique<Client>());
        QVERIFY(clients.back()->open(f.ws()));
        QVERIFY(!clients.back()->hello().isEmpty());
    }
    const int before = f.server()->frameHandlers().committer().batches();
    // 5 x 40 sends, each client's written in one go.
    for (int k = 0; k < 5; ++k) {
        for (int i = 0; i < 40; ++i)
            clients[size_t(k)]->send(QJsonObject{ { str("type"), str("send") }, { str("id"), QStringLiteral("c%1-%2").arg(k).arg(i) },
                                                  { str("conversation"), str("lobby") }, { str("text"), str("together") } });
    }
    for (auto &c : clients)
        QTRY_COMPARE_WITH_TIMEOUT(c->framesOfType(str("ack")).size(), 40, kTimeout);
    const int batches = f.server()->frameHandlers().committer().batches() - before;
    // Frames arrive over a few passes, never one transaction per message.
    QVERIFY2(batches >= 1 && batches <= 50, qPrintable(QString::number(batches)));
    // Exactly once, gap-free, and each sender's ack comes before its own message's broadcast.
    QSet<qint64> seqs;
    for (auto &c : clients) {
        QHash<QString, int> ackAt, messageAt;
        for (int i = 0; i < c->frames().size(); ++i) {
            const QJsonObject &frame = c->frames().at(i);
            const QString type = frame.value(str("type")).toString();
            if (type == str("ack")) {
                ackAt.insert(frame.value(str("id")).toString(), i);
                seqs.insert(frame.value(str("seq")).toInteger());
            } else if (type == str("message")) {
                messageAt.insert(frame.value(str("id")).toString(), i);
            }
        }
        for (auto it = ackAt.cbegin(); it != ackAt.cend(); ++it)
            QVERIFY(messageAt.value(it.key(), -1) > it.value());
    }
    QCOMPARE(seqs.size(), 200);
    QCOMPARE(*std::min_element(seqs.cbegin(), seqs.cend()), 1);
    QCOMPARE(*std::max_element(seqs.cbegin(), seqs.cend()), 200);
}

void TestServerDurability::oldModeCommitsEachSend()
{
    Tether::ServerConfig config = guests();
    config.groupCommitMax = 0;
    config.durableAcks = false;
    Fixture f(config);
    QVERIFY(f.start());
    Client c;
    QVERIFY(c.open(f.ws()));
    QVERIFY(!c.hello().isEmpty());
    const int before = f.server()->frameHandlers().committer().batches();
    for (int i = 0; i < 30; ++i)
        c.send(QJsonObject{ { str("type"), str("send") }, { str("id"), QStringLiteral("o%1").arg(i) },
                            { str("conversation"), str("lobby") }, { str("text"), str("old") } });
    QTRY_COMPARE_WITH_TIMEOUT(c.framesOfType(str("ack")).size(), 30, kTimeout);
    QCOMPARE(f.server()->frameHandlers().committer().batches() - before, 30);
    f.stop();
    Tether::ChatStore store(Tether::ChatStore::Sync::NotDurable);
    QString error;
    QVERIFY(store.open(f.config().databasePath, &error));
    QCOMPARE(store.messagesAfter(str("lobby"), 0).size(), 30);
}

// A client that sends and is gone before the commit: its messages are stored (a retry dedupes),
// nobody is acknowledged, nothing crashes.
void TestServerDurability::senderGoneBeforeTheCommit()
{
    Fixture f(guests());
    QVERIFY(f.start());
    for (int round = 0; round < 5; ++round) {
        RawClient raw;
        QVERIFY(raw.open(f.ws()));
        raw.sendText(R"({"type":"hello","protocol":1,"guest_key":"gone-guest-key-000001"})");
        for (int i = 0; i < 20; ++i)
            raw.sendText(QStringLiteral(R"({"type":"send","id":"g%1-%2","conversation":"lobby","text":"bye"})")
                                 .arg(round).arg(i).toUtf8());
        QTest::qWait(1);
    } // each RawClient is destroyed (reset) right after writing
    Client reader;
    QVERIFY(reader.open(f.ws()));
    QVERIFY(!reader.hello().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(f.server()->connectionCount() == 1, kTimeout);
    // Whatever arrived is stored exactly once; the server is fine.
    Client again;
    QVERIFY(again.open(f.ws()));
    const QJsonObject welcome = again.hello(QJsonObject{ { str("lobby"), 0 } });
    QVERIFY(!welcome.isEmpty());
    QSet<QString> ids;
    for (const QJsonObject &m : again.framesOfType(str("message")))
        ids.insert(m.value(str("id")).toString());
    QCOMPARE(qsizetype(ids.size()), again.framesOfType(str("message")).size());
}

QTEST_GUILESS_MAIN(TestServerDurability)
#include "tst_server_durability.moc"
