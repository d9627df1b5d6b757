// tether-server: the reference chat server as a command-line program (see docs/protocol.md).

#include "chatserver.h"
#include "keys.h"
#include "serverlog.h"
#include "serveroptions.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>
#include <QJsonObject>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {
int s_signalPipe[2] = { -1, -1 };

// Only async-signal-safe work here: the event loop reads the byte and does the rest.
void onSignal(int signal)
{
    const char byte = char(signal);
    [[maybe_unused]] const auto written = ::write(s_signalPipe[1], &byte, 1);
}

void printError(const QString &message)
{
    std::fprintf(stderr, "tether-server: %s\n", qPrintable(message));
    std::fflush(stderr);
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tether-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TETHER_VERSION));

    Tether::ServerOptions options;
    QString error;
    if (!Tether::ServerOptions::parse(QCoreApplication::arguments(), &options, &error)) {
        printError(error);
        std::fprintf(stderr, "Try 'tether-server --help'.\n");
        return 2;
    }
    Tether::ServerLog::install(options.logFormat);
    if (options.help) {
        std::fputs(qPrintable(Tether::ServerOptions::helpText()), stdout);
        return 0;
    }
    if (options.version) {
        std::printf("tether-server %s\n", TETHER_VERSION);
        return 0;
    }

    if (!options.addUser.isEmpty()) {
        std::string password;
        if (!std::getline(std::cin, password) || password.empty()) {
            printError(QStringLiteral("--add-user reads the password from stdin; got none"));
            return 1;
        }
        if (!password.empty() && password.back() == '\r')
            password.pop_back();
        Tether::ChatServer server(options.config);
        if (!server.addUser(options.addUser, QString::fromStdString(password), &error)) {
            printError(error);
            return 1;
        }
        std::fprintf(stderr, "tether-server: added user %s\n", qPrintable(options.addUser));
        return 0;
    }

    if (!options.addConversation.isEmpty()) {
        Tether::ChatServer server(options.config);
        if (!server.addConversation(options.addConversation, options.conversationTitle, options.publicConversation, &error)) {
            printError(error);
            return 1;
        }
        std::fprintf(stderr, "tether-server: conversation %s is %s\n", qPrintable(options.addConversation),
                     options.publicConversation ? "public" : "private");
        return 0;
    }

    // Every connection is a descriptor: use what the hard limit allows (--max-connections
    // defaults to the soft limit minus a reserve).
    rlimit files{};
    if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &files);
    }

    Tether::ChatServer server(options.config);
    if (!server.start(&error)) {
        printError(error);
        return 1;
    }

    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, s_signalPipe) != 0) {
        printError(QStringLiteral("cannot install signal handlers"));
        return 1;
    }
    QSocketNotifier notifier(s_signalPipe[0], QSocketNotifier::Read);
    int signalsSeen = 0;
    QObject::connect(&notifier, &QSocketNotifier::activated, &app, [&] {
        char byte = 0;
        [[maybe_unused]] const auto got = ::read(s_signalPipe[0], &byte, 1);
        if (++signalsSeen > 1) {
            printError(QStringLiteral("second signal: exiting without waiting for clients"));
            QCoreApplication::exit(1);
            return;
        }
        server.shutdown();
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGTERM, &action, nullptr);
    ::sigaction(SIGINT, &action, nullptr);
    QObject::connect(&server, &Tether::ChatServer::finished, &app, [] { QCoreApplication::exit(0); });

    // The one stdout line scripts and tests wait for (field order as documented, so not QJsonObject's).
    auto quoted = [](const QString &value) {
        return QJsonDocument(QJsonArray{ value }).toJson(QJsonDocument::Compact).mid(1).chopped(1);
    };
    namespace Key = Tether::Protocol::Key;
    const QByteArray line = '{' + quoted(Key::Event) + ':' + quoted(Tether::Protocol::Value::Listening) + ','
            + quoted(Key::Ws) + ':' + quoted(server.webSocketUrl().toString()) + ','
            + quoted(Key::Http) + ':' + quoted(server.httpUrl().toString()) + "}\n";
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);

    return app.exec();
}
