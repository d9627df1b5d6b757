#pragma once
// tether-server's log output: Qt's usual text lines, or --log-format json (one object per line:
// time, level, category, event and fields). event() is the structured call site; any other qDebug/
// qCInfo line becomes event "log" with its text in "message".

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QLoggingCategory>
#include <QString>

#include <initializer_list>
#include <utility>

namespace Tether {

class ServerLog
{
public:
    enum class Format { Text, Json };
    using Field = std::pair<const char *, QJsonValue>;

    // "text" or "json"; nullopt-like false for anything else.
    static bool parseFormat(const QString &name, Format *format);
    // Installs the process-wide Qt message handler for the format (Text keeps Qt's default).
    static void install(Format format);

    // Logs one event with fields: in text "event key=value ...", in JSON as members of the object.
    // Fields whose name mentions a token, password or secret are written as "[redacted]".
    static void event(const QLoggingCategory &category, QtMsgType level, const char *event,
                      std::initializer_list<Field> fields);
    static void info(const QLoggingCategory &category, const char *name, std::initializer_list<Field> fields)
    {
        event(category, QtInfoMsg, name, fields);
    }

    // One JSON line (with the final '\n') for a message; fields/event come from event(), else
    // event is "log" and the text goes into "message". User text is escaped by the JSON encoder.
    static QByteArray jsonLine(const QDateTime &time, QtMsgType level, const char *category, const QString &message,
                               const char *event = nullptr, const QJsonObject &fields = QJsonObject());
    // The text form of an event's fields.
    static QString textLine(const char *event, const QJsonObject &fields);
};

} // namespace Tether
