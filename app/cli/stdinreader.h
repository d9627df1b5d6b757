#pragma once
// Reads stdin line by line without blocking the event loop (pipes, files and terminals alike).

#include <QObject>

class QSocketNotifier;

namespace Tether {

class StdinReader : public QObject
{
    Q_OBJECT
public:
    explicit StdinReader(QObject *parent = nullptr);

    void start();

Q_SIGNALS:
    void lineRead(const QString &line); // without the line break
    void finished();                    // EOF (or a read error)

private:
    void readAvailable();

    QSocketNotifier *m_notifier = nullptr;
    QByteArray m_buffer;
    bool m_done = false;
};

} // namespace Tether
