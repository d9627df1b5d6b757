#pragma once
// SingleInstance keeps one running Tether per profile: the first launch takes a lock file in the
// profile's data folder and listens on a local socket named after that folder; a later launch
// finds the lock taken, asks the running one to bring its window to the front, and exits. Without
// it, a second launch started a second built-in server on the same database.

#include <QLockFile>
#include <QObject>
#include <QString>

class QLocalServer;

namespace Tether {

class SingleInstance : public QObject
{
    Q_OBJECT

public:
    enum class Role {
        Primary,   // this process runs the profile
        Secondary, // another process runs it and was asked to show its window
        Unchecked, // the lock could not be used (e.g. a read-only folder): run, but unguarded
    };
    Q_ENUM(Role)

    // dataDir: the profile's folder (QStandardPaths::AppDataLocation); one lock and socket per folder.
    explicit SingleInstance(const QString &dataDir, QObject *parent = nullptr);
    ~SingleInstance() override;

    // Decides the role; a Secondary has delivered its request before this returns (bounded by timeoutMs).
    Role start(int timeoutMs = 3000);
    QString serverName() const { return m_name; }
    QString errorString() const { return m_error; }

Q_SIGNALS:
    // A later launch of the same profile wants the window in front.
    void activationRequested();

private:
    bool askRunningInstance(int timeoutMs);

    QString m_dataDir;
    QString m_name;
    QString m_error;
    QLockFile m_lock;
    QLocalServer *m_server = nullptr;
};

} // namespace Tether
