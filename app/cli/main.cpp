// tether-cli: the connection engine from the command line (scripts, support staff, black-box tests).
#include "chatmode.h"
#include "clioptions.h"
#include "clisession.h"
#include "signalwatcher.h"

#include <QCoreApplication>
#include <QNetworkProxyFactory>
#include <QLoggingCategory>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tether-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TETHER_VERSION));

    Tether::CliOptions options;
    const Tether::CliOptions::Parsed parsed = options.parse(QCoreApplication::arguments());
    // Said even when the options fail later on: the user should know before fixing the rest.
    for (const QString &warning : options.warnings)
        std::fprintf(stderr, "tether-cli: %s\n", qPrintable(warning));
    switch (parsed.outcome) {
    case Tether::CliOptions::Outcome::Help:
    case Tether::CliOptions::Outcome::Version:
        std::fprintf(stdout, "%s\n", qPrintable(parsed.text));
        return 0;
    case Tether::CliOptions::Outcome::Error:
        std::fprintf(stderr, "tether-cli: %s\nTry 'tether-cli --help'.\n", qPrintable(parsed.text));
        return 2;
    case Tether::CliOptions::Outcome::Run:
        break;
    }
    // "system" means the system's proxy settings, for every socket that is left at DefaultProxy.
    QNetworkProxyFactory::setUseSystemConfiguration(true);

    if (!options.verbose)
        QLoggingCategory::setFilterRules(QStringLiteral("tether.*.info=false\ntether.*.debug=false"));

    // Ctrl-C / SIGTERM: a clean close (1000) instead of a dropped link; 128 + signal, as shells expect.
    Tether::SignalWatcher signalWatcher;

    if (options.chat.enabled) {
        Tether::ChatMode chat(options.connection, options.chat, options.json, options.flushTimeoutMs);
        QObject::connect(&chat, &Tether::ChatMode::finished, &app, &QCoreApplication::exit, Qt::QueuedConnection);
        QObject::connect(&signalWatcher, &Tether::SignalWatcher::received, &chat,
                         [&chat](int signalNumber) { chat.stop(128 + signalNumber); });
        chat.start();
        return app.exec();
    }

    Tether::CliSession session(options);
    QObject::connect(&session, &Tether::CliSession::finished, &app, &QCoreApplication::exit, Qt::QueuedConnection);
    QObject::connect(&signalWatcher, &Tether::SignalWatcher::received, &session,
                     [&session](int signalNumber) { session.stop(128 + signalNumber); });
    session.start();
    return app.exec();
}
