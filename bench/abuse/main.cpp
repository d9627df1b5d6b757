// Benchmark: abuse. One tether-server child with its defaults (guests allowed, the demo lobby
// holding 2,000 messages of 1 KB) meets one abuse at a time from other loopback addresses
// (127.0.1.x and up, so the per-address cap applies to them and not to the observers): replay
// flood, slow reader, 1,000 idle unauthenticated sockets, login flood, binary-frame flood,
// oversize text (frames over the frame limit, and texts over --max-text within it). The observers
// run on a thread of their own, so the abusers' load on this process is not counted as the server's. Throughout, from 127.0.0.1, a bystander guest pings every 20 ms and a prober asks
// GET /health every 200 ms. For each abuse: the server's peak RSS, the bystander's ping p99, and
// whether /health answered within 1 s every time. Loopback only; every phase is bounded in time.

#include "benchreport.h"
#include "benchstats.h"
#include "procstats.h"
#include "serverprocess.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScopeGuard>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <QWebSocket>

#include <functional>
#include <memory>
#include <vector>

using namespace Tether::Bench;

namespace {

QString str(const char *s) { return QString::fromLatin1(s); }

// 127.0.1.0 + n: the abusers' addresses (127.0.0.1 is the observers').
QHostAddress abuser(int n)
{
    return QHostAddress(quint32(0x7F000100 + n));
}

// A masked client frame (RFC 6455) of any length.
QByteArray frame(int opcode, const QByteArray &payload)
{
    QByteArray out;
    out.append(char(0x80 | opcode));
    const qint64 n = payload.size();
    if (n < 126) {
        out.append(char(0x80 | n));
    } else if (n < 65536) {
        out.append(char(0x80 | 126));
        out.append(char((n >> 8) & 0xff));
        out.append(char(n & 0xff));
    } else {
        out.append(char(0x80 | 127));
        for (int i = 7; i >= 0; --i)
            out.append(char((n >> (8 * i)) & 0xff));
    }
    const char mask[4] = { 0x21, 0x43, 0x65, 0x07 };
    out.append(mask, 4);
    for (qint64 i = 0; i < n; ++i)
        out.append(char(payload[i] ^ mask[i % 4]));
    return out;
}

// A WebSocket client on a raw socket from a chosen address; reads its handshake answer, and the
// rest only when asked to (a client that never reads is the point of several abuses).
class RawWs
{
public:
    RawWs(const QHostAddress &from, bool reads) : m_reads(reads)
    {
        m_socket.bind(from);
        if (!reads)
            m_socket.setReadBufferSize(4096);
        QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket, [this] {
            if (m_upgraded && !m_reads)
                return;
            m_buffer += m_socket.read(m_reads ? 1 << 20 : 4096);
            if (!m_upgraded) {
                const qsizetype end = m_buffer.indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                m_upgraded = m_buffer.startsWith("HTTP/1.1 101");
                m_refused = !m_upgraded;
                m_buffer.remove(0, end + 4);
            }
            if (m_reads && m_buffer.size() > (1 << 20))
                m_buffer = m_buffer.right(1 << 16);
        });
        QObject::connect(&m_socket, &QTcpSocket::disconnected, &m_socket, [this] { m_closed = true; });
    }
    void open(quint16 port)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        m_socket.write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    }
    void text(const QByteArray &payload) { m_socket.write(frame(0x1, payload)); }
    void binary(const QByteArray &payload) { m_socket.write(frame(0x2, payload)); }
    qint64 bytesToWrite() const { return m_socket.bytesToWrite(); }
    bool upgraded() const { return m_upgraded; }
    bool refused() const { return m_refused; }
    bool closed() const { return m_closed || m_socket.state() == QAbstractSocket::UnconnectedState; }
    const QByteArray &received() const { return m_buffer; }
    void abort() { m_socket.abort(); }

private:
    QTcpSocket m_socket;
    QByteArray m_buffer;
    bool m_reads;
    bool m_upgraded = false;
    bool m_refused = false;
    bool m_closed = false;
};

// One HTTP request on a raw socket from a chosen address; the status and when it came.
class HttpCall
{
public:
    HttpCall(const QHostAddress &from, quint16 port, const QByteArray &request)
    {
        m_clock.start();
        m_socket.bind(from);
        QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket, [this] {
            m_data += m_socket.readAll();
            if (m_status == 0 && m_data.size() >= 12) {
                m_status = m_data.mid(9, 3).toInt();
                m_ms = m_clock.elapsed();
            }
        });
        QObject::connect(&m_socket, &QTcpSocket::disconnected, &m_socket, [this] { m_done = true; });
        QObject::connect(&m_socket, &QTcpSocket::errorOccurred, &m_socket, [this] { m_done = true; });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        m_socket.write(request);
    }
    int status() const { return m_status; }
    bool done() const { return m_done || m_status != 0; }
    QByteArray body() const { return m_data.mid(m_data.indexOf("\r\n\r\n") + 4); }
    qint64 ms() const { return m_ms; }
    qint64 age() const { return m_clock.elapsed(); }

private:
    QTcpSocket m_socket;
    QByteArray m_data;
    QElapsedTimer m_clock;
    int m_status = 0;
    qint64 m_ms = -1;
    bool m_done = false;
};

QByteArray loginRequest(const QString &user, const QString &password)
{
    const QByteArray body = QJsonDocument(QJsonObject{ { str("username"), user }, { str("password"), password } })
                                    .toJson(QJsonDocument::Compact);
    return "POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

// /health's "connections": the WebSockets the server still serves (-1 when it did not answer).
int serverConnections(quint16 port)
{
    HttpCall call(QHostAddress::LocalHost, port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    if (!spinUntil([&] { return call.done(); }, 5000) || call.status() != 200)
        return -1;
    spinUntil([&] { return call.body().contains('}'); }, 1000);
    return QJsonDocument::fromJson(call.body()).object().value(QStringLiteral("connections")).toInt(-1);
}

// What is watched during a phase: the bystander's pings, /health, the server's RSS.
class Observers
{
public:
    Observers(const ServerProcess &server) : m_server(server)
    {
        m_clock.start();
        QObject::connect(&m_bystander, &QWebSocket::textMessageReceived, &m_bystander, [this](const QString &text) {
            const QJsonObject f = QJsonDocument::fromJson(text.toUtf8()).object();
            const QString type = f.value(str("type")).toString();
            if (type == str("synced"))
                m_synced = true;
            else if (type == str("pong")) {
                const auto it = m_pingSent.find(f.value(str("ts")).toInt());
                if (it != m_pingSent.end()) {
                    rtts.append(double(m_clock.nsecsElapsed() - it.value()) / 1e6);
                    m_pingSent.erase(it);
                }
            }
        });
        QObject::connect(&m_bystander, &QWebSocket::disconnected, &m_bystander, [this] { bystanderLost = true; });
        QObject::connect(&m_bystander, &QWebSocket::connected, &m_bystander, [this] {
            m_bystander.sendTextMessage(str(R"({"type":"hello","protocol":1,"resume":{"lobby":1000000}})"));
        });
        m_bystander.open(server.webSocketUrl());
        m_ping.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_ping, &QTimer::timeout, &m_ping, [this] {
            // A ping unanswered for 5 s counts as 5 s (it is not silently dropped from the sample).
            for (auto it = m_pingSent.begin(); it != m_pingSent.end();) {
                if (m_clock.nsecsElapsed() - it.value() > 5'000'000'000LL) {
                    rtts.append(5000);
                    it = m_pingSent.erase(it);
                } else {
                    ++it;
                }
            }
            m_pingSent.insert(m_next, m_clock.nsecsElapsed());
            m_bystander.sendTextMessage(QStringLiteral(R"({"type":"ping","ts":%1})").arg(m_next++));
        });
        QObject::connect(&m_health, &QTimer::timeout, &m_health, [this] { probe(); });
        QObject::connect(&m_rss, &QTimer::timeout, &m_rss, [this] {
            peakRssKb = qMax(peakRssKb, currentRssKb(m_server.pid()));
        });
    }
    bool ready() { return spinUntil([this] { return m_synced; }, 20000); }
    void begin()
    {
        rtts.clear();
        healthAsked = healthLate = 0;
        worstHealthMs = 0;
        peakRssKb = currentRssKb(m_server.pid());
        m_ping.start(20);
        m_health.start(200);
        m_rss.start(50);
    }
    void end()
    {
        m_ping.stop();
        m_health.stop();
        m_rss.stop();
        // The probes still out are judged when they come back, or at their 1 s.
        spinUntil([this] { return m_probes.empty(); }, 1500);
        settleProbes(true);
        m_pingSent.clear();
    }

    QList<double> rtts;
    int healthAsked = 0;
    int healthLate = 0; // not a 200 within 1 s
    qint64 worstHealthMs = 0;
    qint64 peakRssKb = 0;
    bool bystanderLost = false;

private:
    void probe()
    {
        ++healthAsked;
        m_probes.push_back(std::make_unique<HttpCall>(QHostAddress::LocalHost, m_server.port(),
                                                      "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        settleProbes(false);
    }
    void settleProbes(bool final)
    {
        for (auto it = m_probes.begin(); it != m_probes.end();) {
            HttpCall &call = **it;
            if (call.status() != 0 || call.done() || call.age() > 1000 || final) {
                const bool inTime = call.status() == 200 && call.ms() >= 0 && call.ms() <= 1000;
                if (!inTime)
                    ++healthLate;
                worstHealthMs = qMax(worstHealthMs, call.ms() >= 0 ? call.ms() : call.age());
                it = m_probes.erase(it);
            } else {
                ++it;
            }
        }
    }

    const ServerProcess &m_server;
    QElapsedTimer m_clock;
    QWebSocket m_bystander;
    bool m_synced = false;
    QHash<int, qint64> m_pingSent;
    int m_next = 0;
    QTimer m_ping;
    QTimer m_health;
    QTimer m_rss;
    std::vector<std::unique_ptr<HttpCall>> m_probes;
};

struct Settings
{
    bool quick = false;
    int lobbyMessages = 2000;
    int hellos = 400;
    int historyRequests = 1500; // at most; it stops when the server lets it go
    int idleSockets = 1000;
    int logins = 200;
    int binaryFrames = 1000;
    int oversizeConnections = 20;
    int holdMs = 3000;
};

// Fills the lobby (rate limits off for this, on a server of its own over the same database).
bool preload(BenchReport &report, ServerProcess &server, int count)
{
    server.setArguments({ str("--allow-guests"), str("--demo"), str("--rate-limit"), str("0"), str("--user-rate"), str("0") });
    QString error;
    if (!server.start(&error)) {
        report.error(error);
        return false;
    }
    QWebSocket writer;
    int acked = 0, sent = 0;
    bool synced = false;
    QObject::connect(&writer, &QWebSocket::textMessageReceived, &writer, [&](const QString &text) {
        const QString type = QJsonDocument::fromJson(text.toUtf8()).object().value(str("type")).toString();
        synced = synced || type == str("synced");
        acked += type == str("ack") ? 1 : 0;
    });
    QObject::connect(&writer, &QWebSocket::connected, &writer, [&] {
        writer.sendTextMessage(str(R"({"type":"hello","protocol":1,"resume":{"lobby":1000000,"echo":1000000}})"));
    });
    writer.open(server.webSocketUrl());
    if (!spinUntil([&] { return synced; }, 20000)) {
        report.error(str("preload: no sync"));
        return false;
    }
    const QString pad(1000, QLatin1Char('l'));
    QTimer pump;
    QObject::connect(&pump, &QTimer::timeout, &pump, [&] {
        while (sent < count && sent - acked < 200) {
            writer.sendTextMessage(QStringLiteral(R"({"type":"send","id":"pre-%1","conversation":"lobby","text":"%2"})")
                                           .arg(sent).arg(pad));
            ++sent;
        }
    });
    pump.start(0);
    const bool ok = spinUntil([&] { return acked >= count; }, 120000);
    pump.stop();
    writer.close();
    spinFor(100);
    if (!ok)
        report.error(QStringLiteral("preload: %1 of %2 acked").arg(acked).arg(count));
    return ok && server.terminate(20000);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(str("Abuse benchmark: the server under six abuses, with a bystander watching"));
    parser.addHelpOption();
    parser.addOption({ str("quick"), str("A short smoke run (smaller abuses).") });
    parser.process(app);
    Settings s;
    s.quick = parser.isSet(str("quick"));
    if (s.quick) {
        s.lobbyMessages = 300;
        s.hellos = 60;
        s.historyRequests = 750;
        s.idleSockets = 120;
        s.logins = 40;
        s.binaryFrames = 200;
        s.oversizeConnections = 4;
        s.holdMs = 1000;
    }
    raiseFileLimit(s.idleSockets + 512);

    BenchReport report(str("abuse"));
    report.note(QStringLiteral("tether-server with its defaults + --allow-guests --demo%1; the lobby holds %2 messages of "
                               "1 KB; abusers connect from 127.0.1.x and up, the bystander (ping every 20 ms) and "
                               "the /health prober (every 200 ms, 1 s deadline) from 127.0.0.1")
                        .arg(s.quick ? str(" --auth-timeout 2") : QString()).arg(s.lobbyMessages));
    report.note(QStringLiteral("load average at start: %1").arg(loadAverage()));

    ServerProcess server;
    if (!preload(report, server, s.lobbyMessages))
        return report.finish();
    QStringList arguments{ str("--allow-guests"), str("--demo") };
    if (s.quick)
        arguments += { str("--auth-timeout"), str("2") };
    server.setArguments(arguments);
    QString error;
    if (!server.start(&error)) {
        report.error(error);
        return report.finish();
    }
    const quint16 port = server.port();
    // The observers run on a thread of their own: the abusers' sockets keep this thread busy, and
    // that must not count as the server's delay.
    QThread observerThread;
    observerThread.start();
    QObject anchor;
    anchor.moveToThread(&observerThread);
    auto onObserverThread = [&](const std::function<void()> &work) {
        QMetaObject::invokeMethod(&anchor, work, Qt::BlockingQueuedConnection);
    };
    std::unique_ptr<Observers> watching;
    onObserverThread([&] { watching = std::make_unique<Observers>(server); });
    Observers &observers = *watching;
    bool ready = false;
    onObserverThread([&] { ready = observers.ready(); });
    auto stopObservers = qScopeGuard([&] {
        onObserverThread([&] { watching.reset(); });
        observerThread.quit();
        observerThread.wait();
    });
    if (!ready) {
        report.error(str("the bystander did not sync"));
        return report.finish();
    }

    auto phase = [&](const QString &name, const std::function<void()> &abuse) {
        report.progress(name);
        onObserverThread([&] { observers.begin(); });
        QElapsedTimer clock;
        clock.start();
        abuse();
        const qint64 ms = clock.elapsed();
        onObserverThread([&] { observers.end(); });
        report.info(name + str(": duration"), double(ms) / 1000.0, str("s"));
        report.check(name + str(": server peak RSS"), double(observers.peakRssKb) / 1024.0, str("MiB"), str("<= 200 MiB"),
                     observers.peakRssKb <= 200 * 1024);
        const double p99 = percentile(observers.rtts, 99);
        report.check(name + str(": bystander ping p99"), p99, str("ms"), str("<= 50 ms"), p99 <= 50 && !observers.rtts.isEmpty());
        report.info(name + str(": bystander pings"), observers.rtts.size(), str("count"));
        report.check(name + str(": /health late or unanswered"), observers.healthLate, str("of ") + QString::number(observers.healthAsked),
                     str("0 (always within 1 s)"), observers.healthLate == 0 && observers.healthAsked > 0);
        report.info(name + str(": /health slowest"), double(observers.worstHealthMs), str("ms"));
        if (observers.bystanderLost)
            report.error(name + str(": the bystander lost its connection"));
    };

    phase(str("quiet (reference)"), [&] { spinFor(s.holdMs); });

    phase(str("replay flood"), [&] {
        RawWs flood(abuser(1), false);
        flood.open(port);
        spinUntil([&] { return flood.upgraded() || flood.closed(); }, 10000);
        // Every hello asks for the whole lobby (no resume); none of the answers is ever read.
        for (int i = 0; i < s.hellos; ++i)
            flood.text(R"({"type":"hello","protocol":1})");
        spinFor(s.holdMs);
        report.info(str("replay flood: hellos sent"), s.hellos, str("count"));
        report.info(str("replay flood: server connections at the end (bystander 1, flooder 1)"),
                    serverConnections(port), str("count"));
    });

    phase(str("slow reader"), [&] {
        RawWs slow(abuser(2), false);
        slow.open(port);
        spinUntil([&] { return slow.upgraded() || slow.closed(); }, 10000);
        slow.text(R"({"type":"hello","protocol":1,"resume":{"lobby":1000000,"echo":1000000}})");
        // It asks for the whole lobby again and again (at 50 requests a second, under the frame
        // rate limit) and reads none of it.
        int asked = 0;
        QTimer ask;
        QObject::connect(&ask, &QTimer::timeout, &ask, [&] {
            if (asked++ < s.historyRequests)
                slow.text(R"({"type":"history","conversation":"lobby","after":0,"limit":500})");
        });
        ask.start(20);
        // A reader that does not read cannot see its close: ask the server who it still serves.
        QElapsedTimer clock;
        clock.start();
        const bool closed = spinUntil([&] { return serverConnections(port) == 1; }, 30000);
        ask.stop();
        report.info(str("slow reader: history requests sent"), asked, str("count"));
        report.info(str("slow reader: closed by the server (4008)"), closed ? 1 : 0, str("yes=1"));
        if (closed)
            report.info(str("slow reader: closed after"), double(clock.elapsed()), str("ms"));
        spinFor(s.holdMs / 2);
    });

    phase(str("idle unauthenticated sockets"), [&] {
        std::vector<std::unique_ptr<RawWs>> idle;
        for (int i = 0; i < s.idleSockets; ++i) {
            idle.push_back(std::make_unique<RawWs>(abuser(16 + i / 60), true)); // 60 per address, under the cap
            idle.back()->open(port);
        }
        auto count = [&](auto predicate) {
            int n = 0;
            for (const auto &r : idle)
                n += predicate(*r) ? 1 : 0;
            return n;
        };
        spinUntil([&] { return count([](const RawWs &r) { return r.upgraded() || r.refused() || r.closed(); }) == s.idleSockets; }, 30000);
        report.info(str("idle sockets: upgraded"), count([](const RawWs &r) { return r.upgraded(); }), str("count"));
        spinFor(s.holdMs);
        // They are closed by the auth timeout (4003 without guests, 1008 here: guests, no hello).
        const bool allClosed = spinUntil([&] { return count([](const RawWs &r) { return r.closed(); }) == s.idleSockets; }, 20000);
        report.info(str("idle sockets: all closed by the server"), allClosed ? 1 : 0, str("yes=1"));
    });

    phase(str("login flood"), [&] {
        std::vector<std::unique_ptr<HttpCall>> logins;
        for (int i = 0; i < s.logins; ++i)
            logins.push_back(std::make_unique<HttpCall>(abuser(64 + i / 4), port,
                                                        loginRequest(QStringLiteral("user-%1").arg(i), str("wrong-password"))));
        spinUntil([&] {
            for (const auto &l : logins)
                if (!l->done())
                    return false;
            return true;
        }, 60000);
        QHash<int, int> statuses;
        for (const auto &l : logins)
            ++statuses[l->status()];
        for (auto it = statuses.cbegin(); it != statuses.cend(); ++it)
            report.info(QStringLiteral("login flood: answered %1").arg(it.key()), it.value(), str("count"));
    });

    phase(str("binary-frame flood"), [&] {
        RawWs flood(abuser(3), true);
        flood.open(port);
        spinUntil([&] { return flood.upgraded() || flood.closed(); }, 10000);
        const QByteArray payload(64 * 1024, '\x5a');
        int written = 0;
        spinUntil([&] {
            while (!flood.closed() && written < s.binaryFrames && flood.bytesToWrite() < 1024 * 1024) {
                flood.binary(payload);
                ++written;
            }
            return flood.closed() || written >= s.binaryFrames;
        }, 30000);
        const bool closed = spinUntil([&] { return flood.closed(); }, 5000);
        report.info(str("binary flood: frames written"), written, str("count"));
        // 1008 comes only after ~50 refusals in a row; a flood the limiter keeps at 100 frames/s
        // is refused frame by frame instead.
        report.info(str("binary flood: closed by the server (1008)"), closed ? 1 : 0, str("yes=1"));
    });

    phase(str("oversize text"), [&] {
        std::vector<std::unique_ptr<RawWs>> big;
        const QByteArray huge = R"({"type":"send","id":"big","conversation":"lobby","text":")" + QByteArray(600 * 1024, 'o') + "\"}";
        for (int i = 0; i < s.oversizeConnections; ++i) {
            big.push_back(std::make_unique<RawWs>(abuser(4), true));
            big.back()->open(port);
        }
        spinUntil([&] {
            for (const auto &b : big)
                if (!b->upgraded() && !b->closed())
                    return false;
            return true;
        }, 10000);
        for (const auto &b : big) {
            b->text(R"({"type":"hello","protocol":1,"resume":{"lobby":1000000,"echo":1000000}})");
            b->text(huge);
        }
        // Texts over --max-text but within the frame limit: refused one by one, the link stays.
        RawWs wordy(abuser(5), true);
        wordy.open(port);
        spinUntil([&] { return wordy.upgraded() || wordy.closed(); }, 10000);
        wordy.text(R"({"type":"hello","protocol":1,"resume":{"lobby":1000000,"echo":1000000}})");
        const QByteArray long100k = QByteArray(100 * 1024, 'w');
        for (int i = 0; i < s.oversizeConnections; ++i)
            wordy.text(R"({"type":"send","id":"long-)" + QByteArray::number(i) + R"(","conversation":"lobby","text":")" + long100k + "\"}");
        const bool allClosed = spinUntil([&] {
            for (const auto &b : big)
                if (!b->closed())
                    return false;
            return true;
        }, 20000);
        report.info(str("oversize text: all closed by the server (1009)"), allClosed ? 1 : 0, str("yes=1"));
        spinUntil([&] { return wordy.received().count("invalid_field") >= s.oversizeConnections || wordy.closed(); }, 10000);
        report.info(str("oversize text: 100 KiB texts refused (invalid_field)"), wordy.received().count("invalid_field"),
                    str("count"));
        report.info(str("oversize text: that connection still open"), wordy.closed() ? 0 : 1, str("yes=1"));
        spinFor(s.holdMs);
    });

    report.info(str("server peak RSS over the run (VmHWM)"), double(peakRssKb(server.pid())) / 1024.0, str("MiB"));
    server.terminate(20000);
    return report.finish();
}
