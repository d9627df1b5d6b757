#pragma once
// Pure statistics the benchmarks share: percentiles, time buckets, peak share vs. a uniform spread.
// No I/O, so they are unit-tested in tst_benchstats.

#include <QList>

namespace Tether::Bench {

// The p-th percentile (0..100) by nearest rank of an unsorted sample; 0 for an empty one.
double percentile(QList<double> values, double p);
double mean(const QList<double> &values);
double maximum(const QList<double> &values);

// Counts of event times (ms, relative to an origin) per bucket of bucketMs, from 0 up to the bucket
// holding the latest event. Events before 0 land in bucket 0.
QList<int> bucketize(const QList<qint64> &timesMs, int bucketMs);
int peak(const QList<int> &counts);

// The share of `total` one bucket would hold if the events were spread evenly over windowMs:
// bucketMs / windowMs, capped at 1.
double uniformShare(int bucketMs, int windowMs);
// peakCount / total as a share, and that share over the uniform share (1.0 = perfectly even).
double shareOf(int count, int total);
double peakOverUniform(int peakCount, int total, int bucketMs, int windowMs);

} // namespace Tether::Bench
