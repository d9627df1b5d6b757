#pragma once
// tether-cli --chat: a chat client on a ChatSession. Stdin lines go through the persistent outbox
// to one conversation; received messages, acks and connection states are printed.

#include "authclient.h"
#include "chatclioptions.h"
#include "connectionconfig.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <QUrl>

namespace Tether {

class ChatSession;
class ConnectionManager;
class EventPrinter;
class StdinReader;

class ChatMode : public QObject
{
    Q_OBJECT
public:
    ChatMode(const ConnectionConfig &connection, const ChatCliOptions &options, bool json, int flushTimeoutMs,
             QObject *parent = nullptr);
    ~ChatMode() override;

    void start();
    void stop(int exitCode); // e.g. on SIGTERM: close cleanly; the outbox keeps what is unsent

Q_SIGNALS:
    void finished(int exitCode);

private:
    void login();
    void onLoginFinished(const Tether::AuthClient::Result &result);
    void startSession();
    void onLine(const QString &line);
    void onStdinFinished();
    void checkDrained();
    void finish(int exitCode);
    int pendingCount() const; // outbox entries not failed: still on their way

    ConnectionConfig m_connectionConfig;
    ChatCliOptions m_options;
    int m_flushTimeoutMs;
    EventPrinter *m_printer;
    StdinReader *m_stdin;
    AuthClient *m_auth = nullptr;
    ConnectionManager *m_connection = nullptr;
    ChatSession *m_session = nullptr;
    QStringList m_early;        // lines read before the session was open
    QTimer m_loginRetry;
    int m_loginAttempts = 0;
    QTimer m_flushTimer;
    bool m_eof = false;
    bool m_finishing = false;
    int m_exitCode = 0;
};

} // namespace Tether
