// tether: the desktop chat app. `tether --diagnose URL` runs the connection checks headless, shows
// their progress on stderr in the interface language and prints the support report (English) on
// stdout, with a JSON attachment under --json; it exits 1 when a check fails. One window per profile: a
// second launch brings the running one to the front (`--profile NAME` runs another side by side).

#include "bilingualtranslator.h"
#include "chatwindow.h"
#include "desktopcontroller.h"
#include "diagnosticsreport.h"
#include "diagnosticsrunner.h"
#include "language.h"
#include "singleinstance.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QRegularExpression>
#include <QStandardPaths>
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
    QCommandLineOption profile{QStringLiteral("profile"),
                               QCoreApplication::translate("main", "Use the profile <name>: its own settings, messages "
                                                                   "and window, beside other profiles."),
                               QStringLiteral("name")};
    QCommandLineOption diagnose{QStringLiteral("diagnose"),
                                QCoreApplication::translate("main", "Check the connection to <url>, print a report and exit "
                                                                    "(exit code 1 if a check fails)."),
                                QStringLiteral("url")};
    QCommandLineOption json{QStringLiteral("json"),
                            QCoreApplication::translate("main", "With --diagnose: attach the report's data as JSON.")};
};

void setupParser(QCommandLineParser &parser, Options &o)
{
    parser.setApplicationDescription(QCoreApplication::translate("main", "Tether: a chat whose connection survives anything."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(o.server);
    parser.addOption(o.lang);
    parser.addOption(o.local);
    parser.addOption(o.profile);
    parser.addOption(o.diagnose);
    parser.addOption(o.json);
}

// The value of --name before the parser exists: --lang so that --help is already in the chosen
// language, --profile so that settings and data paths are the profile's from the start.
QString optionFromArguments(const QStringList &args, const QString &name)
{
    const QString dashed = QStringLiteral("--") + name;
    for (int i = 1; i < args.size(); ++i) {
        const QString &arg = args.at(i);
        if ((arg == dashed || arg == dashed.mid(1)) && i + 1 < args.size())
            return args.at(i + 1);
        if (arg.startsWith(dashed + QLatin1Char('=')))
            return arg.mid(dashed.size() + 1);
    }
    return QString();
}

QString languageFromArguments(const QStringList &args)
{
    return optionFromArguments(args, QStringLiteral("lang"));
}

bool validProfileName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_-]{1,40}$"));
    return re.match(name).hasMatch();
}

// A profile is an application name of its own: QSettings and QStandardPaths then give it its own
// settings file and data folder (messages, the built-in server's database, the instance lock).
void setIdentity(const QString &profile = QString())
{
    QCoreApplication::setOrganizationName(QStringLiteral("Tether"));
    QCoreApplication::setApplicationName(profile.isEmpty() ? QStringLiteral("tether")
                                                           : QStringLiteral("tether-") + profile);
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
    if (parser.isSet(o.profile) && !validProfileName(parser.value(o.profile)))
        return QStringLiteral("--profile needs a name of letters, digits, _ or - (at most 40)");
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
    const bool withJson = parser.isSet(o.json);
    // Progress for the person at the terminal, in their language; the report for support, once, in English.
    QTextStream progress(stderr);
    QTextStream out(stdout);
    DiagnosticsRunner runner;
    QObject::connect(&runner, &DiagnosticsRunner::checkFinished, &app, [&progress](const DiagnosticCheck &c) {
        using W = DiagnosticsReport::Words;
        const QString mark = c.status == DiagnosticCheck::Status::Passed ? QStringLiteral("PASS")
            : c.status == DiagnosticCheck::Status::Failed                ? QStringLiteral("FAIL")
                                                                         : QStringLiteral("SKIP");
        const QString time = c.elapsedMs >= 0 ? QStringLiteral("%1 ms").arg(c.elapsedMs) : QStringLiteral("–");
        progress << QStringLiteral("[%1] %2 (%3): %4")
                        .arg(mark, DiagnosticsReport::checkTitle(c.id, W::Translated), time,
                             DiagnosticsReport::textIn(c.detail, W::Translated))
                 << '\n';
        progress.flush();
    });
    QObject::connect(&runner, &DiagnosticsRunner::finished, &app, [&] {
        BilingualTranslator::endRun();
        DiagnosticsReport report;
        report.setChecks(url, runner.results());
        out << report.toReport(withJson) << '\n';
        out.flush();
        app.exit(runner.allPassed() ? 0 : 1);
    });
    BilingualTranslator::beginRun(); // the checks' words in English too, for the report
    runner.start(url);
    return app.exec();
}

} // namespace

int main(int argc, char *argv[])
{
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    setIdentity();
    if (const QString error = argumentError(args); !error.isEmpty()) {
        std::fprintf(stderr, "tether: %s\nTry 'tether --help'.\n", qPrintable(error));
        return 2;
    }
    setIdentity(optionFromArguments(args, QStringLiteral("profile")));
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
    options.profile = parser.value(o.profile);

    // One process per profile: a second one would start a second built-in server on one database.
    SingleInstance instance(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation));
    if (instance.start() == SingleInstance::Role::Secondary) {
        const QString error = instance.errorString();
        std::fprintf(stderr, "tether: %s\n",
                     error.isEmpty() ? "already running for this profile; its window was brought to the front"
                                     : qPrintable(error));
        return 0;
    }

    DesktopController controller(options);
    QString error;
    if (!controller.start(&error)) {
        QMessageBox box(QMessageBox::Critical, QCoreApplication::translate("main", "Tether"), error);
        box.setDetailedText(controller.errorDetail());
        box.exec();
        return 1;
    }
    QObject::connect(&instance, &SingleInstance::activationRequested, &controller, [&controller] {
        if (ChatWindow *window = controller.window()) {
            window->showNormal();
            window->raise();
            window->activateWindow();
        }
    });
    return app.exec();
}
