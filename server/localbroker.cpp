#include "localbroker.h"

namespace Tether {

void LocalBroker::publish(const QString &conversation, const QString &frameText, quint64 exceptConnectionId)
{
    deliverLocally(conversation, frameText, exceptConnectionId);
}

} // namespace Tether
