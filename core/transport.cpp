#include "transport.h"

namespace Tether {

Transport::Transport(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<Tether::TransportEnd>();
}

Transport::~Transport() = default;

} // namespace Tether
