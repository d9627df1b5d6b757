#pragma once
// A strict reader of the Prometheus text exposition format (version 0.0.4) for the server tests:
// it proves the format (names, labels, escapes, TYPE before samples, histogram consistency) and
// gives each sample's value by its series, e.g. tether_server_frames_sent_total{type="ack"}.

#include <QHash>
#include <QMap>
#include <QRegularExpression>
#include <QSet>
#include <QString>
#include <QStringList>

#include <cmath>
#include <limits>

namespace TestUtil {

struct MetricsText
{
    QHash<QString, double> samples; // series (labels sorted by name) -> value
    QHash<QString, QString> types;  // family -> counter/gauge/histogram/summary/untyped
    QString error;                  // empty when the text is valid

    bool has(const QString &series) const { return samples.contains(series); }
    double value(const QString &series) const { return samples.value(series, std::numeric_limits<double>::quiet_NaN()); }

    static bool parseValue(const QString &text, double *value)
    {
        if (text == QLatin1String("+Inf") || text == QLatin1String("Inf")) {
            *value = std::numeric_limits<double>::infinity();
            return true;
        }
        if (text == QLatin1String("-Inf")) {
            *value = -std::numeric_limits<double>::infinity();
            return true;
        }
        if (text == QLatin1String("NaN")) {
            *value = std::numeric_limits<double>::quiet_NaN();
            return true;
        }
        bool ok = false;
        *value = text.toDouble(&ok);
        return ok;
    }

    // The family a sample belongs to: histograms add _bucket/_sum/_count, counters may show _total.
    QString familyOf(const QString &name) const
    {
        if (types.contains(name))
            return name;
        for (const char *suffix : { "_bucket", "_sum", "_count" }) {
            const QString s = QString::fromLatin1(suffix);
            if (name.endsWith(s) && types.contains(name.chopped(s.size())))
                return name.chopped(s.size());
        }
        return QString();
    }

    static MetricsText parse(const QString &text)
    {
        MetricsText out;
        static const QRegularExpression metricName(QStringLiteral("^[a-zA-Z_:][a-zA-Z0-9_:]*$"));
        static const QRegularExpression labelName(QStringLiteral("^[a-zA-Z_][a-zA-Z0-9_]*$"));
        static const QSet<QString> knownTypes{ QStringLiteral("counter"), QStringLiteral("gauge"),
                                               QStringLiteral("histogram"), QStringLiteral("summary"),
                                               QStringLiteral("untyped") };
        if (!text.isEmpty() && !text.endsWith(QLatin1Char('\n'))) {
            out.error = QStringLiteral("the text does not end with a line feed");
            return out;
        }
        QSet<QString> helped;
        QSet<QString> sampled;
        const QStringList lines = text.split(QLatin1Char('\n'));
        for (int n = 0; n < lines.size(); ++n) {
            const QString line = lines[n];
            auto fail = [&](const QString &why) {
                out.error = QStringLiteral("line %1: %2: %3").arg(n + 1).arg(why, line);
                return out;
            };
            if (line.isEmpty())
                continue;
            if (line.startsWith(QLatin1Char('#'))) {
                const QStringList parts = line.split(QLatin1Char(' '));
                if (parts.size() >= 3 && parts[1] == QLatin1String("HELP")) {
                    if (!metricName.match(parts[2]).hasMatch() || helped.contains(parts[2]))
                        return fail(QStringLiteral("bad or repeated HELP"));
                    helped.insert(parts[2]);
                } else if (parts.size() >= 3 && parts[1] == QLatin1String("TYPE")) {
                    if (parts.size() != 4 || !metricName.match(parts[2]).hasMatch() || !knownTypes.contains(parts[3])
                        || out.types.contains(parts[2]) || sampled.contains(parts[2]))
                        return fail(QStringLiteral("bad, repeated or late TYPE"));
                    out.types.insert(parts[2], parts[3]);
                }
                continue;
            }
            // name{label="value",...} value [timestamp]
            int i = 0;
            while (i < line.size() && line[i] != QLatin1Char('{') && line[i] != QLatin1Char(' '))
                ++i;
            const QString name = line.left(i);
            if (!metricName.match(name).hasMatch())
                return fail(QStringLiteral("bad metric name"));
            QMap<QString, QString> labels;
            if (i < line.size() && line[i] == QLatin1Char('{')) {
                ++i;
                while (i < line.size() && line[i] != QLatin1Char('}')) {
                    const int eq = int(line.indexOf(QLatin1Char('='), i));
                    if (eq < 0)
                        return fail(QStringLiteral("label without ="));
                    const QString label = line.mid(i, eq - i);
                    if (!labelName.match(label).hasMatch() || labels.contains(label))
                        return fail(QStringLiteral("bad or repeated label name"));
                    i = eq + 1;
                    if (i >= line.size() || line[i] != QLatin1Char('"'))
                        return fail(QStringLiteral("label value not quoted"));
                    ++i;
                    QString value;
                    bool closed = false;
                    while (i < line.size()) {
                        const QChar c = line[i++];
                        if (c == QLatin1Char('\\')) {
                            if (i >= line.size())
                                return fail(QStringLiteral("dangling escape"));
                            const QChar e = line[i++];
                            if (e == QLatin1Char('n'))
                                value += QLatin1Char('\n');
                            else if (e == QLatin1Char('\\') || e == QLatin1Char('"'))
                                value += e;
                            else
                                return fail(QStringLiteral("bad escape"));
                        } else if (c == QLatin1Char('"')) {
                            closed = true;
                            break;
                        } else {
                            value += c;
                        }
                    }
                    if (!closed)
                        return fail(QStringLiteral("unterminated label value"));
                    labels.insert(label, value);
                    if (i < line.size() && line[i] == QLatin1Char(','))
                        ++i;
                }
                if (i >= line.size())
                    return fail(QStringLiteral("unterminated label set"));
                ++i; // '}'
            }
            if (i >= line.size() || line[i] != QLatin1Char(' '))
                return fail(QStringLiteral("no value"));
            const QStringList rest = line.mid(i + 1).split(QLatin1Char(' '));
            double value = 0;
            if (rest.isEmpty() || rest.size() > 2 || !parseValue(rest[0], &value))
                return fail(QStringLiteral("bad value"));
            const QString family = out.familyOf(name);
            if (family.isEmpty())
                return fail(QStringLiteral("sample before its TYPE"));
            sampled.insert(family);
            const QString type = out.types.value(family);
            if ((type == QLatin1String("counter")) && (value < 0 || std::isnan(value)))
                return fail(QStringLiteral("negative counter"));
            if (name.endsWith(QLatin1String("_bucket")) && !labels.contains(QStringLiteral("le")))
                return fail(QStringLiteral("bucket without le"));
            QStringList pairs;
            for (auto it = labels.cbegin(); it != labels.cend(); ++it)
                pairs.append(it.key() + QStringLiteral("=\"") + it.value() + QLatin1Char('"'));
            const QString series = pairs.isEmpty() ? name : name + QLatin1Char('{') + pairs.join(QLatin1Char(',')) + QLatin1Char('}');
            if (out.samples.contains(series))
                return fail(QStringLiteral("repeated series"));
            out.samples.insert(series, value);
        }
        // Histograms: cumulative buckets ending in +Inf, which equals _count.
        for (auto it = out.types.cbegin(); it != out.types.cend(); ++it) {
            if (it.value() != QLatin1String("histogram"))
                continue;
            QMap<double, double> buckets;
            for (auto s = out.samples.cbegin(); s != out.samples.cend(); ++s) {
                if (!s.key().startsWith(it.key() + QStringLiteral("_bucket{")))
                    continue;
                static const QRegularExpression le(QStringLiteral("le=\"([^\"]*)\""));
                double bound = 0;
                if (!parseValue(le.match(s.key()).captured(1), &bound)) {
                    out.error = QStringLiteral("%1: bad le").arg(s.key());
                    return out;
                }
                buckets.insert(bound, s.value());
            }
            double previous = 0;
            for (auto b = buckets.cbegin(); b != buckets.cend(); ++b) {
                if (b.value() < previous) {
                    out.error = QStringLiteral("%1: buckets not cumulative").arg(it.key());
                    return out;
                }
                previous = b.value();
            }
            if (buckets.isEmpty() || !std::isinf(buckets.lastKey())
                || buckets.last() != out.samples.value(it.key() + QStringLiteral("_count"), -1)
                || !out.samples.contains(it.key() + QStringLiteral("_sum"))) {
                out.error = QStringLiteral("%1: no +Inf bucket equal to _count, or no _sum").arg(it.key());
                return out;
            }
        }
        return out;
    }
};

} // namespace TestUtil
