#include "desktopcontroller.h"

#include "tlstrust.h"
#include "trustcertificatedialog.h"

#include "authclient.h"
#include "chatserver.h"
#include "chatsession.h"
#include "chatwindow.h"
#include "connectionmanager.h"
#include "credentialstore.h"
#include "diagnosticsdialog.h"
#include "language.h"
#include "settingsdialog.h"
#include "signindialog.h"
#include "traynotifier.h"

#include <QCryptographicHash>
#include <QDir>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>

Q_LOGGING_CATEGORY(lcApp, "tether.app")

namespace Tether {

DesktopController::DesktopController(const LaunchOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_credentials(new CredentialStore(QStringLiteral("org.tether.Tether"), this))
{
}

DesktopController::~DesktopController()
{
    if (m_diagnostics)
        delete m_diagnostics;
    m_window.reset();
    m_session.reset();
    m_connection.reset();
    m_embedded.reset();
}

bool DesktopController::start(QString *errorMessage)
{
    QSettings settings;
    m_settings = AppSettings::load(settings);
    Language::apply(!m_options.language.isEmpty() ? m_options.language
                    : !m_settings.language.isEmpty() ? m_settings.language
                                                     : Language::systemDefault());
    m_settings.applyProxy();

    const bool useLocal = m_options.local || (m_options.server.isEmpty() && m_settings.servers().isEmpty());
    m_serverOverride = m_options.local || !m_options.server.isEmpty();
    if (useLocal) {
        if (!startEmbeddedServer(errorMessage))
            return false;
        m_rotation.setServers({m_embedded->webSocketUrl().toString()}, 1);
    } else if (!m_options.server.isEmpty()) {
        m_rotation.setServers({m_options.server}, m_settings.failuresBeforeFallback);
    } else {
        m_rotation.setServers(m_settings.servers(), m_settings.failuresBeforeFallback);
    }
    m_userName = useLocal ? QString() : m_settings.userName;

    ConnectionConfig config = m_settings.applyTo(ConnectionConfig());
    config.url = currentServerUrl();
    m_connection = std::make_unique<ConnectionManager>(config);
    connect(m_connection.get(), &ConnectionManager::reconnectScheduled, this, [this](int attempt) {
        if (m_rotation.attemptFailed(attempt)) {
            ConnectionConfig c = m_connection->config();
            c.url = currentServerUrl();
            qCInfo(lcApp).noquote() << "switching to the next server:" << m_connection->displayUrl().toString();
            m_connection->setConfig(c);
        }
    });
    connect(m_connection.get(), &ConnectionManager::connected, this, [this] { m_rotation.connected(); });
    connect(m_connection.get(), &ConnectionManager::errorOccurred, this,
            [this](ConnectionManager::Error, const QString &message) { offerToTrust(message); });
    connect(m_connection.get(), &ConnectionManager::tokenRefreshed, this, [this] {
        // Refresh tokens rotate: keep the newest one, or the next launch cannot sign in.
        if (!m_userName.isEmpty())
            m_credentials->writeToken(tokenKey(), m_connection->credentials().refreshToken);
    });

    m_window = std::make_unique<ChatWindow>();
    m_window->setConnection(m_connection.get());
    connect(m_window.get(), &ChatWindow::signInRequested, this, &DesktopController::showSignIn);
    connect(m_window.get(), &ChatWindow::signOutRequested, this, &DesktopController::signOut);
    connect(m_window.get(), &ChatWindow::settingsRequested, this, &DesktopController::showSettings);
    connect(m_window.get(), &ChatWindow::diagnosticsRequested, this, &DesktopController::showDiagnostics);
    m_tray = new TrayNotifier(m_window.get(), this);
    m_tray->setConnection(m_connection.get());
    // The tray says what the status bar and the banner say: all three read one presentation.
    m_tray->setPresentation(m_window->presentation());

    rebuildSession();
    m_window->show();
    // Learn early whether tokens can be kept, so the sign-in dialog tells the truth.
    QPointer<DesktopController> self(this);
    m_credentials->probe([self] {
        if (self)
            self->restoreSignIn();
    });
    return true;
}

bool DesktopController::startEmbeddedServer(QString *errorMessage)
{
    ServerConfig config;
    config.allowGuests = true;
    config.demo = true;
    // On one's own computer anyone may create an account: "Sign in" must be able to succeed here.
    config.openRegistration = true;
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    config.databasePath = dir + QStringLiteral("/local-server.sqlite");
    m_embedded = std::make_unique<ChatServer>(config);
    QString error;
    if (!m_embedded->start(&error)) {
        // The server's own words are technical English: they go to the log and the details.
        qCWarning(lcApp).noquote() << "embedded server:" << error;
        m_errorDetail = error;
        if (errorMessage)
            *errorMessage = tr("The built-in local server could not start, so Tether cannot chat on this computer "
                               "without a server address. Set one in Settings ▸ Server.");
        m_embedded.reset();
        return false;
    }
    qCInfo(lcApp).noquote() << "embedded server on" << m_embedded->webSocketUrl().toString();
    return true;
}

QUrl DesktopController::currentServerUrl() const
{
    return QUrl::fromUserInput(m_rotation.current());
}

QString DesktopController::tokenKey() const
{
    // The service's key, not the server in use: a fallback replica shares the primary's account.
    return CredentialStore::key(AuthClient::httpBaseFor(QUrl::fromUserInput(m_rotation.service())).toString(), m_userName);
}

QString DesktopController::identityKey() const
{
    const QString server = m_embedded ? QStringLiteral("local") : m_rotation.service();
    return QString::fromLatin1(QCryptographicHash::hash((server + QLatin1Char('|') + m_userName).toUtf8(),
                                                        QCryptographicHash::Sha1).toHex().left(16));
}

void DesktopController::rebuildSession()
{
    m_window->setSession(nullptr);
    if (m_diagnostics)
        m_diagnostics->setSession(nullptr);
    m_session.reset();
    ChatSessionConfig config;
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    config.databasePath = dir + QStringLiteral("/chat-") + identityKey() + QStringLiteral(".sqlite");
    m_session = std::make_unique<ChatSession>(m_connection.get(), config);
    QString error;
    if (!m_session->open(&error)) {
        qCWarning(lcApp).noquote() << "message store:" << error;
        QMessageBox box(QMessageBox::Warning, tr("Tether"),
                        tr("The local message store could not be opened. Messages will not be kept on this "
                           "computer until this is fixed."),
                        QMessageBox::Ok, m_window.get());
        box.setDetailedText(error);
        box.exec();
    }
    m_window->setSession(m_session.get());
    m_window->showStoreRecovered(m_session->storeRecovery().movedTo, m_session->storeRecovery().salvagedOutbox);
    m_window->setUserName(m_userName);
    m_window->setSignedIn(!m_userName.isEmpty());
    if (m_diagnostics) {
        m_diagnostics->setSession(m_session.get());
        m_diagnostics->setAccount(!m_userName.isEmpty(), m_userName);
    }
}

void DesktopController::restoreSignIn()
{
    if (m_userName.isEmpty()) {
        reconnectWith(Credentials());
        return;
    }
    const QUrl server = currentServerUrl();
    QPointer<DesktopController> self(this);
    m_credentials->readToken(tokenKey(), [self, server](const QString &token) {
        if (!self)
            return;
        if (token.isEmpty()) {
            // Nothing remembered (or no keychain): guests can chat; the banner offers sign-in if refused.
            self->reconnectWith(Credentials());
            self->showSignIn();
            return;
        }
        Credentials c;
        c.refreshToken = token;
        c.refreshUrl = AuthClient::refreshUrlFor(server);
        self->reconnectWith(c);
    });
}

void DesktopController::reconnectWith(const Credentials &credentials)
{
    m_connection->close();
    m_connection->setCredentials(credentials);
    m_connection->open();
}

void DesktopController::showSignIn()
{
    SignInDialog dialog(m_window.get());
    dialog.setServerUrl(currentServerUrl());
    dialog.setUserName(m_userName.isEmpty() ? m_settings.userName : m_userName);
    dialog.setKeychainNote(m_credentials->isPersistent(), m_credentials->unavailableReason());
    dialog.setBuiltInServer(usesEmbeddedServer());
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QUrl chosen = dialog.serverUrl();
    if (chosen.isValid() && chosen != currentServerUrl() && !dialog.isGuest()) {
        // Signing in to another server makes it the configured one.
        m_embedded.reset();
        m_settings.serverUrl = chosen.toString();
        m_rotation.setServers(m_settings.servers(), m_settings.failuresBeforeFallback);
        ConnectionConfig c = m_connection->config();
        c.url = currentServerUrl();
        m_connection->setConfig(c);
    }
    m_userName = dialog.isGuest() ? QString() : dialog.userName();
    if (!m_embedded) {
        m_settings.userName = m_userName;
        m_settings.userByService.insert(m_rotation.service(), m_userName);
    }
    const Credentials credentials = dialog.credentials();
    if (!m_userName.isEmpty() && !credentials.refreshToken.isEmpty())
        m_credentials->writeToken(tokenKey(), credentials.refreshToken);
    saveSettings();
    m_connection->close();
    if (dialog.serverDate().isValid())
        m_connection->observeServerTime(dialog.serverDate(), dialog.serverDateRttMs());
    rebuildSession();
    reconnectWith(credentials);
}

void DesktopController::signOut()
{
    if (!m_userName.isEmpty())
        m_credentials->removeToken(tokenKey());
    m_userName.clear();
    m_settings.userName.clear();
    saveSettings();
    m_connection->close();
    rebuildSession();
    reconnectWith(Credentials());
}

void DesktopController::showSettings()
{
    auto *dialog = new SettingsDialog(m_window.get());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setSettings(m_settings);
    dialog->setKeychainNote(m_credentials->isPersistent(), m_credentials->unavailableReason());
    dialog->setServerInUse(serverInUseText());
    connect(dialog, &SettingsDialog::applied, this, [this, dialog](const AppSettings &settings) {
        dialog->setServerProblem(applySettings(settings));
        dialog->setServerInUse(serverInUseText());
    });
    connect(m_connection.get(), &ConnectionManager::stateChanged, dialog,
            [this, dialog] { dialog->setServerInUse(serverInUseText()); });
    dialog->open();
}

QString DesktopController::serverInUseText() const
{
    const QString url = m_connection ? m_connection->displayUrl().toString() : currentServerUrl().toString();
    if (m_embedded)
        return tr("the built-in local server (%1)").arg(url);
    if (m_serverOverride)
        return tr("%1 — given with --server for this run").arg(url);
    if (m_rotation.current() != m_settings.servers().value(0))
        return tr("%1 — a fallback server").arg(url);
    return url;
}

QString DesktopController::applySettings(const AppSettings &settings)
{
    QString problem;
    const AppSettings old = m_settings;
    m_settings = settings;
    if (settings.language != old.language)
        Language::apply(settings.language);
    settings.applyProxy();
    if (m_diagnostics)
        m_diagnostics->setProxyMode(settings.proxyDescription());

    const QStringList servers = settings.servers();
    // A server typed into Settings wins over --server and --local: the user asked for it just now.
    bool serversChanged = servers != old.servers();
    ConnectionConfig config = settings.applyTo(m_connection->config());
    if (serversChanged) {
        if (servers.isEmpty()) {
            QString error;
            if (!m_embedded && !startEmbeddedServer(&error)) {
                problem = error; // the current server stays in use
                serversChanged = false;
            }
            if (m_embedded)
                m_rotation.setServers({m_embedded->webSocketUrl().toString()}, 1);
        } else {
            m_embedded.reset();
            m_rotation.setServers(servers, settings.failuresBeforeFallback);
        }
        if (serversChanged)
            m_serverOverride = false;
        config.url = currentServerUrl();
    } else if (!m_embedded && !m_serverOverride) {
        m_rotation.setServers(servers, settings.failuresBeforeFallback); // keeps the current server
    }
    m_connection->setConfig(config);
    saveSettings();
    if (serversChanged) {
        // Another service: its own profile (account, keychain entry, local store); the tokens of
        // the one before never go to it. Coming back restores that service's account.
        if (!old.servers().isEmpty())
            m_settings.userByService.insert(old.servers().constFirst(), m_userName);
        m_userName = m_embedded ? QString() : m_settings.userByService.value(m_rotation.service()).toString();
        m_settings.userName = m_userName;
        saveSettings();
        m_connection->close();
        m_connection->setCredentials(Credentials());
        rebuildSession();
        restoreSignIn();
    } else if (affectsConnection(old, settings)) {
        // A new proxy, transport or timing only reaches the next socket, and reconnectNow() is ignored while
        // Connected: reconnect under control (graceful 1000, the outbox is kept). A connection the
        // user closed, or one that waits for a sign-in, stays as it is.
        const ConnectionState state = m_connection->state();
        if (state != ConnectionState::Disconnected && state != ConnectionState::SignedOut) {
            qCInfo(lcApp) << "connection settings changed: reconnecting";
            m_connection->close();
            m_connection->open();
        }
    }
    return problem;
}

bool DesktopController::affectsConnection(const AppSettings &a, const AppSettings &b)
{
    return a.proxyMode != b.proxyMode || a.proxyHost != b.proxyHost || a.proxyPort != b.proxyPort
        || a.proxyType != b.proxyType || a.heartbeatIntervalMs != b.heartbeatIntervalMs
        || a.pongTimeoutMs != b.pongTimeoutMs || a.connectTimeoutMs != b.connectTimeoutMs
        || a.backoffInitialMs != b.backoffInitialMs || a.backoffMaxMs != b.backoffMaxMs || a.caFile != b.caFile
        || a.pinnedCertificate != b.pinnedCertificate || a.transportMode != b.transportMode
        || a.wsRetryIntervalMs != b.wsRetryIntervalMs;
}

void DesktopController::showDiagnostics()
{
    if (!m_diagnostics) {
        m_diagnostics = new DiagnosticsDialog(m_window.get());
        m_diagnostics->setAttribute(Qt::WA_DeleteOnClose);
        m_diagnostics->setConnection(m_connection.get());
        m_diagnostics->setSession(m_session.get());
        m_diagnostics->setProxyMode(m_settings.proxyDescription());
        m_diagnostics->setCheckUrl(m_connection->displayUrl());
    }
    m_diagnostics->setAccount(!m_userName.isEmpty(), m_userName); // the report says signed in or guest
    m_diagnostics->show();
    m_diagnostics->raise();
    m_diagnostics->activateWindow();
}

void DesktopController::offerToTrust(const QString &errorText)
{
    // Trust on first use: only for an untrusted certificate (a changed pinned one is a hard error),
    // once per fingerprint, and never while a dialog already asks.
    if (TlsTrust::codeIn(errorText) != QLatin1String("tls_untrusted") || m_trustDialog)
        return;
    const QString print = TlsTrust::fingerprintIn(errorText);
    if (print.isEmpty() || m_askedToTrust.contains(print))
        return;
    m_askedToTrust.insert(print);
    auto *dialog = new TrustCertificateDialog(currentServerUrl().host(), print, m_window.get());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_trustDialog = dialog;
    connect(dialog, &QDialog::accepted, this, [this, print] {
        AppSettings s = m_settings;
        s.pinnedCertificate = print;
        applySettings(s); // a pin changes the connection: reconnects at once
        m_connection->reconnectNow();
    });
    dialog->open();
}

void DesktopController::saveSettings()
{
    QSettings settings;
    m_settings.save(settings);
}

} // namespace Tether
