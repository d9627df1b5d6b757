#pragma once
// Turns SIGINT/SIGTERM into a Qt signal (self-pipe), so tether-cli can close with 1000 on Ctrl-C.

#include <QObject>

class QSocketNotifier;

namespace Tether {

class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void received(int signalNumber);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace Tether
