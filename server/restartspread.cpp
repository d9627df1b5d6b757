#include "restartspread.h"

#include <QRandomGenerator>

#include <algorithm>

namespace Tether {

QList<int> spreadRetryDelays(int count, int windowMs, QRandomGenerator *random)
{
    QList<int> delays;
    if (count <= 0)
        return delays;
    delays.reserve(count);
    for (int i = 0; i < count; ++i) {
        if (windowMs <= 0) {
            delays.append(0);
            continue;
        }
        const double position = (double(i) + random->generateDouble()) / double(count);
        delays.append(std::min(windowMs - 1, int(position * windowMs)));
    }
    // Fisher-Yates with the injected generator, so the stratum a client lands in is random too.
    for (int i = count - 1; i > 0; --i)
        std::swap(delays[i], delays[int(random->bounded(i + 1))]);
    return delays;
}

} // namespace Tether
