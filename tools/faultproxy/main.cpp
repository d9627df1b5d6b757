// tether-faultproxy: a TCP fault-injection proxy for manual testing. Prints one JSON line when
// listening, then reads mode commands from stdin, one per line, answering each with a JSON line.

#include "faultproxy.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>

#include <cstdio>
#include <unistd.h>

using Tether::FaultProxy;

namespace {

void printJson(const QJsonObject &object)
{
    const QByteArray line = QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);
}

bool parseHostPort(const QString &text, QString *host, quint16 *port)
{
    const int colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return false;
    bool ok = false;
    const uint value = text.mid(colon + 1).toUInt(&ok);
    if (!ok || value > 65535)
        return false;
    *host = text.left(colon);
    if (host->startsWith(QLatin1Char('[')) && host->endsWith(QLatin1Char(']')))
        *host = host->mid(1, host->size() - 2);
    *port = quint16(value);
    return true;
}

int usageError(const QString &message)
{
    std::fprintf(stderr, "tether-faultproxy: %s\nTry --help.\n", qPrintable(message));
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tether-faultproxy"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TETHER_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "TCP proxy that injects faults between a client and a server.\n"
        "Commands on stdin (one per line): pass | delay MS | drop | blackhole | refuse | throttle BYTES_PER_S"
        " | status | quit"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption listenOption(QStringLiteral("listen"), QStringLiteral("Where to listen (default 127.0.0.1:0)."),
                                    QStringLiteral("HOST:PORT"), QStringLiteral("127.0.0.1:0"));
    QCommandLineOption upstreamOption(QStringLiteral("upstream"), QStringLiteral("Where to forward to (required)."),
                                      QStringLiteral("HOST:PORT"));
    QCommandLineOption modeOption(QStringLiteral("mode"), QStringLiteral("Initial mode command, e.g. \"delay 200\"."),
                                  QStringLiteral("COMMAND"), QStringLiteral("pass"));
    parser.addOptions({listenOption, upstreamOption, modeOption});
    if (!parser.parse(QCoreApplication::arguments()))
        return usageError(parser.errorText());
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(0);
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion();
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));

    QString listenHost;
    quint16 listenPort = 0;
    if (!parseHostPort(parser.value(listenOption), &listenHost, &listenPort))
        return usageError(QStringLiteral("bad --listen '%1' (want HOST:PORT)").arg(parser.value(listenOption)));
    const QHostAddress listenAddress(listenHost);
    if (listenAddress.isNull())
        return usageError(QStringLiteral("--listen needs an IP address, got '%1'").arg(listenHost));
    if (!parser.isSet(upstreamOption))
        return usageError(QStringLiteral("--upstream HOST:PORT is required"));
    QString upstreamHost;
    quint16 upstreamPort = 0;
    if (!parseHostPort(parser.value(upstreamOption), &upstreamHost, &upstreamPort) || upstreamPort == 0)
        return usageError(QStringLiteral("bad --upstream '%1' (want HOST:PORT)").arg(parser.value(upstreamOption)));

    FaultProxy proxy;
    proxy.setUpstream(upstreamHost, upstreamPort);

    FaultProxy::Mode mode = FaultProxy::Mode::Pass;
    int param = 0;
    QString error;
    if (!FaultProxy::parseCommand(parser.value(modeOption), &mode, &param, &error))
        return usageError(QStringLiteral("--mode: %1").arg(error));
    proxy.setMode(mode, param);

    if (!proxy.listen(listenAddress, listenPort, &error)) {
        std::fprintf(stderr, "tether-faultproxy: %s\n", qPrintable(error));
        return 1;
    }

    auto status = [&proxy](const QString &event) {
        printJson({{QStringLiteral("event"), event},
                   {QStringLiteral("mode"), FaultProxy::modeName(proxy.mode())},
                   {QStringLiteral("param"), proxy.param()},
                   {QStringLiteral("connections"), proxy.connectionCount()},
                   {QStringLiteral("accepted"), proxy.acceptedCount()},
                   {QStringLiteral("dropped"), proxy.droppedCount()}});
    };

    printJson({{QStringLiteral("event"), QStringLiteral("listening")},
               {QStringLiteral("host"), proxy.address().toString()},
               {QStringLiteral("port"), int(proxy.port())},
               {QStringLiteral("upstream"), QStringLiteral("%1:%2").arg(upstreamHost).arg(upstreamPort)},
               {QStringLiteral("mode"), FaultProxy::modeName(proxy.mode())}});

    QSocketNotifier stdinNotifier(STDIN_FILENO, QSocketNotifier::Read);
    QByteArray pending;
    QObject::connect(&stdinNotifier, &QSocketNotifier::activated, &app, [&] {
        char buffer[4096];
        const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof(buffer));
        if (n <= 0) {
            // EOF: keep proxying; the process ends on SIGINT/SIGTERM or "quit".
            stdinNotifier.setEnabled(false);
            return;
        }
        pending.append(buffer, int(n));
        int newline;
        while ((newline = pending.indexOf('\n')) >= 0) {
            const QString line = QString::fromUtf8(pending.left(newline)).trimmed();
            pending.remove(0, newline + 1);
            if (line.isEmpty())
                continue;
            if (line == QLatin1String("quit")) {
                app.quit();
                return;
            }
            if (line == QLatin1String("status")) {
                status(QStringLiteral("status"));
                continue;
            }
            QString message;
            FaultProxy::Mode m;
            int p = 0;
            if (!FaultProxy::parseCommand(line, &m, &p, &message) || !proxy.setMode(m, p, &message)) {
                printJson({{QStringLiteral("event"), QStringLiteral("error")}, {QStringLiteral("message"), message}});
                continue;
            }
            status(QStringLiteral("mode"));
        }
    });

    return app.exec();
}
