#pragma once
// Keeps refresh tokens in the OS keychain through QtKeychain. Where no keychain service runs (no
// Secret Service on D-Bus, or built without QtKeychain) tokens stay in memory only, and
// isPersistent() says so, so the UI can tell the user.

#include <QHash>
#include <QObject>
#include <QString>

#include <functional>

namespace Tether {

class CredentialStore : public QObject
{
    Q_OBJECT

public:
    explicit CredentialStore(const QString &service = QStringLiteral("org.tether.Tether"), QObject *parent = nullptr);

    // Whether the keychain has worked (or has not been ruled out yet).
    bool isPersistent() const { return m_persistent; }
    QString unavailableReason() const { return m_reason; }
    // For tests and the user's choice: never touch the OS keychain.
    void setMemoryOnly(bool memoryOnly);

    static QString key(const QString &server, const QString &user);

    // Finds out whether the keychain can be used (a harmless read); done() runs when it is known.
    void probe(const std::function<void()> &done = {});

    // Async: callback(token) with an empty token when there is none.
    void readToken(const QString &key, const std::function<void(const QString &)> &callback);
    void writeToken(const QString &key, const QString &token);
    void removeToken(const QString &key);

Q_SIGNALS:
    void persistenceChanged(bool persistent);
    // A writeToken() is done: persisted = it is in the keychain (false: kept in memory only).
    void tokenWritten(const QString &key, bool persisted);

private:
    void markUnavailable(const QString &reason);

    QString m_service;
    QHash<QString, QString> m_memory; // always kept: the in-memory copy is the fallback
    bool m_persistent = true;
    bool m_memoryOnly = false;
    QString m_reason;
};

} // namespace Tether
