#include "statepresentation.h"

namespace Tether {

QString StatePresentation::text(ConnectionState state)
{
    switch (state) {
    case ConnectionState::Connected:
        return tr("Online");
    case ConnectionState::Connecting:
        return tr("Connecting…");
    case ConnectionState::Reconnecting:
        return tr("Reconnecting…");
    case ConnectionState::WaitingForNetwork:
        return tr("No network");
    case ConnectionState::RefreshingToken:
        return tr("Signing in…");
    case ConnectionState::SignedOut:
        return tr("Signed out");
    case ConnectionState::Failed:
        return tr("Connection failed");
    case ConnectionState::Disconnected:
        break;
    }
    return tr("Offline");
}

QString StatePresentation::closeCodeText(int code)
{
    QString meaning;
    switch (code) {
    case 1000: meaning = tr("normal close"); break;
    case 1001: meaning = tr("server going away"); break;
    case 1002: meaning = tr("protocol error"); break;
    case 1006: meaning = tr("connection dropped"); break;
    case 1008: meaning = tr("policy violation"); break;
    case 1009: meaning = tr("message too big"); break;
    case 1011: meaning = tr("server error"); break;
    case 1012: meaning = tr("server restarting"); break;
    case 1013: meaning = tr("try again later"); break;
    case 4001: meaning = tr("not authorised"); break;
    default: break;
    }
    if (code < 0)
        return tr("none");
    return meaning.isEmpty() ? QString::number(code)
                             : QStringLiteral("%1 (%2)").arg(code).arg(meaning);
}

} // namespace Tether
