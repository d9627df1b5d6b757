// Benchmark 4 — UI ingest: N messages appended in batches to the chat window's message model
// (MessageModel::appendMessages, which ChatSession's batched messagesAdded drives) while the window
// is shown (offscreen). Measured: the longest event-loop stall (worst lateness of a 1 ms timer),
// the total time until the loop is idle again, and peak RSS. Baseline in the same run: a plain
// QListView over a minimal string model fed the same batches. Each run is its own child process
// so peak RSS belongs to that run alone.

#include "benchreport.h"
#include "procstats.h"

#include "chatsession.h"
#include "chatwindow.h"
#include "messagemodel.h"

#include <QAbstractListModel>
#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QListView>
#include <QProcess>
#include <QRandomGenerator>
#include <QTimer>

#include <functional>

using namespace Tether;
using namespace Tether::Bench;

namespace {

const QString conversationId = QStringLiteral("bench");

// Message i of the replay, generated on demand so the only copy is the one the model keeps.
// Deterministic and chat-like: a few senders, lines of 10-300 characters, seconds to minutes apart
// (so groups and, every 2880 messages, a day separator).
ChatMessage makeMessage(int i)
{
    QRandomGenerator random(quint32(i) * 1000003u + 42u);
    static const QStringList senders = {QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol"),
                                        QStringLiteral("dave"), QStringLiteral("echo-bot")};
    static const QString words = QStringLiteral(
        "the connection survives anything and says honestly what is going on while never losing a message "
        "reconnect backoff jitter heartbeat outbox resume replay sequence acknowledged delivered queued ");
    static const QDateTime origin = QDateTime::currentDateTimeUtc().addDays(-30);
    ChatMessage m;
    m.id = QStringLiteral("m-%1").arg(i);
    m.conversation = conversationId;
    m.seq = i + 1;
    m.from = senders.at(int(random.bounded(senders.size())));
    const int length = 10 + int(random.bounded(290));
    const int start = int(random.bounded(words.size() - 1));
    QString text = QStringLiteral("#%1 ").arg(i + 1);
    while (text.size() < length)
        text += words.mid(start, length - text.size());
    // What the delegate does more work for: a link in every 20th message, an overlong word in
    // every 50th (broken inside the word), a line break in every 10th.
    if (i % 20 == 7)
        text += QStringLiteral(" see https://example.com/tether/issues/%1?tab=log").arg(i);
    if (i % 50 == 13)
        text += QLatin1Char(' ') + QString(120, QLatin1Char('z'));
    if (i % 10 == 3)
        text.insert(text.size() / 2, QLatin1Char('\n'));
    m.text = text;
    m.timestamp = origin.addSecs(qint64(i) * 30 + random.bounded(30));
    m.delivery = ChatMessage::Delivery::Received;
    return m;
}

QList<ChatMessage> makeMessages(int first, int count)
{
    QList<ChatMessage> messages;
    messages.reserve(count);
    for (int i = first; i < first + count; ++i)
        messages.append(makeMessage(i));
    return messages;
}

class PlainModel : public QAbstractListModel
{
public:
    using QAbstractListModel::QAbstractListModel;
    int rowCount(const QModelIndex &parent = QModelIndex()) const override
    {
        return parent.isValid() ? 0 : int(m_rows.size());
    }
    QVariant data(const QModelIndex &index, int role) const override
    {
        if (role != Qt::DisplayRole || index.row() < 0 || index.row() >= m_rows.size())
            return {};
        return m_rows.at(index.row());
    }
    void append(const QList<ChatMessage> &messages)
    {
        beginInsertRows(QModelIndex(), int(m_rows.size()), int(m_rows.size() + messages.size()) - 1);
        for (const ChatMessage &m : messages)
            m_rows.append(m.from + QStringLiteral(": ") + m.text);
        endInsertRows();
    }

private:
    QStringList m_rows;
};

// One measured run in this process; prints one JSON line.
int runChild(const QString &variant, int count, int batch, int timeLimitMs)
{
    const double rssBefore = currentRssKb() / 1024.0;

    std::unique_ptr<QWidget> window;
    std::function<void(const QList<ChatMessage> &)> feed;
    QListView *view = nullptr;
    if (variant == QLatin1String("window")) {
        auto *chat = new ChatWindow;
        window.reset(chat);
        chat->messageModel()->setConversation(conversationId);
        view = chat->messageView();
        feed = [chat](const QList<ChatMessage> &part) { chat->messageModel()->appendMessages(part); };
    } else {
        auto *plain = new QListView;
        window.reset(plain);
        auto *model = new PlainModel(plain);
        plain->setModel(model);
        // The cheapest list Qt offers: one row height for all, so no per-row text layout at all.
        plain->setUniformItemSizes(true);
        view = plain;
        feed = [model](const QList<ChatMessage> &part) { model->append(part); };
    }
    window->resize(1000, 700);
    window->show();
    spinFor(300); // first layout and paint are not part of the ingest

    QElapsedTimer clock;
    qint64 lastTick = 0;
    qint64 maxGapNs = 0;
    int quietTicks = 0;
    int offset = 0;
    qint64 doneAt = -1;
    qint64 idleAt = -1;
    qint64 generateNs = 0; // making the messages is the benchmark's cost, reported apart
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(1);
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        const qint64 gap = now - lastTick;
        maxGapNs = std::max(maxGapNs, gap);
        lastTick = now;
        if (doneAt >= 0 && idleAt < 0) {
            // Idle again: 20 ticks in a row on time (under 3 ms apart) after the last batch.
            quietTicks = gap < 3000000 ? quietTicks + 1 : 0;
            if (quietTicks == 20)
                idleAt = now - 20 * 1000000LL;
        }
    });
    QTimer feeder;
    feeder.setInterval(0);
    QObject::connect(&feeder, &QTimer::timeout, [&] {
        const int n = std::min<int>(batch, count - offset);
        const qint64 before = clock.nsecsElapsed();
        const QList<ChatMessage> part = makeMessages(offset, n);
        generateNs = std::max(generateNs, clock.nsecsElapsed() - before);
        feed(part);
        offset += n;
        if (offset >= count) {
            feeder.stop();
            doneAt = clock.nsecsElapsed();
        }
    });
    clock.start();
    tick.start();
    feeder.start();
    const bool idle = spinUntil([&] { return idleAt >= 0; }, timeLimitMs);
    tick.stop();

    QJsonObject result{{QStringLiteral("variant"), variant},
                       {QStringLiteral("count"), count},
                       {QStringLiteral("rows"), view->model()->rowCount()},
                       {QStringLiteral("completed"), idle && view->model()->rowCount() == count},
                       {QStringLiteral("stall_ms"), std::max<double>(0, maxGapNs / 1e6 - 1.0)},
                       {QStringLiteral("append_ms"), doneAt / 1e6},
                       {QStringLiteral("total_ms"), (idleAt >= 0 ? idleAt : clock.nsecsElapsed()) / 1e6},
                       {QStringLiteral("rss_before_mib"), rssBefore},
                       {QStringLiteral("generate_batch_ms"), generateNs / 1e6},
                       {QStringLiteral("peak_rss_mib"), peakRssKb() / 1024.0}};
    QTextStream(stdout) << QJsonDocument(result).toJson(QJsonDocument::Compact) << Qt::endl;
    return 0;
}

QJsonObject spawnChild(BenchReport &report, const QString &variant, int count, int batch, int timeLimitMs)
{
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QCoreApplication::applicationFilePath(),
                {QStringLiteral("--child"), variant, QStringLiteral("--count"), QString::number(count),
                 QStringLiteral("--batch"), QString::number(batch), QStringLiteral("--time-limit"),
                 QString::number(timeLimitMs / 1000.0)});
    if (!child.waitForFinished(timeLimitMs + 60000)) {
        child.kill();
        child.waitForFinished();
        report.error(QStringLiteral("%1 x %2: child timed out").arg(variant).arg(count));
        return {};
    }
    const QList<QByteArray> lines = child.readAllStandardOutput().trimmed().split('\n');
    const QJsonObject result = QJsonDocument::fromJson(lines.last()).object();
    if (child.exitCode() != 0 || !result.contains(QStringLiteral("completed"))) {
        report.error(QStringLiteral("%1 x %2: run failed (exit %3): %4")
                         .arg(variant).arg(count).arg(child.exitCode()).arg(QString::fromUtf8(lines.last())));
        return {};
    }
    return result;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Chat window ingest benchmark"));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("quick"), QStringLiteral("1000 and 5000 messages (smoke run).")});
    parser.addOption({QStringLiteral("batch"), QStringLiteral("Messages per batch (default 200)."),
                      QStringLiteral("n"), QStringLiteral("200")});
    parser.addOption({QStringLiteral("time-limit"), QStringLiteral("Seconds one run may take (default 90)."),
                      QStringLiteral("s"), QStringLiteral("90")});
    parser.addOption({QStringLiteral("child"), QStringLiteral("Internal: one run (window|plain)."),
                      QStringLiteral("variant")});
    parser.addOption({QStringLiteral("count"), QStringLiteral("Internal: messages of a child run."),
                      QStringLiteral("n")});
    parser.process(app);
    const int batch = std::max(1, parser.value(QStringLiteral("batch")).toInt());
    const int timeLimitMs = int(1000 * parser.value(QStringLiteral("time-limit")).toDouble());
    if (parser.isSet(QStringLiteral("child")))
        return runChild(parser.value(QStringLiteral("child")), parser.value(QStringLiteral("count")).toInt(), batch,
                        timeLimitMs);

    const bool quick = parser.isSet(QStringLiteral("quick"));
    const int small = quick ? 1000 : 10000;
    const int large = quick ? 5000 : 50000;
    BenchReport report(QStringLiteral("ui-ingest"));
    report.note(QStringLiteral("ChatWindow (offscreen, 1000x700) with its MessageModel/QListView/MessageDelegate; "
                               "messages generated on the fly and appended with MessageModel::appendMessages in "
                               "batches of %1, one batch per event-loop turn; stall = worst lateness of a 1 ms precise timer; total = until "
                               "20 ticks in a row are on time again; each run in its own process")
                    .arg(batch));
    report.note(QStringLiteral("each run is limited to %1 s; an unfinished run reports how many rows it showed, and "
                               "its total time is the limit").arg(timeLimitMs / 1000.0));
    report.note(QStringLiteral("baseline: plain QListView (uniform item sizes: the cheapest Qt list, no per-row layout) + "
                               "minimal string model, same batches, same process setup"));
    report.note(QStringLiteral("load average at start: %1").arg(loadAverage()));

    for (int count : {small, large}) {
        const QJsonObject plain = spawnChild(report, QStringLiteral("plain"), count, batch, timeLimitMs);
        const QJsonObject window = spawnChild(report, QStringLiteral("window"), count, batch, timeLimitMs);
        if (plain.isEmpty() || window.isEmpty())
            continue;
        const QString prefix = QStringLiteral("%1 msgs: ").arg(count);
        // A run that did not finish within the time limit is a result (how far it got), not an error.
        for (const QJsonObject &run : {plain, window}) {
            if (!run.value(QStringLiteral("completed")).toBool())
                report.check(prefix + run.value(QStringLiteral("variant")).toString()
                                 + QStringLiteral(": rows shown within the %1 s limit").arg(timeLimitMs / 1000.0),
                             run.value(QStringLiteral("rows")).toDouble(), QStringLiteral("rows"),
                             QStringLiteral("all %1").arg(count), false);
        }
        const double stall = window.value(QStringLiteral("stall_ms")).toDouble();
        const double rss = window.value(QStringLiteral("peak_rss_mib")).toDouble();
        if (count == small)
            report.compare(prefix + QStringLiteral("longest stall"), stall, QStringLiteral("ms"),
                           plain.value(QStringLiteral("stall_ms")).toDouble(), QStringLiteral("<= 50 ms"),
                           stall <= 50);
        else
            report.compare(prefix + QStringLiteral("longest stall"), stall, QStringLiteral("ms"),
                           plain.value(QStringLiteral("stall_ms")).toDouble());
        report.compare(prefix + QStringLiteral("total time"), window.value(QStringLiteral("total_ms")).toDouble(),
                       QStringLiteral("ms"), plain.value(QStringLiteral("total_ms")).toDouble());
        if (count == large)
            report.compare(prefix + QStringLiteral("peak RSS"), rss, QStringLiteral("MiB"),
                           plain.value(QStringLiteral("peak_rss_mib")).toDouble(), QStringLiteral("<= 150 MB"),
                           rss * 1.048576 <= 150);
        else
            report.compare(prefix + QStringLiteral("peak RSS"), rss, QStringLiteral("MiB"),
                           plain.value(QStringLiteral("peak_rss_mib")).toDouble());
        report.info(prefix + QStringLiteral("bench's own cost: making one batch, max"),
                    window.value(QStringLiteral("generate_batch_ms")).toDouble(), QStringLiteral("ms"));
        report.info(prefix + QStringLiteral("RSS before ingest"), window.value(QStringLiteral("rss_before_mib")).toDouble(),
                    QStringLiteral("MiB"));
    }
    return report.finish();
}
