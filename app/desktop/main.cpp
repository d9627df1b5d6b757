// tether: the desktop chat app. `tether --diagnose URL` runs the connection checks headless and
// prints them with a support report; it exits 1 when a check fails.

#include "desktopcontroller.h"
#include "diagnosticsreport.h"
#include "diagnosticsrunner.h"
#include "language.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QTextStream>

#include <cstdio>
#include <cstring>

using namespace Tether;

namespace {

struct Options
{
    QCommandLineOption server{QStringLiteral("server"),
                              QCoreApplication::translate("main", "Connect to the server at <url> (ws:// or wss://)."),
                              QStringLiteral("url")};
    QCommandLineOption lang{QStringLiteral("lang"), QCoreApplication::translate("main", "User interface language: en or ru."),
                            QStringLiteral("code")};
    QCommandLineOption local{QStringLiteral("local"),
                             QCoreApplication::translate("main", "Use the built-in local server (guests and the echo bot).")};
    QCommandLineOption diagnose{QStringLiteral("diagnose"),
                                QCoreApplication::translate("main", "Check the connection to <url>, print a report and exit "
                                                                    "(exit code 1 if a check fails)."),
                                QStringLiteral("url")};
};

void setupParser(QCommandLineParser &parser, Options &o)
{
    parser.setApplicationDescription(QCoreApplication::translate("main", "Tether: a chat whose connection survives anything."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(o.server);
    parser.addOption(o.lang);
    parser.addOption(o.local);
    parser.addOption(o.diagnose);
}

// --lang applies before the parser exists, so --help is already in the chosen language.
QString languageFromArguments(const QStringList &args)
{
    for (int i = 1; i < args.size(); ++i) {
        const QString &arg = args.at(i);
        if ((arg == QLatin1String("--lang") || arg == QLatin1String("-lang")) && i + 1 < args.size())
            return args.at(i + 1);
        if (arg.startsWith(QLatin1String("--lang=")))
            return arg.mid(7);
    }
    return QString();
}

void setIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("Tether"));
    QCoreApplication::setApplicationName(QStringLiteral("tether"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TETHER_VERSION));
}

// Arguments no run could use are refused before any application object exists, so a script
// gets a message and exit code 2 even where there is no display.
QString argumentError(const QStringList &args)
{
    QCommandLineParser parser;
    Options o;
    setupParser(parser, o);
    if (!parser.parse(args))
        return parser.errorText();
    if (!parser.positionalArguments().isEmpty())
        return QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().constFirst());
    const QString lang = parser.value(o.lang);
    if (!lang.isEmpty() && !Language::available().contains(lang))
        return QStringLiteral("unknown language '%1' (use en or ru)").arg(lang);
    for (const QCommandLineOption *option : {&o.server, &o.diagnose}) {
        if (!parser.isSet(*option))
            continue;
        const QUrl url(parser.value(*option));
        // Only the scheme is echoed: the URL may carry a token.
        if (!url.isValid() || (url.scheme() != QLatin1String("ws") && url.scheme() != QLatin1String("wss"))
            || url.host().isEmpty())
            return QStringLiteral("--%1 needs a ws:// or wss:// URL with a host (got %2)")
                    .arg(option->names().constFirst(),
                         url.scheme().isEmpty() ? QStringLiteral("no scheme") : QStringLiteral("scheme '%1'").arg(url.scheme()));
    }
    return QString();
}

int runDiagnose(QCoreApplication &app)
{
    const QString lang = languageFromArguments(app.arguments());
    Language::apply(lang.isEmpty() ? Language::systemDefault() : lang);
    QCommandLineParser parser;
    Options o;
    setupParser(parser, o);
    parser.process(app);
    // stdout carries the report; keep stderr for real problems.
    QLoggingCategory::setFilterRules(QStringLiteral("tether.*.info=false"));
    const QUrl url(parser.value(o.diagnose));
    QTextStream out(stdout);
    DiagnosticsRunner runner;
    QObject::connect(&runner, &DiagnosticsRunner::checkFinished, &app, [&out](const DiagnosticCheck &c) {
        const QString mark = c.status == DiagnosticCheck::Status::Passed ? QStringLiteral("PASS")
            : c.status == DiagnosticCheck::Status::Failed                ? QStringLiteral("FAIL")
                                                                         : QStringLiteral("SKIP");
        const QString time = c.elapsedMs >= 0 ? QStringLiteral("%1 ms").arg(c.elapsedMs) : QStringLiteral("–");
        out << QStringLiteral("[%1] %2 (%3): %4").arg(mark, c.title, time, c.detail) << '\n';
        if (!c.hint.isEmpty())
            out << QStringLiteral("       ") << c.hint << '\n';
        out.flush();
    });
    QObject::connect(&runner, &DiagnosticsRunner::finished, &app, [&] {
        DiagnosticsReport report;
        report.setChecks(url, runner.results());
        out << '\n' << report.toReport() << '\n';
        out.flush();
        app.exit(runner.allPassed() ? 0 : 1);
    });
    runner.start(url);
    return app.exec();
}

} // namespace

int main(int argc, char *argv[])
{
    setIdentity();
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    if (const QString error = argumentError(args); !error.isEmpty()) {
        std::fprintf(stderr, "tether: %s\nTry 'tether --help'.\n", qPrintable(error));
        return 2;
    }
    // --diagnose, --help and --version need no display: support scripts run them over SSH.
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(argv[i], "--diagnose", 10) == 0 || std::strncmp(argv[i], "-diagnose", 9) == 0) {
            QCoreApplication app(argc, argv);
            return runDiagnose(app);
        }
    }
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        if (!std::strcmp(a, "-h") || !std::strcmp(a, "--help") || !std::strcmp(a, "--help-all")
            || !std::strcmp(a, "-v") || !std::strcmp(a, "--version")) {
            QCoreApplication app(argc, argv);
            const QString lang = languageFromArguments(app.arguments());
            Language::apply(lang.isEmpty() ? Language::systemDefault() : lang);
            QCommandLineParser parser;
            Options o;
            setupParser(parser, o);
            parser.process(app); // prints and exits
            return 0;
        }
    }

    QApplication app(argc, argv);
    app.setWindowIcon(QIcon(QStringLiteral(":/tether.svg")));
    app.setDesktopFileName(QStringLiteral("org.tether.Tether"));
    if (const QString lang = languageFromArguments(app.arguments()); !lang.isEmpty())
        Language::apply(lang);
    QCommandLineParser parser;
    Options o;
    setupParser(parser, o);
    parser.process(app);

    LaunchOptions options;
    options.server = parser.value(o.server);
    options.language = parser.value(o.lang);
    options.local = parser.isSet(o.local);

    DesktopController controller(options);
    QString error;
    if (!controller.start(&error)) {
        QMessageBox::critical(nullptr, QCoreApplication::translate("main", "Tether"), error);
        return 1;
    }
    return app.exec();
}
