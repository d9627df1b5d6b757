#pragma once
// Password hashing off the event-loop thread: PBKDF2 runs on a small thread pool of its own and
// the result comes back to the caller's thread by a queued call, so a login flood never delays
// chat. Bounded: at most maxPending hashes queued or running; beyond that the caller answers 503.

#include "passwordhasher.h"

#include <QObject>
#include <QPointer>
#include <QThreadPool>

#include <functional>

namespace Tether {

class PasswordWorker : public QObject
{
    Q_OBJECT
public:
    // threads <= 0: one less than the cores (at least one), so a core stays with the event loop.
    explicit PasswordWorker(int maxPending, int threads = 0, QObject *parent = nullptr);
    ~PasswordWorker() override; // waits for the hashes that are running

    // done(ok) runs on this object's thread, unless context is gone by then. False (and done is
    // never called) when maxPending hashes are already queued or running.
    bool verify(const QString &password, const PasswordHasher::Hash &stored, QObject *context,
                std::function<void(bool ok)> done);
    bool hash(const QString &password, int iterations, QObject *context,
              std::function<void(const PasswordHasher::Hash &hash)> done);

    int pending() const { return m_pending; }
    int maxPending() const { return m_maxPending; }

private:
    bool run(std::function<std::function<void()>()> work);

    QThreadPool m_pool;
    int m_maxPending;
    int m_pending = 0;
};

} // namespace Tether
