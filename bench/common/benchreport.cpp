#include "benchreport.h"

#include <QLoggingCategory>
#include <QTextStream>

#include <cmath>
#include <cstdio>

namespace Tether::Bench {

namespace {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

QString metText(const std::optional<bool> &met)
{
    if (!met)
        return QStringLiteral("-");
    return *met ? QStringLiteral("met") : QStringLiteral("MISSED");
}

} // namespace

BenchReport::BenchReport(const QString &benchmark)
    : m_benchmark(benchmark)
{
    // Per-event info logging of hundreds of clients would dominate both the output and the timing.
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(QStringLiteral("tether.*.debug=false\ntether.*.info=false"));
}

QString BenchReport::formatNumber(double value)
{
    if (!std::isfinite(value))
        return QStringLiteral("n/a");
    const double magnitude = std::fabs(value);
    if (magnitude >= 1000 || value == std::floor(value))
        return QString::number(value, 'f', magnitude >= 100 || value == std::floor(value) ? 0 : 1);
    if (magnitude >= 10)
        return QString::number(value, 'f', 1);
    if (magnitude >= 0.1)
        return QString::number(value, 'f', 3);
    return QString::number(value, 'g', 3);
}

void BenchReport::note(const QString &text)
{
    out() << "# " << m_benchmark << ": " << text << Qt::endl;
}

void BenchReport::progress(const QString &text)
{
    err() << "[" << m_benchmark << "] " << text << Qt::endl;
}

void BenchReport::add(const BenchRow &row)
{
    m_rows.append(row);
    const QString baseline = row.baseline ? formatNumber(*row.baseline) : QStringLiteral("-");
    const QString ratio = row.baseline && *row.baseline != 0 ? formatNumber(row.value / *row.baseline)
                                                              : QStringLiteral("-");
    out() << "ROW\t" << m_benchmark << '\t' << row.metric << '\t' << formatNumber(row.value) << '\t'
          << row.unit << '\t' << baseline << '\t' << ratio << '\t'
          << (row.target.isEmpty() ? QStringLiteral("-") : row.target) << '\t' << metText(row.met)
          << Qt::endl;
}

void BenchReport::info(const QString &metric, double value, const QString &unit)
{
    add({metric, value, unit, std::nullopt, QString(), std::nullopt});
}

void BenchReport::compare(const QString &metric, double value, const QString &unit, double baseline,
                          const QString &target, std::optional<bool> met)
{
    add({metric, value, unit, baseline, target, met});
}

void BenchReport::check(const QString &metric, double value, const QString &unit, const QString &target,
                        bool met)
{
    add({metric, value, unit, std::nullopt, target, met});
}

void BenchReport::error(const QString &text)
{
    ++m_errors;
    out() << "ERROR\t" << m_benchmark << '\t' << text << Qt::endl;
}

int BenchReport::missed() const
{
    int count = 0;
    for (const BenchRow &row : m_rows)
        count += row.met.has_value() && !*row.met;
    return count;
}

int BenchReport::finish()
{
    // Aligned copy of the rows for a human reading this benchmark alone.
    const QStringList header = {QStringLiteral("metric"), QStringLiteral("value"), QStringLiteral("unit"),
                                QStringLiteral("baseline"), QStringLiteral("ratio"), QStringLiteral("target"),
                                QStringLiteral("result")};
    QList<QStringList> table = {header};
    for (const BenchRow &row : m_rows) {
        table.append({row.metric, formatNumber(row.value), row.unit,
                      row.baseline ? formatNumber(*row.baseline) : QStringLiteral("-"),
                      row.baseline && *row.baseline != 0 ? formatNumber(row.value / *row.baseline)
                                                          : QStringLiteral("-"),
                      row.target.isEmpty() ? QStringLiteral("-") : row.target, metText(row.met)});
    }
    QList<int> widths(header.size(), 0);
    for (const QStringList &line : table)
        for (int i = 0; i < line.size(); ++i)
            widths[i] = std::max<int>(widths[i], line.at(i).size());
    out() << Qt::endl << "== " << m_benchmark << Qt::endl;
    for (const QStringList &line : table) {
        QString text;
        for (int i = 0; i < line.size(); ++i)
            text += line.at(i).leftJustified(widths.at(i) + 2);
        out() << text.trimmed() << Qt::endl;
    }
    out() << "== " << m_benchmark << ": " << m_rows.size() << " figures, " << missed() << " targets missed, "
          << m_errors << " errors" << Qt::endl;
    out().flush();
    return m_errors > 0 ? 1 : 0;
}

} // namespace Tether::Bench
