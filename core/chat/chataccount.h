#pragma once
// ChatAccount is who we are on this store: the welcome's user (kept in the store, so it is known
// before the first welcome of a run), the rule that another account's cache and unsent messages
// are not ours (its messages wait for it), and a guest's secret key.

#include <QString>

namespace Tether {

class MessageStore;

class ChatAccount
{
public:
    explicit ChatAccount(MessageStore *store);

    void load(); // the user of the store's last welcome

    QString userId() const { return m_userId; }
    QString displayName() const { return m_name.isEmpty() ? m_userId : m_name; }
    bool isGuest() const { return m_guest; }
    int welcomes() const { return m_welcomes; } // on this object's life: 1 + reconnects

    // A welcome named this user. True when the store held another account (the caller drops its
    // cache; the other account's unsent messages wait for it). Guests count as one account: a
    // guest's id changes with every connection.
    bool welcome(const QString &id, const QString &name, bool guest);

    // The account the outbox entries written now belong to, and the only one whose entries are
    // sent: the user id, or GuestOwner for any guest; empty before this store's first welcome.
    QString ownerKey() const;
    // Cannot be a user id (ids have no spaces), so a user named "guest" is not mistaken for one.
    static constexpr QLatin1String GuestOwner{"(a guest)"};

    // A message from `from` is one of ours: sent from this store or another client of ours.
    bool isSelf(const QString &from) const { return !m_userId.isEmpty() && from == m_userId; }
    // ... or may be: a guest's earlier connections had other ids, so only the message id can tell.
    bool mayBeSelf(const QString &from) const;

    // A guest proves it is the same guest on every connection with this secret (docs/protocol.md),
    // so the server recognises its retried sends. Made once, kept in the store, never logged.
    QString guestKey();

private:
    MessageStore *m_store;
    QString m_userId;
    QString m_name;
    bool m_guest = false;
    int m_welcomes = 0;
};

} // namespace Tether
