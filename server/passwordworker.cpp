#include "passwordworker.h"

#include <QMetaObject>
#include <QThread>

namespace Tether {


PasswordWorker::PasswordWorker(int maxPending, int threads, QObject *parent)
    : QObject(parent), m_maxPending(maxPending)
{
    m_pool.setMaxThreadCount(threads > 0 ? threads : qMax(1, QThread::idealThreadCount() - 1));
    m_pool.setExpiryTimeout(30000);
}

PasswordWorker::~PasswordWorker()
{
    m_pool.clear();
    m_pool.waitForDone();
}

bool PasswordWorker::run(std::function<std::function<void()>()> work)
{
    if (m_maxPending > 0 && m_pending >= m_maxPending)
        return false;
    ++m_pending;
    // The work runs on the pool and returns what to do back here; the queued call is dropped if
    // this object is gone by then (the destructor waits for running work first).
    m_pool.start([this, work = std::move(work)] {
        std::function<void()> finish = work();
        QMetaObject::invokeMethod(this, [this, finish = std::move(finish)] {
            --m_pending;
            finish();
        }, Qt::QueuedConnection);
    });
    return true;
}

bool PasswordWorker::verify(const QString &password, const PasswordHasher::Hash &stored, QObject *context,
                            std::function<void(bool)> done)
{
    QPointer<QObject> guard(context);
    return run([password, stored, guard, done = std::move(done)]() -> std::function<void()> {
        const bool ok = PasswordHasher::verify(password, stored);
        return [ok, guard, done] {
            if (guard)
                done(ok);
        };
    });
}

bool PasswordWorker::hash(const QString &password, int iterations, QObject *context,
                          std::function<void(const PasswordHasher::Hash &)> done)
{
    QPointer<QObject> guard(context);
    return run([password, iterations, guard, done = std::move(done)]() -> std::function<void()> {
        const PasswordHasher::Hash hashed = PasswordHasher::hash(password, iterations);
        return [hashed, guard, done] {
            if (guard)
                done(hashed);
        };
    });
}

} // namespace Tether
