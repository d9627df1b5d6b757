#include "networkmonitor.h"

namespace Tether {

NetworkMonitor::~NetworkMonitor() = default;

} // namespace Tether
