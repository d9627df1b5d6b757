#pragma once
// Wires the desktop app together: settings, the embedded local server when no server is
// configured, the connection, the chat session, the main window, the tray, and the sign-in,
// settings and diagnostics dialogs.

#include "appsettings.h"
#include "serverrotation.h"

#include <QObject>
#include <QDialog>
#include <QPointer>
#include <QSet>
#include <QUrl>

#include <memory>

namespace Tether {

class ChatServer;
class ChatSession;
class ChatWindow;
class ConnectionManager;
class CredentialStore;
class DiagnosticsDialog;
class TrayNotifier;

struct LaunchOptions
{
    QString server;      // --server URL: use this server for this run
    QString language;    // --lang en|ru
    bool local = false;  // --local: use the embedded local server even if one is configured
    QString profile;     // --profile NAME: its own settings, data and single-instance lock
};

class DesktopController : public QObject
{
    Q_OBJECT

public:
    explicit DesktopController(const LaunchOptions &options, QObject *parent = nullptr);
    ~DesktopController() override;

    bool start(QString *errorMessage = nullptr);
    ChatWindow *window() const { return m_window.get(); }
    ConnectionManager *connection() const { return m_connection.get(); }
    ChatSession *session() const { return m_session.get(); }
    AppSettings settings() const { return m_settings; }
    bool usesEmbeddedServer() const { return m_embedded != nullptr; }
    // The technical detail behind the last error start() or applySettings() reported (English).
    QString errorDetail() const { return m_errorDetail; }

    void showSignIn();
    void showSettings();
    void showDiagnostics();
    void signOut();
    // Applies at once; returns why the server could not change (empty when everything applied).
    QString applySettings(const AppSettings &settings);
    // The server in use, in words, for Settings ▸ Server.
    QString serverInUseText() const;
    // Whether going from a to b changes how the socket is made (proxy, timings): needs a reconnect.
    static bool affectsConnection(const AppSettings &a, const AppSettings &b);

private:
    bool startEmbeddedServer(QString *errorMessage);
    QUrl currentServerUrl() const;
    QString identityKey() const; // which local message store to use
    QString tokenKey() const;    // where the signed-in user's refresh token is kept
    void rebuildSession();
    void reconnectWith(const Credentials &credentials);
    void restoreSignIn();
    void saveSettings();
    void offerToTrust(const QString &errorText); // trust on first use of a self-signed certificate

    LaunchOptions m_options;
    AppSettings m_settings;
    ServerRotation m_rotation;
    std::unique_ptr<ChatServer> m_embedded;
    std::unique_ptr<ConnectionManager> m_connection;
    std::unique_ptr<ChatSession> m_session;
    std::unique_ptr<ChatWindow> m_window;
    CredentialStore *m_credentials = nullptr;
    TrayNotifier *m_tray = nullptr;
    QPointer<DiagnosticsDialog> m_diagnostics;
    QString m_userName; // signed-in user on the current server; empty = guest
    QString m_errorDetail;
    QPointer<QDialog> m_trustDialog;
    QSet<QString> m_askedToTrust; // fingerprints already asked about in this run
    bool m_serverOverride = false; // --server or --local decide the server until Settings changes it
};

} // namespace Tether
