#pragma once
// ws:// and http:// send tokens and messages in the clear: fine on this computer, not across a
// network. Tells the two apart so the app and the CLI can warn visibly.

#include <QString>
#include <QUrl>

namespace Tether {

class InsecureUrl
{
public:
    // ws:// or http:// to a host that is not loopback (localhost, 127.0.0.0/8, ::1).
    static bool isInsecure(const QUrl &url);
    // One English line naming the host; empty when the URL is not insecure.
    static QString warning(const QUrl &url);
};

} // namespace Tether
