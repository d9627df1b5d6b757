#include "singleinstance.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QDir>
#include <QLocalServer>
#include <QLocalSocket>
#include <QLoggingCategory>
#include <QThread>

Q_LOGGING_CATEGORY(lcInstance, "tether.app.instance")

namespace Tether {

namespace {
constexpr char Request[] = "show\n";
constexpr char Answer[] = "ok\n";
constexpr int MaxRequestBytes = 64; // anything longer is not ours: the peer is dropped
} // namespace

SingleInstance::SingleInstance(const QString &dataDir, QObject *parent)
    : QObject(parent)
    , m_dataDir(QDir(dataDir).absolutePath())
    , m_lock(QDir(dataDir).absoluteFilePath(QStringLiteral("instance.lock")))
{
    // The socket lives in the temporary folder (socket paths are short); the name is the folder's
    // hash, so profiles and users never meet.
    m_name = QStringLiteral("tether-") + QString::fromLatin1(
        QCryptographicHash::hash(m_dataDir.toUtf8(), QCryptographicHash::Sha1).toHex().left(20));
    // A lock is stale only when the process that holds it is gone (QLockFile checks its PID),
    // never because it is old: Tether runs for weeks.
    m_lock.setStaleLockTime(0);
}

SingleInstance::~SingleInstance()
{
    if (m_server)
        m_server->close();
}

SingleInstance::Role SingleInstance::start(int timeoutMs)
{
    QDir().mkpath(m_dataDir);
    if (m_lock.tryLock(0)) {
        m_server = new QLocalServer(this);
        m_server->setSocketOptions(QLocalServer::UserAccessOption);
        QLocalServer::removeServer(m_name); // a socket file left by a crashed run
        if (!m_server->listen(m_name)) {
            m_error = m_server->errorString();
            qCWarning(lcInstance).noquote() << "cannot listen for later launches:" << m_error;
            return Role::Primary; // we hold the lock; a later launch will not start a second server
        }
        connect(m_server, &QLocalServer::newConnection, this, [this] {
            while (QLocalSocket *peer = m_server->nextPendingConnection()) {
                connect(peer, &QLocalSocket::disconnected, peer, &QObject::deleteLater);
                connect(peer, &QLocalSocket::readyRead, peer, [this, peer] {
                    if (peer->bytesAvailable() > MaxRequestBytes) {
                        peer->abort();
                        return;
                    }
                    if (!peer->canReadLine())
                        return;
                    const QByteArray line = peer->readLine(MaxRequestBytes);
                    if (line != Request) {
                        peer->abort();
                        return;
                    }
                    peer->write(Answer);
                    peer->disconnectFromServer();
                    qCInfo(lcInstance) << "raised by a later launch of this profile";
                    Q_EMIT activationRequested();
                });
            }
        });
        qCInfo(lcInstance).noquote() << "running this profile;" << m_name;
        return Role::Primary;
    }
    if (m_lock.error() != QLockFile::LockFailedError) {
        m_error = m_lock.error() == QLockFile::PermissionError ? QStringLiteral("no permission to create the lock file")
                                                               : QStringLiteral("the lock file cannot be used");
        qCWarning(lcInstance).noquote() << m_error << "in" << m_dataDir;
        return Role::Unchecked;
    }
    if (askRunningInstance(timeoutMs))
        return Role::Secondary;
    // Locked by a live process that does not answer (still starting, or hung): still not ours to run.
    m_error = QStringLiteral("another Tether holds this profile but does not answer");
    return Role::Secondary;
}

bool SingleInstance::askRunningInstance(int timeoutMs)
{
    const QDeadlineTimer deadline(qMax(100, timeoutMs));
    while (!deadline.hasExpired()) {
        QLocalSocket socket;
        socket.connectToServer(m_name);
        if (socket.waitForConnected(qMax(1, int(qMin<qint64>(500, deadline.remainingTime()))))) {
            socket.write(Request);
            if (!socket.waitForBytesWritten(int(qMax<qint64>(1, deadline.remainingTime()))))
                return false;
            // The answer is a courtesy: a primary in this very thread (tests) cannot reply before we return.
            socket.waitForReadyRead(int(qMin<qint64>(1000, qMax<qint64>(1, deadline.remainingTime()))));
            return true;
        }
        // The running instance may have taken the lock but not be listening yet.
        QThread::msleep(50);
    }
    return false;
}

} // namespace Tether
