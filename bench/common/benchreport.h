#pragma once
// The output of one benchmark run: settings notes and result rows, each an absolute figure with,
// where one exists, the same-run baseline, the ratio to it, the target and whether it is met.
// Rows are printed as they come as tab-separated "ROW" lines (scripts/bench collects them) and
// once more as an aligned table at the end.

#include <QList>
#include <QString>

#include <optional>

namespace Tether::Bench {

struct BenchRow
{
    QString metric;
    double value = 0;
    QString unit;
    std::optional<double> baseline; // same-run baseline; ratio = value / baseline
    QString target;                 // human text, e.g. "<= 33000 ms"; empty = informational
    std::optional<bool> met;
};

class BenchReport
{
public:
    explicit BenchReport(const QString &benchmark);

    QString benchmark() const { return m_benchmark; }

    void note(const QString &text); // a "# benchmark: text" line (settings, scaling, caveats)
    void progress(const QString &text); // progress to stderr, not part of the result
    void add(const BenchRow &row);
    void info(const QString &metric, double value, const QString &unit);
    void compare(const QString &metric, double value, const QString &unit, double baseline,
                 const QString &target = {}, std::optional<bool> met = {});
    void check(const QString &metric, double value, const QString &unit, const QString &target, bool met);
    void error(const QString &text); // a failure of the benchmark itself (not a missed target)

    const QList<BenchRow> &rows() const { return m_rows; }
    int errors() const { return m_errors; }
    int missed() const;

    // Prints the table; returns the process exit code: 1 if the benchmark itself failed, else 0.
    int finish();

    static QString formatNumber(double value);

private:
    QString m_benchmark;
    QList<BenchRow> m_rows;
    int m_errors = 0;
};

} // namespace Tether::Bench
