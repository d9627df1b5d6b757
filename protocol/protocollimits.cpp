#include "protocollimits.h"

namespace Tether::Protocol::Limits {

namespace {
bool isIdChar(QChar c, bool first)
{
    const char16_t u = c.unicode();
    if ((u >= u'A' && u <= u'Z') || (u >= u'a' && u <= u'z') || (u >= u'0' && u <= u'9'))
        return true;
    return !first && (u == u'_' || u == u'.' || u == u':' || u == u'-');
}
} // namespace

bool isValidConversationId(QStringView id)
{
    if (id.isEmpty() || id.size() > MaxConversationIdLength)
        return false;
    for (qsizetype i = 0; i < id.size(); ++i) {
        if (!isIdChar(id[i], i == 0))
            return false;
    }
    return true;
}

bool isValidClientId(QStringView id)
{
    return !id.isEmpty() && id.size() <= MaxClientIdLength;
}

bool isValidGuestKey(QStringView key)
{
    return key.size() >= GuestKeyMinLength && key.size() <= GuestKeyMaxLength;
}

bool isGuestId(QStringView userId)
{
    return userId.startsWith(GuestIdPrefix);
}

} // namespace Tether::Protocol::Limits
