#include "accesspolicy.h"

namespace Tether {

bool AccessPolicy::mayAccess(const Facts &facts)
{
    if (!facts.exists)
        return false;
    if (facts.isPublic)
        return true;
    // A guest's membership row can only come from an older server version: not honoured.
    return facts.isMember && !facts.isGuest;
}

AccessPolicy::Join AccessPolicy::join(const Facts &facts)
{
    if (mayAccess(facts))
        return Join::Enter;
    if (!facts.exists && !facts.isGuest)
        return Join::Create;
    return Join::Forbidden;
}

AccessPolicy::Invite AccessPolicy::invite(const Facts &inviter, bool inviteeRegistered, bool inviteeMember)
{
    if (inviter.isGuest)
        return Invite::Forbidden;
    if (!mayAccess(inviter))
        return Invite::NotMember;
    if (!inviteeRegistered)
        return Invite::NoSuchUser;
    return inviteeMember ? Invite::AlreadyMember : Invite::Add;
}

} // namespace Tether
