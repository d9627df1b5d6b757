#pragma once
// Which server to use next: the primary first; after it fails N attempts in a row, the next
// fallback, and so on in a circle. Pure.

#include <QStringList>

namespace Tether {

class ServerRotation
{
public:
    explicit ServerRotation(const QStringList &servers = {}, int failuresBeforeSwitch = 3);

    void setServers(const QStringList &servers, int failuresBeforeSwitch);
    QString current() const;
    // The service these servers are replicas of, named by its primary (the first): one account, one
    // local store and one keychain entry for all of them, whichever is in use.
    QString service() const { return m_servers.value(0); }
    int index() const { return m_index; }
    // Reports the failed attempt number of the current series (1, 2, ...). True when the caller
    // should switch to current(), which has just moved on.
    bool attemptFailed(int attempt);
    void connected() { m_failuresHere = 0; }
    void reset();

private:
    QStringList m_servers;
    int m_threshold = 3;
    int m_index = 0;
    int m_failuresHere = 0;
};

} // namespace Tether
