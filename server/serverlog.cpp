#include "serverlog.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageLogger>
#include <QRegularExpression>

#include <cstdio>
#include <cstdlib>

namespace Tether {

namespace {
// The event being logged on this thread while event() hands its text to Qt, so the JSON handler
// can write the fields as fields.
thread_local const char *t_event = nullptr;
thread_local const QJsonObject *t_fields = nullptr;

const char *levelName(QtMsgType level)
{
    switch (level) {
    case QtDebugMsg:
        return "debug";
    case QtInfoMsg:
        return "info";
    case QtWarningMsg:
        return "warning";
    case QtCriticalMsg:
        return "critical";
    case QtFatalMsg:
        return "fatal";
    }
    return "info";
}

bool isSecretName(const QString &name)
{
    return name.contains(QLatin1String("token"), Qt::CaseInsensitive)
            || name.contains(QLatin1String("password"), Qt::CaseInsensitive)
            || name.contains(QLatin1String("secret"), Qt::CaseInsensitive);
}

void jsonHandler(QtMsgType level, const QMessageLogContext &context, const QString &message)
{
    const QByteArray line = ServerLog::jsonLine(QDateTime::currentDateTimeUtc(), level, context.category, message,
                                                t_event, t_fields ? *t_fields : QJsonObject());
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
    if (level == QtFatalMsg)
        std::abort();
}
} // namespace

bool ServerLog::parseFormat(const QString &name, Format *format)
{
    if (name == QLatin1String("text"))
        *format = Format::Text;
    else if (name == QLatin1String("json"))
        *format = Format::Json;
    else
        return false;
    return true;
}

void ServerLog::install(Format format)
{
    qInstallMessageHandler(format == Format::Json ? jsonHandler : nullptr);
}

void ServerLog::event(const QLoggingCategory &category, QtMsgType level, const char *event,
                      std::initializer_list<Field> fields)
{
    if (!category.isEnabled(level))
        return;
    QJsonObject object;
    for (const Field &field : fields) {
        const QString name = QString::fromLatin1(field.first);
        object.insert(name, isSecretName(name) ? QJsonValue(QStringLiteral("[redacted]")) : field.second);
    }
    t_event = event;
    t_fields = &object;
    const QString text = textLine(event, object);
    QMessageLogger logger(nullptr, 0, nullptr, category.categoryName());
    if (level == QtWarningMsg || level == QtCriticalMsg || level == QtFatalMsg)
        logger.warning("%s", qUtf8Printable(text));
    else if (level == QtDebugMsg)
        logger.debug("%s", qUtf8Printable(text));
    else
        logger.info("%s", qUtf8Printable(text));
    t_event = nullptr;
    t_fields = nullptr;
}

QString ServerLog::textLine(const char *event, const QJsonObject &fields)
{
    QString text = QString::fromLatin1(event);
    for (auto it = fields.constBegin(); it != fields.constEnd(); ++it) {
        const QJsonValue value = it.value();
        QString shown;
        if (value.isString()) {
            // Quoted and escaped when it could be mistaken for more fields or lines.
            shown = value.toString();
            static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_.:|@/-]*$"));
            if (shown.isEmpty() || !plain.match(shown).hasMatch())
                shown = QString::fromUtf8(QJsonDocument(QJsonArray{ value }).toJson(QJsonDocument::Compact).mid(1).chopped(1));
        } else if (value.isDouble()) {
            const double d = value.toDouble();
            shown = d == double(qint64(d)) ? QString::number(qint64(d)) : QString::number(d, 'f', 3);
        } else if (value.isBool()) {
            shown = value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
        } else {
            shown = QString::fromUtf8(QJsonDocument(QJsonArray{ value }).toJson(QJsonDocument::Compact).mid(1).chopped(1));
        }
        text += QLatin1Char(' ') + it.key() + QLatin1Char('=') + shown;
    }
    return text;
}

QByteArray ServerLog::jsonLine(const QDateTime &time, QtMsgType level, const char *category, const QString &message,
                               const char *event, const QJsonObject &fields)
{
    QJsonObject object = fields;
    object.insert(QStringLiteral("time"), time.toUTC().toString(Qt::ISODateWithMs));
    object.insert(QStringLiteral("level"), QString::fromLatin1(levelName(level)));
    object.insert(QStringLiteral("category"), QString::fromLatin1(category ? category : "default"));
    if (event) {
        object.insert(QStringLiteral("event"), QString::fromLatin1(event));
    } else {
        object.insert(QStringLiteral("event"), QStringLiteral("log"));
        object.insert(QStringLiteral("message"), message);
    }
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

} // namespace Tether
