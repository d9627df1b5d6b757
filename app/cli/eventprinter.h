#pragma once
// Prints what a ConnectionManager does to stdout: one JSON object per line with "event" and
// "t_ms" (monotonic ms since start), or short human-readable lines. Other modes (e.g. chat) call
// print() with their own events.

#include "connectionmanager.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>

namespace Tether {

class EventPrinter : public QObject
{
    Q_OBJECT
public:
    explicit EventPrinter(bool json, QObject *parent = nullptr);

    void attach(ConnectionManager *manager);
    // fields must not contain secrets.
    void print(const QString &event, QJsonObject fields = {});
    bool isJson() const { return m_json; }
    qint64 elapsedMs() const { return m_clock.elapsed(); }

    static QString errorName(ConnectionManager::Error error); // "queue_full"
    // "transport":"websocket"|"long-poll", and on the fallback "fallback_reason" (what was blocked).
    static void addTransport(QJsonObject &fields, const ConnectionManager *manager);

private:
    bool m_json;
    int m_scheduledAttempt = 0;
    int m_scheduledDelayMs = 0;
    QElapsedTimer m_clock;
};

} // namespace Tether
