#include "credentialstore.h"

#include <QLoggingCategory>
#include <QPointer>

#if TETHER_HAVE_KEYCHAIN
#include <qt6keychain/keychain.h>
#endif

Q_LOGGING_CATEGORY(lcCredentials, "tether.ui.credentials")

namespace Tether {

CredentialStore::CredentialStore(const QString &service, QObject *parent)
    : QObject(parent)
    , m_service(service)
{
#if !TETHER_HAVE_KEYCHAIN
    m_persistent = false;
    m_memoryOnly = true;
    m_reason = tr("This build of Tether has no keychain support.");
#endif
}

void CredentialStore::setMemoryOnly(bool memoryOnly)
{
    m_memoryOnly = memoryOnly;
    if (memoryOnly)
        markUnavailable(tr("Keychain use is turned off."));
}

QString CredentialStore::key(const QString &server, const QString &user)
{
    return user + QLatin1Char('@') + server;
}

// Keychain jobs have no parent on purpose: libsecret calls back into a job after its operation
// ends even when the job is gone (qtkeychain issue 261), so a job must live until it finishes
// (autoDelete) rather than die with the store. The connections use the store as context, so a
// store that is gone simply hears nothing.
void CredentialStore::probe(const std::function<void()> &done)
{
    if (m_memoryOnly || !m_persistent) {
        if (done)
            done();
        return;
    }
#if TETHER_HAVE_KEYCHAIN
    auto *job = new QKeychain::ReadPasswordJob(m_service);
    job->setKey(QStringLiteral("tether-keychain-probe"));
    job->setAutoDelete(true);
    QPointer<CredentialStore> self(this);
    connect(job, &QKeychain::Job::finished, this, [self, done](QKeychain::Job *j) {
        if (self && j->error() != QKeychain::NoError && j->error() != QKeychain::EntryNotFound)
            self->markUnavailable(j->errorString());
        if (done)
            done();
    });
    job->start();
#else
    if (done)
        done();
#endif
}

void CredentialStore::markUnavailable(const QString &reason)
{
    const bool changed = m_persistent;
    m_persistent = false;
    m_reason = reason;
    qCWarning(lcCredentials).noquote() << "keychain unavailable, keeping sign-in in memory only:" << reason;
    if (changed)
        Q_EMIT persistenceChanged(false);
}

void CredentialStore::readToken(const QString &key, const std::function<void(const QString &)> &callback)
{
    if (m_memory.contains(key) || m_memoryOnly || !m_persistent) {
        callback(m_memory.value(key));
        return;
    }
#if TETHER_HAVE_KEYCHAIN
    auto *job = new QKeychain::ReadPasswordJob(m_service);
    job->setKey(key);
    job->setAutoDelete(true);
    QPointer<CredentialStore> self(this);
    connect(job, &QKeychain::Job::finished, this, [self, key, callback](QKeychain::Job *j) {
        if (!self)
            return;
        auto *read = static_cast<QKeychain::ReadPasswordJob *>(j);
        if (read->error() == QKeychain::NoError) {
            self->m_memory.insert(key, read->textData());
            callback(read->textData());
            return;
        }
        if (read->error() != QKeychain::EntryNotFound)
            self->markUnavailable(read->errorString());
        callback(QString());
    });
    job->start();
#else
    callback(QString());
#endif
}

void CredentialStore::writeToken(const QString &key, const QString &token)
{
    m_memory.insert(key, token);
    if (m_memoryOnly || !m_persistent) {
        Q_EMIT tokenWritten(key, false);
        return;
    }
#if TETHER_HAVE_KEYCHAIN
    auto *job = new QKeychain::WritePasswordJob(m_service);
    job->setKey(key);
    job->setTextData(token);
    job->setAutoDelete(true);
    QPointer<CredentialStore> self(this);
    connect(job, &QKeychain::Job::finished, this, [self, key](QKeychain::Job *j) {
        if (!self)
            return;
        const bool ok = j->error() == QKeychain::NoError;
        if (!ok)
            self->markUnavailable(j->errorString());
        Q_EMIT self->tokenWritten(key, ok);
    });
    job->start();
#endif
}

void CredentialStore::removeToken(const QString &key)
{
    m_memory.remove(key);
    if (m_memoryOnly || !m_persistent)
        return;
#if TETHER_HAVE_KEYCHAIN
    auto *job = new QKeychain::DeletePasswordJob(m_service);
    job->setKey(key);
    job->setAutoDelete(true);
    job->start();
#endif
}

} // namespace Tether
