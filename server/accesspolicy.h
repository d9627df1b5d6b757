#pragma once
// AccessPolicy decides who may see, join and invite into which conversation, from facts the
// caller looked up (docs/protocol.md, "Access control"). Pure and I/O-free. Public conversations
// are open to everyone, guests included; private ones only to their members, who are registered
// users: guests never create, join or are invited into a private conversation.

namespace Tether {

class AccessPolicy
{
public:
    struct Facts
    {
        bool exists = false;
        bool isPublic = false;
        bool isMember = false; // an explicit membership row
        bool isGuest = false;  // who asks
    };

    // May read it, post to it and get its broadcasts.
    static bool mayAccess(const Facts &facts);

    enum class Join {
        Enter,     // answer "joined" (public, or a member already)
        Create,    // a registered user's unknown id: a new private conversation it owns
        Forbidden, // a private conversation without invitation, or a guest's unknown id: one answer
                   // for both, so a guest cannot tell an existing private id from an unused one
    };
    static Join join(const Facts &facts);

    enum class Invite {
        Add,           // the invitee becomes a member
        AlreadyMember, // nothing changes; the inviter is answered as if it had
        NotMember,     // the inviter may not access it (or it does not exist)
        Forbidden,     // a guest invites
        NoSuchUser,    // the invitee is no registered user
    };
    // facts: the inviter's; invitee: whether it is a registered user and an explicit member.
    static Invite invite(const Facts &inviter, bool inviteeRegistered, bool inviteeMember);
};

} // namespace Tether
