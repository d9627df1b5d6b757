// tether-screenshots: renders the main window in every connection story (connected, connection
// lost, an attempt in progress, not a Tether server, server restarting, …), the diagnostics dialog
// (real checks against an in-process server, and its report) and the sign-in and settings dialogs,
// in English and Russian, to PNG files. Run by scripts/screenshots; works on the offscreen platform.

#include "chatserver.h"
#include "chatsession.h"
#include "chatwindow.h"
#include "connectionbanner.h"
#include "connectionmanager.h"
#include "connectionpresentation.h"
#include "conversationmodel.h"
#include "diagnosticsdialog.h"
#include "diagnosticsrunner.h"
#include "language.h"
#include "messagemodel.h"
#include "settingsdialog.h"
#include "signindialog.h"
#include "statusindicator.h"
#include "trustcertificatedialog.h"

#include <QListView>

#include <QApplication>
#include <QDir>
#include <QEventLoop>
#include <QLabel>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>
#include <functional>

using namespace Tether;

namespace {

QString outDir;

void save(QWidget *widget, const QString &name)
{
    QApplication::processEvents();
    if (auto *window = qobject_cast<ChatWindow *>(widget)) {
        window->messageView()->scrollToBottom();
        QApplication::processEvents();
    }
    const QString path = outDir + QLatin1Char('/') + name + QStringLiteral(".png");
    if (!widget->grab().save(path))
        std::fprintf(stderr, "could not write %s\n", qPrintable(path));
    else
        std::printf("%s\n", qPrintable(path));
}

void wait(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

ChatMessage message(const QString &id, const QString &from, const QString &text, int minutesAgo,
                    ChatMessage::Delivery delivery, bool outgoing, const QString &error = QString())
{
    ChatMessage m;
    m.id = id;
    m.conversation = QStringLiteral("lobby");
    m.from = from;
    m.text = text;
    m.timestamp = QDateTime::currentDateTime().addSecs(-60 * minutesAgo);
    m.delivery = delivery;
    m.outgoing = outgoing;
    m.errorCode = error;
    return m;
}

void fillSample(ChatWindow &window, bool ru)
{
    using D = ChatMessage::Delivery;
    window.conversationModel()->setConversations({
        {QStringLiteral("lobby"), ru ? QStringLiteral("Общий") : QStringLiteral("Lobby"), 6, 0},
        {QStringLiteral("echo"), ru ? QStringLiteral("Эхо") : QStringLiteral("Echo"), 2, 2},
        {QStringLiteral("team"), ru ? QStringLiteral("Команда") : QStringLiteral("Team"), 40, 14},
    });
    window.selectConversation(QStringLiteral("lobby"));
    auto t = [ru](const char *en, const char *r) { return ru ? QString::fromUtf8(r) : QString::fromUtf8(en); };
    window.messageModel()->resetMessages({
        message(QStringLiteral("1"), QStringLiteral("alice"), t("Morning! Is the build green?", "Доброе утро! Сборка зелёная?"), 42, D::Received, false),
        message(QStringLiteral("2"), QStringLiteral("bob"), t("Yes, every test passes, even under ASan.", "Да, все тесты проходят, даже под ASan."), 40, D::Received, false),
        message(QStringLiteral("3"), QStringLiteral("bob"), t("Release notes are in the wiki.", "Заметки к выпуску уже в вики."), 39, D::Received, false),
        message(QStringLiteral("4"), QStringLiteral("carol"), t("Great, I'll tag the release after lunch.", "Отлично, после обеда поставлю тег выпуска."), 12, D::Sent, true),
        message(QStringLiteral("5"), QStringLiteral("carol"), t("Screenshots are attached to the ticket.", "Скриншоты приложила к задаче."), 2, D::Sending, true),
        message(QStringLiteral("6"), QStringLiteral("carol"), t("Written on the train, sent when we are back online.", "Написала в поезде — отправится, когда связь вернётся."), 1, D::Queued, true),
        message(QStringLiteral("7"), QStringLiteral("carol"), t("This one was refused by the server.", "А это сервер не принял."), 1, D::Failed, true, QStringLiteral("rate_limited")),
    });
    window.setUserName(QStringLiteral("carol"));
    window.setOutboxCount(3);
    window.showTyping(QStringLiteral("lobby"), QStringLiteral("alice"));
}

void renderMainWindow(const QString &lang)
{
    const bool ru = lang == QLatin1String("ru");
    ChatWindow window;
    fillSample(window, ru);
    ConnectionPresentation *p = window.presentation();
    StatusTiming immediate;
    immediate.blipMs = 0;
    immediate.launchGraceMs = 0;
    immediate.restoredMs = 60000;
    p->setTiming(immediate);
    ConnectionStats stats;
    stats.lastCloseCode = 1006;
    stats.rttLastMs = 42;
    p->setDetails(QUrl(QStringLiteral("wss://chat.example.com/ws")), stats);
    window.resize(960, 620);
    window.show();

    using C = StatusLogic::Cause;
    auto lost = [p] {
        p->setState(ConnectionState::Connected);
        p->linkDead();
        p->closed(1006);
    };
    struct Shot { const char *name; std::function<void()> story; };
    const Shot shots[] = {
        {"connected", [p] { p->setState(ConnectionState::Connected); }},
        {"connection-lost", [p, lost] { lost(); p->scheduleRetry(3, 7000); p->setState(ConnectionState::Reconnecting, 3); }},
        {"attempt", [p, lost] { lost(); p->attemptFailed(C::NoAnswer); p->setState(ConnectionState::Connecting, 3); }},
        {"not-tether-server", [p] { p->setState(ConnectionState::Connecting, 1); p->attemptFailed(C::HttpStatus, 404);
                                   p->scheduleRetry(2, 14000); p->setState(ConnectionState::Reconnecting, 2); }},
        {"server-restarting", [p] { p->setState(ConnectionState::Connected); p->closed(1012, 4000);
                                   p->scheduleRetry(1, 4000); p->setState(ConnectionState::Reconnecting, 1); }},
        {"waiting-for-network", [p] { p->setState(ConnectionState::WaitingForNetwork); }},
        {"session-expired", [p] { p->setState(ConnectionState::SignedOut); }},
        {"failed", [p] { p->attemptFailed(C::HostNotFound); p->setState(ConnectionState::Failed, 5); }},
    };
    for (const Shot &s : shots) {
        p->setState(ConnectionState::Disconnected);
        s.story();
        if (QLatin1String(s.name) == QLatin1String("attempt"))
            wait(2100); // the attempt shows how long it has been running
        save(&window, QStringLiteral("main-%1-%2").arg(QLatin1String(s.name), lang));
    }
    // "Connected" shown briefly after an outage the user saw.
    p->setState(ConnectionState::Disconnected);
    lost();
    p->scheduleRetry(3, 7000);
    p->setState(ConnectionState::Reconnecting, 3);
    p->setState(ConnectionState::Connected);
    save(&window, QStringLiteral("main-restored-%1").arg(lang));

    // A hostile world: an unencrypted server on another host, a replaced local store, and a title
    // with HTML in it (shown as typed).
    ConnectionConfig insecureConfig;
    insecureConfig.url = QUrl(QStringLiteral("ws://chat.example.com/ws"));
    ConnectionManager insecure(insecureConfig);
    window.setConnection(&insecure);
    window.showStoreRecovered(QStringLiteral("/home/carol/.local/share/Tether/chat.sqlite.corrupt-20261130-120000"), 2);
    p->setState(ConnectionState::Connected);
    save(&window, QStringLiteral("main-hostile-%1").arg(lang));
    window.showStoreRecovered(QString(), 0);
    window.setConnection(nullptr);

    TrustCertificateDialog trust(QStringLiteral("chat.example.com"), QStringLiteral("3F:A2:").repeated(15)
                                                                      + QStringLiteral("9C:01"));
    trust.show();
    save(&trust, QStringLiteral("trust-certificate-%1").arg(lang));
}

void renderDialogs(const QString &lang, ChatServer &server)
{
    ConnectionConfig config;
    config.url = server.webSocketUrl();
    config.heartbeatIntervalMs = 500;
    ConnectionManager connection(config);
    connection.open();
    {
        QEventLoop loop;
        QObject::connect(&connection, &ConnectionManager::connected, &loop, &QEventLoop::quit);
        QTimer::singleShot(5000, &loop, &QEventLoop::quit);
        loop.exec();
    }
    wait(1700); // a few heartbeats for the round-trip figures

    DiagnosticsDialog dialog;
    dialog.setConnection(&connection);
    dialog.setProxyMode(QStringLiteral("system"));
    dialog.setCheckUrl(server.webSocketUrl());
    dialog.setAccount(true, QStringLiteral("carol"));
    dialog.show();
    QEventLoop loop;
    QObject::connect(dialog.runner(), &DiagnosticsRunner::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    dialog.runChecks();
    loop.exec();
    dialog.refreshLive();
    auto *tabs = dialog.findChild<QTabWidget *>();
    const char *names[] = {"live", "checks", "events", "environment", "report"};
    for (int i = 0; tabs && i < tabs->count(); ++i) {
        tabs->setCurrentIndex(i);
        save(&dialog, QStringLiteral("diagnostics-%1-%2").arg(QLatin1String(names[i]), lang));
    }
    connection.close();

    SignInDialog signIn;
    signIn.setBuiltInServer(true);
    signIn.setServerUrl(QUrl(QStringLiteral("ws://127.0.0.1:40321/ws")));
    signIn.setUserName(QStringLiteral("carol"));
    signIn.setKeychainNote(false, QStringLiteral("no Secret Service on D-Bus"));
    signIn.show();
    save(&signIn, QStringLiteral("signin-%1").arg(lang));

    SettingsDialog settings;
    AppSettings s;
    s.language = lang;
    s.serverUrl = QStringLiteral("wss://chat.example.com/ws");
    s.fallbackServers = {QStringLiteral("wss://chat-eu.example.com/ws"), QStringLiteral("wss://chat-us.example.com/ws")};
    settings.setSettings(s);
    settings.setServerInUse(QStringLiteral("wss://chat.example.com/ws"));
    settings.show();
    auto *settingsTabs = settings.findChild<QTabWidget *>();
    const char *settingsNames[] = {"general", "server", "proxy", "advanced"};
    for (int i = 0; settingsTabs && i < settingsTabs->count(); ++i) {
        settingsTabs->setCurrentIndex(i);
        save(&settings, QStringLiteral("settings-%1-%2").arg(QLatin1String(settingsNames[i]), lang));
    }
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    outDir = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral("shots");
    QDir().mkpath(outDir);

    QTemporaryDir dir;
    ServerConfig config;
    config.databasePath = dir.filePath(QStringLiteral("server.sqlite"));
    config.allowGuests = true;
    config.demo = true;
    ChatServer server(config);
    QString error;
    if (!server.start(&error)) {
        std::fprintf(stderr, "tether-screenshots: server: %s\n", qPrintable(error));
        return 1;
    }
    for (const QString &lang : {QStringLiteral("en"), QStringLiteral("ru")}) {
        Language::apply(lang);
        renderMainWindow(lang);
        renderDialogs(lang, server);
    }
    return 0;
}
