#include "chataccount.h"

#include "messagestore.h"
#include "protocollimits.h"

#include <QUuid>

namespace Tether {

ChatAccount::ChatAccount(MessageStore *store) : m_store(store) {}

void ChatAccount::load()
{
    m_userId = m_store->value(MessageStore::MetaUser);
    m_name = m_store->value(MessageStore::MetaUserName);
    m_guest = m_store->value(MessageStore::MetaGuest) == QLatin1String("1");
}

QString ChatAccount::ownerKey() const
{
    if (m_userId.isEmpty())
        return QString();
    return m_guest ? QString(GuestOwner) : m_userId;
}

bool ChatAccount::welcome(const QString &id, const QString &name, bool guest)
{
    ++m_welcomes;
    const bool wasGuest = m_store->value(MessageStore::MetaGuest) == QLatin1String("1");
    const bool changed = !m_userId.isEmpty() && id != m_userId && !(guest && wasGuest);
    m_userId = id;
    m_name = name;
    m_guest = guest;
    m_store->setValue(MessageStore::MetaUser, m_userId);
    m_store->setValue(MessageStore::MetaUserName, m_name);
    m_store->setValue(MessageStore::MetaGuest, guest ? QStringLiteral("1") : QStringLiteral("0"));
    return changed;
}

bool ChatAccount::mayBeSelf(const QString &from) const
{
    return isSelf(from) || (m_guest && Protocol::Limits::isGuestId(from));
}

QString ChatAccount::guestKey()
{
    QString key = m_store->value(MessageStore::MetaGuestKey);
    if (key.isEmpty()) {
        key = QUuid::createUuid().toString(QUuid::Id128) + QUuid::createUuid().toString(QUuid::Id128);
        m_store->setValue(MessageStore::MetaGuestKey, key);
    }
    return key;
}

} // namespace Tether
