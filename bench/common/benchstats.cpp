#include "benchstats.h"

#include <algorithm>
#include <cmath>

namespace Tether::Bench {

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    p = std::clamp(p, 0.0, 100.0);
    // Nearest rank: the smallest value with at least p% of the sample at or below it.
    const auto rank = static_cast<qsizetype>(std::ceil(p / 100.0 * values.size()));
    return values.at(std::clamp<qsizetype>(rank - 1, 0, values.size() - 1));
}

double mean(const QList<double> &values)
{
    if (values.isEmpty())
        return 0;
    double sum = 0;
    for (double v : values)
        sum += v;
    return sum / values.size();
}

double maximum(const QList<double> &values)
{
    if (values.isEmpty())
        return 0;
    return *std::max_element(values.begin(), values.end());
}

QList<int> bucketize(const QList<qint64> &timesMs, int bucketMs)
{
    QList<int> counts;
    if (bucketMs <= 0)
        return counts;
    for (qint64 t : timesMs) {
        const auto index = static_cast<qsizetype>(std::max<qint64>(t, 0) / bucketMs);
        if (index >= counts.size())
            counts.resize(index + 1, 0);
        ++counts[index];
    }
    return counts;
}

int peak(const QList<int> &counts)
{
    return counts.isEmpty() ? 0 : *std::max_element(counts.begin(), counts.end());
}

double uniformShare(int bucketMs, int windowMs)
{
    if (windowMs <= 0 || bucketMs >= windowMs)
        return 1.0;
    return double(bucketMs) / windowMs;
}

double shareOf(int count, int total)
{
    return total > 0 ? double(count) / total : 0.0;
}

double peakOverUniform(int peakCount, int total, int bucketMs, int windowMs)
{
    return shareOf(peakCount, total) / uniformShare(bucketMs, windowMs);
}

} // namespace Tether::Bench
