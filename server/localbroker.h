#pragma once
// The broker of a single server instance: publishing is delivering, synchronously, in-process.

#include "messagebroker.h"

namespace Tether {

class LocalBroker : public MessageBroker
{
public:
    void publish(const QString &conversation, const QString &frameText, quint64 exceptConnectionId) override;
};

} // namespace Tether
