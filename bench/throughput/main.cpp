// Benchmark 1 — throughput and round trip: messages from a sender to a receiver through one
// tether-server process, (a) raw: two QWebSocket clients speaking protocol v1 directly (the
// baseline), (b) full stack: ChatSession -> ConnectionManager -> server -> ConnectionManager ->
// ChatSession with the outbox/store on disk, (c) the same with the store in memory (no durable
// outbox). Throughput: N messages with a fixed window in flight. Round trip: one at a time.

#include "benchreport.h"
#include "benchstats.h"
#include "procstats.h"
#include "serverprocess.h"

#include "chatsession.h"
#include "connectionmanager.h"
#include "manualnetworkmonitor.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTimer>
#include <QWebSocket>

#include <functional>
#include <memory>

using namespace Tether;
using namespace Tether::Bench;

namespace {

// "bench <n> xxxx..." padded to a typical chat line; the receiver recovers n from the text.
QString messageText(int n)
{
    return QStringLiteral("bench %1 ").arg(n).leftJustified(100, QLatin1Char('x'));
}

int messageNumber(const QString &text)
{
    if (!text.startsWith(QLatin1String("bench ")))
        return -1;
    bool ok = false;
    const int n = QStringView(text).mid(6, text.indexOf(QLatin1Char(' '), 6) - 6).toInt(&ok);
    return ok ? n : -1;
}

// A sender and a receiver joined to one conversation.
class Pair
{
public:
    virtual ~Pair() = default;
    virtual QString name() const = 0;
    virtual bool setUp(QString *error) = 0;
    virtual bool send(int n) = 0;
    std::function<void(int n)> delivered; // the receiver got message n
};

class RawPair : public Pair
{
public:
    RawPair(const QUrl &url, const QString &conversation)
        : m_url(url)
        , m_conversation(conversation)
    {
    }

    QString name() const override { return QStringLiteral("raw QWebSocket"); }

    bool setUp(QString *error) override
    {
        // Like any client, keep the link alive: the server closes a connection that sends nothing
        // for its idle timeout (60 s), and the receiver only listens.
        m_keepAlive.setInterval(10000);
        QObject::connect(&m_keepAlive, &QTimer::timeout, &m_keepAlive, [this] {
            m_sender.ping();
            m_receiver.ping();
        });
        m_keepAlive.start();
        for (QWebSocket *socket : {&m_sender, &m_receiver}) {
            socket->setMaxAllowedIncomingMessageSize(16 * 1024 * 1024);
            QObject::connect(socket, &QWebSocket::textMessageReceived, socket,
                             [this, socket](const QString &text) { onText(socket, text); });
            QObject::connect(socket, &QWebSocket::connected, socket, [socket] {
                socket->sendTextMessage(QStringLiteral(R"({"type":"hello","protocol":1})"));
            });
            socket->open(m_url);
        }
        if (!spinUntil([this] { return m_synced == 2; }, 20000)) {
            *error = QStringLiteral("raw clients did not get welcome/synced");
            return false;
        }
        const QString join = QString::fromUtf8(
            QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("join")},
                                      {QStringLiteral("conversation"), m_conversation}})
                .toJson(QJsonDocument::Compact));
        m_receiver.sendTextMessage(join);
        if (!spinUntil([this] { return m_receiverJoins >= 1; }, 20000)) {
            *error = QStringLiteral("raw receiver could not join");
            return false;
        }
        m_sender.sendTextMessage(join);
        // Guests' joins of a public conversation are answered, not announced to the others.
        if (!spinUntil([this] { return m_senderJoined; }, 20000)) {
            *error = QStringLiteral("raw sender could not join");
            return false;
        }
        return true;
    }

    bool send(int n) override
    {
        const QJsonObject frame{{QStringLiteral("type"), QStringLiteral("send")},
                                {QStringLiteral("id"), QStringLiteral("raw-%1-%2").arg(m_conversation).arg(n)},
                                {QStringLiteral("conversation"), m_conversation},
                                {QStringLiteral("text"), messageText(n)}};
        return m_sender.sendTextMessage(QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact))) > 0;
    }

private:
    void onText(QWebSocket *socket, const QString &text)
    {
        const QJsonObject frame = QJsonDocument::fromJson(text.toUtf8()).object();
        const QString type = frame.value(QStringLiteral("type")).toString();
        if (type == QLatin1String("synced")) {
            ++m_synced;
        } else if (type == QLatin1String("joined")) {
            if (frame.value(QStringLiteral("conversation")).toObject().value(QStringLiteral("id")).toString()
                != m_conversation)
                return;
            if (socket == &m_receiver)
                ++m_receiverJoins;
            else
                m_senderJoined = true;
        } else if (type == QLatin1String("message") && socket == &m_receiver) {
            if (frame.value(QStringLiteral("conversation")).toString() != m_conversation)
                return;
            const int n = messageNumber(frame.value(QStringLiteral("text")).toString());
            if (n >= 0 && delivered)
                delivered(n);
        } else if (type == QLatin1String("error")) {
            qWarning("raw client got an error frame: %s", qPrintable(text));
        }
    }

    QUrl m_url;
    QString m_conversation;
    QWebSocket m_sender;
    QWebSocket m_receiver;
    QTimer m_keepAlive;
    int m_synced = 0;
    int m_receiverJoins = 0;
    bool m_senderJoined = false;
};

// The plainest round trip through the same server: {"type":"ping","ts":n} -> pong (no storage).
class EchoPair : public Pair
{
public:
    explicit EchoPair(const QUrl &url)
        : m_url(url)
    {
    }

    QString name() const override { return QStringLiteral("raw echo (ping/pong)"); }

    bool setUp(QString *error) override
    {
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, &m_socket, [this](const QString &text) {
            const QJsonObject frame = QJsonDocument::fromJson(text.toUtf8()).object();
            if (frame.value(QStringLiteral("type")).toString() == QLatin1String("pong") && delivered)
                delivered(frame.value(QStringLiteral("ts")).toInt(-1));
        });
        m_socket.open(m_url);
        if (!spinUntil([this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, 20000)) {
            *error = QStringLiteral("echo client did not connect");
            return false;
        }
        return true;
    }

    bool send(int n) override
    {
        const QJsonObject frame{{QStringLiteral("type"), QStringLiteral("ping")}, {QStringLiteral("ts"), n},
                                {QStringLiteral("pad"), messageText(n)}};
        return m_socket.sendTextMessage(QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact))) > 0;
    }

private:
    QUrl m_url;
    QWebSocket m_socket;
};

class SessionPair : public Pair
{
public:
    SessionPair(const QUrl &url, const QString &conversation, const QString &senderDb, const QString &receiverDb,
                const QString &label, int window)
        : m_conversation(conversation)
        , m_label(label)
    {
        ConnectionConfig config;
        config.url = url;
        m_senderConnection = std::make_unique<ConnectionManager>(config, &m_network);
        m_receiverConnection = std::make_unique<ConnectionManager>(config, &m_network);
        ChatSessionConfig senderConfig;
        senderConfig.databasePath = senderDb;
        // The client paces itself under the server's rate limit by default (50 frames/s); the
        // server here runs without one, so pacing is off and the session's own window matches ours.
        senderConfig.sendRatePerSecond = 0;
        senderConfig.sendWindow = window;
        ChatSessionConfig receiverConfig;
        receiverConfig.databasePath = receiverDb;
        m_sender = std::make_unique<ChatSession>(m_senderConnection.get(), senderConfig);
        m_receiver = std::make_unique<ChatSession>(m_receiverConnection.get(), receiverConfig);
        QObject::connect(m_receiver.get(), &ChatSession::messagesAdded, m_receiver.get(),
                         [this](const QString &conv, const QList<ChatMessage> &messages) {
                             if (conv != m_conversation || !delivered)
                                 return;
                             for (const ChatMessage &message : messages) {
                                 const int n = messageNumber(message.text);
                                 if (n >= 0)
                                     delivered(n);
                             }
                         });
        QObject::connect(m_sender.get(), &ChatSession::errorOccurred, m_sender.get(),
                         [](ChatSession::Error error, const QString &message) {
                             qWarning("sender session error %s: %s", qPrintable(ChatSession::errorName(error)), qPrintable(message));
                         });
    }

    QString name() const override { return m_label; }

    bool setUp(QString *error) override
    {
        for (ChatSession *session : {m_sender.get(), m_receiver.get()}) {
            if (!session->open(error))
                return false;
            session->connection()->open();
        }
        if (!spinUntil([this] { return m_sender->isSynced() && m_receiver->isSynced(); }, 20000)) {
            *error = QStringLiteral("%1: sessions did not sync").arg(m_label);
            return false;
        }
        auto member = [this](ChatSession *session) {
            for (const Conversation &conversation : session->conversations())
                if (conversation.id == m_conversation)
                    return true;
            return false;
        };
        m_receiver->join(m_conversation);
        if (!spinUntil([&] { return member(m_receiver.get()); }, 20000)) {
            *error = QStringLiteral("%1: receiver could not join").arg(m_label);
            return false;
        }
        m_sender->join(m_conversation);
        if (!spinUntil([&] { return member(m_sender.get()); }, 20000)) {
            *error = QStringLiteral("%1: sender could not join").arg(m_label);
            return false;
        }
        spinFor(100); // let the receiver see the sender's joined broadcast
        return true;
    }

    bool send(int n) override
    {
        QString error;
        if (m_sender->send(m_conversation, messageText(n), &error).isEmpty()) {
            qWarning("send failed: %s", qPrintable(error));
            return false;
        }
        return true;
    }

private:
    QString m_conversation;
    QString m_label;
    ManualNetworkMonitor m_network;
    std::unique_ptr<ConnectionManager> m_senderConnection;
    std::unique_ptr<ConnectionManager> m_receiverConnection;
    std::unique_ptr<ChatSession> m_sender;
    std::unique_ptr<ChatSession> m_receiver;
};

struct PhaseResult
{
    bool ok = false;
    bool capped = false;     // the time cap stopped sending before `total`
    double seconds = 0;
    int delivered = 0;
    int duplicates = 0;
    QList<double> latenciesMs;
    QList<qint64> deliveredAtNs; // in delivery order
    double rate() const { return seconds > 0 ? delivered / seconds : 0; }
    // Throughput over the last tenth of the deliveries: shows whether the rate holds as stores grow.
    double tailRate() const
    {
        const qsizetype n = deliveredAtNs.size();
        const qsizetype from = n - std::max<qsizetype>(1, n / 10);
        if (n < 20 || from <= 0)
            return rate();
        const double span = (deliveredAtNs.last() - deliveredAtNs.at(from - 1)) / 1e9;
        return span > 0 ? (n - from) / span : 0;
    }
};

// Sends `total` messages keeping `window` in flight; stops sending new ones after capSeconds
// (0 = no cap) so a slow stack still ends in bounded time.
PhaseResult runPhase(Pair &pair, int offset, int total, int window, int timeoutMs, double capSeconds = 0)
{
    PhaseResult result;
    QElapsedTimer clock;
    QList<qint64> sentAtNs(total, -1);
    QList<bool> seen(total, false);
    int next = 0;
    int inFlight = 0;
    bool failed = false;
    std::function<void()> pump = [&] {
        if (capSeconds > 0 && next < total && clock.nsecsElapsed() > capSeconds * 1e9) {
            result.capped = true;
            total = next; // nothing more is sent; wait for what is in flight
        }
        while (!failed && inFlight < window && next < total) {
            sentAtNs[next] = clock.nsecsElapsed();
            ++inFlight;
            if (!pair.send(offset + next))
                failed = true;
            ++next;
        }
    };
    pair.delivered = [&](int number) {
        const int n = number - offset;
        if (n < 0 || n >= total)
            return;
        if (seen[n]) {
            ++result.duplicates;
            return;
        }
        seen[n] = true;
        ++result.delivered;
        --inFlight;
        const qint64 now = clock.nsecsElapsed();
        result.latenciesMs.append((now - sentAtNs[n]) / 1e6);
        result.deliveredAtNs.append(now);
        pump();
    };
    clock.start();
    pump();
    result.ok = spinUntil([&] { return failed || result.delivered >= total; }, timeoutMs) && !failed;
    result.seconds = clock.nsecsElapsed() / 1e9;
    pair.delivered = nullptr;
    return result;
}

struct Measurement
{
    PhaseResult throughput;
    PhaseResult roundTrip;
};

bool measure(BenchReport &report, Pair &pair, int total, int window, int roundTrips, double capSeconds,
             Measurement *out)
{
    QString error;
    if (!pair.setUp(&error)) {
        report.error(QStringLiteral("%1: %2").arg(pair.name(), error));
        return false;
    }
    report.progress(QStringLiteral("%1: %2 messages, window %3").arg(pair.name()).arg(total).arg(window));
    const int timeoutMs = capSeconds > 0 ? int(capSeconds * 1000) + 60000 : 60000 + total * 5;
    out->throughput = runPhase(pair, 0, total, window, timeoutMs, capSeconds);
    if (!out->throughput.ok) {
        report.error(QStringLiteral("%1: only %2 of %3 messages delivered within %4 ms")
                         .arg(pair.name()).arg(out->throughput.delivered).arg(total).arg(timeoutMs));
        return false;
    }
    report.progress(QStringLiteral("%1: %2 msg/s; round trips").arg(pair.name()).arg(out->throughput.rate(), 0, 'f', 0));
    if (out->throughput.capped)
        report.progress(QStringLiteral("%1: time cap of %2 s reached after %3 messages")
                            .arg(pair.name()).arg(capSeconds).arg(out->throughput.delivered));
    out->roundTrip = runPhase(pair, total, roundTrips, 1, 60000 + roundTrips * 50);
    if (!out->roundTrip.ok) {
        report.error(QStringLiteral("%1: round trips incomplete (%2 of %3)")
                         .arg(pair.name()).arg(out->roundTrip.delivered).arg(roundTrips));
        return false;
    }
    if (out->throughput.duplicates || out->roundTrip.duplicates)
        report.error(QStringLiteral("%1: %2 duplicate deliveries").arg(pair.name())
                         .arg(out->throughput.duplicates + out->roundTrip.duplicates));
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Chat throughput and round-trip benchmark"));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("quick"), QStringLiteral("1000 messages (smoke run).")});
    parser.addOption({QStringLiteral("messages"), QStringLiteral("Messages per throughput run (default 100000)."),
                      QStringLiteral("n")});
    parser.addOption({QStringLiteral("window"), QStringLiteral("Messages in flight (default 100)."),
                      QStringLiteral("n"), QStringLiteral("100")});
    parser.addOption({QStringLiteral("cap"), QStringLiteral("Stop sending after this many seconds per throughput "
                                                            "run (default 90; 0 = none)."),
                      QStringLiteral("s"), QStringLiteral("90")});
    parser.addOption({QStringLiteral("full-only"), QStringLiteral("Only the full stack with the store on disk "
                                                                  "(for profiling).")});
    parser.process(app);
    const bool fullOnly = parser.isSet(QStringLiteral("full-only"));
    const bool quick = parser.isSet(QStringLiteral("quick"));
    const int total = parser.isSet(QStringLiteral("messages")) ? parser.value(QStringLiteral("messages")).toInt()
                                                                : (quick ? 1000 : 100000);
    const int window = std::max(1, parser.value(QStringLiteral("window")).toInt());
    const int roundTrips = quick ? 100 : 2000;
    const double capSeconds = parser.value(QStringLiteral("cap")).toDouble();

    BenchReport report(QStringLiteral("throughput"));
    report.note(QStringLiteral("%1 messages of 100 bytes, sender -> one tether-server child (rate limit off) -> "
                               "receiver, %2 in flight; round trip (send -> receiver has it) measured one at a "
                               "time over %3 messages")
                    .arg(total).arg(window).arg(roundTrips));
    report.note(QStringLiteral("each throughput run stops sending after %1 s (then drains what is in flight); a "
                               "capped run says how many messages it delivered").arg(capSeconds));
    report.note(QStringLiteral("load average at start: %1").arg(loadAverage()));

    QTemporaryDir dir;
    ServerProcess server;
    // The clients are guests: their conversations are made public by the operator first. No
    // per-connection or per-user limits: the bench measures what the stack can carry.
    server.setArguments({QStringLiteral("--allow-guests"), QStringLiteral("--rate-limit"), QStringLiteral("0"),
                         QStringLiteral("--user-rate"), QStringLiteral("0")});
    QString error;
    bool conversationsMade = true;
    for (const char *conversation : {"bench-raw", "bench-raw-2", "bench-durable", "bench-memory"})
        conversationsMade = conversationsMade && server.addPublicConversation(QString::fromLatin1(conversation), &error);
    if (!dir.isValid() || !conversationsMade || !server.start(&error)) {
        report.error(error.isEmpty() ? QStringLiteral("no temporary directory") : error);
        return report.finish();
    }
    const QUrl url = server.webSocketUrl();

    if (fullOnly) {
        Measurement m;
        SessionPair pair(url, QStringLiteral("bench-durable"), dir.filePath(QStringLiteral("sender.sqlite")),
                         dir.filePath(QStringLiteral("receiver.sqlite")), QStringLiteral("full stack, outbox on disk"), window);
        if (measure(report, pair, total, window, roundTrips, capSeconds, &m))
            report.info(QStringLiteral("full, outbox on disk: throughput"), m.throughput.rate(), QStringLiteral("msg/s"));
        return report.finish();
    }
    Measurement raw;
    {
        RawPair pair(url, QStringLiteral("bench-raw"));
        if (!measure(report, pair, total, window, roundTrips, capSeconds, &raw))
            return report.finish();
    }
    Measurement echo;
    bool echoOk = false;
    {
        EchoPair pair(url);
        echoOk = measure(report, pair, total, window, roundTrips, capSeconds, &echo);
    }
    Measurement durable;
    const bool durableOk = [&] {
        SessionPair pair(url, QStringLiteral("bench-durable"), dir.filePath(QStringLiteral("sender.sqlite")),
                         dir.filePath(QStringLiteral("receiver.sqlite")), QStringLiteral("full stack, outbox on disk"), window);
        return measure(report, pair, total, window, roundTrips, capSeconds, &durable);
    }();
    Measurement memory;
    const bool memoryOk = [&] {
        SessionPair pair(url, QStringLiteral("bench-memory"), QStringLiteral(":memory:"), QStringLiteral(":memory:"),
                         QStringLiteral("full stack, store in memory"), window);
        return measure(report, pair, total, window, roundTrips, capSeconds, &memory);
    }();
    Measurement rawAgain;
    bool rawAgainOk = false;
    {
        RawPair pair(url, QStringLiteral("bench-raw-2"));
        rawAgainOk = measure(report, pair, total, window, roundTrips, capSeconds, &rawAgain);
    }
    report.note(QStringLiteral("baseline \"raw\": two QWebSocket clients speaking protocol v1 (send -> server "
                               "stores, acks, broadcasts -> receiver), i.e. the same server work as the full stack; "
                               "\"raw echo\": ping/pong frames through the same server, no storage (context only)"));
    report.note(QStringLiteral("\"store in memory\" = ChatSessionConfig::databasePath \":memory:\": the same code "
                               "with SQLite in memory, i.e. no durable outbox"));
    report.note(QStringLiteral("sender ChatSessionConfig: sendRatePerSecond 0 (pacing off, the default 50/s stays "
                               "under the server's default 100 frames/s limit), sendWindow %1").arg(window));

    const double rawRate = raw.throughput.rate();
    const double rawP50 = percentile(raw.roundTrip.latenciesMs, 50);
    const double rawP99 = percentile(raw.roundTrip.latenciesMs, 99);
    report.info(QStringLiteral("raw: messages delivered"), raw.throughput.delivered, QStringLiteral("count"));
    report.info(QStringLiteral("raw: throughput"), rawRate, QStringLiteral("msg/s"));
    report.info(QStringLiteral("raw: throughput, last 10%"), raw.throughput.tailRate(), QStringLiteral("msg/s"));
    report.info(QStringLiteral("raw: round trip p50"), rawP50, QStringLiteral("ms"));
    report.info(QStringLiteral("raw: round trip p99"), rawP99, QStringLiteral("ms"));
    report.info(QStringLiteral("raw: latency under load p99"), percentile(raw.throughput.latenciesMs, 99),
                QStringLiteral("ms"));
    auto full = [&](const QString &label, const Measurement &m, double minRatio) {
        const double rate = m.throughput.rate();
        const double p50 = percentile(m.roundTrip.latenciesMs, 50);
        const double p99 = percentile(m.roundTrip.latenciesMs, 99);
        report.compare(label + QStringLiteral(": messages delivered"), m.throughput.delivered, QStringLiteral("count"),
                       raw.throughput.delivered);
        report.compare(label + QStringLiteral(": throughput"), rate, QStringLiteral("msg/s"), rawRate,
                       QStringLiteral(">= %1x raw").arg(minRatio), rate >= minRatio * rawRate);
        report.compare(label + QStringLiteral(": throughput, last 10%"), m.throughput.tailRate(),
                       QStringLiteral("msg/s"), raw.throughput.tailRate());
        report.compare(label + QStringLiteral(": round trip p50"), p50, QStringLiteral("ms"), rawP50);
        report.compare(label + QStringLiteral(": round trip p99"), p99, QStringLiteral("ms"), rawP99,
                       QStringLiteral("<= 2x raw"), p99 <= 2 * rawP99);
        report.compare(label + QStringLiteral(": latency under load p99"), percentile(m.throughput.latenciesMs, 99),
                       QStringLiteral("ms"), percentile(raw.throughput.latenciesMs, 99));
    };
    if (durableOk)
        full(QStringLiteral("full, outbox on disk"), durable, 0.5);
    if (memoryOk)
        full(QStringLiteral("full, store in memory"), memory, 0.9);
    if (echoOk) {
        report.compare(QStringLiteral("raw echo, no storage: throughput"), echo.throughput.rate(),
                       QStringLiteral("msg/s"), rawRate);
        report.compare(QStringLiteral("raw echo, no storage: round trip p50"), percentile(echo.roundTrip.latenciesMs, 50),
                       QStringLiteral("ms"), rawP50);
        report.compare(QStringLiteral("raw echo, no storage: round trip p99"), percentile(echo.roundTrip.latenciesMs, 99),
                       QStringLiteral("ms"), rawP99);
    }
    if (rawAgainOk)
        report.compare(QStringLiteral("raw again (drift check): throughput"), rawAgain.throughput.rate(),
                       QStringLiteral("msg/s"), rawRate);
    report.info(QStringLiteral("benchmark process peak RSS"), peakRssKb() / 1024.0, QStringLiteral("MiB"));
    server.terminate(20000);
    return report.finish();
}
