#pragma once
// How long each client should wait before reconnecting after a restart, so they do not return at once.

#include <QList>

class QRandomGenerator;

namespace Tether {

// count delays in [0, windowMs): one per equal-width stratum with a uniform jitter inside it, then
// shuffled. Evenly spread even for small counts, still random per client. windowMs <= 0 gives zeros.
QList<int> spreadRetryDelays(int count, int windowMs, QRandomGenerator *random);

} // namespace Tether
