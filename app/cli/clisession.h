#pragma once
// One run of tether-cli in connection mode: stdin lines become text frames, the manager's events
// are printed, and stdin EOF ends the run (flush with a bounded wait, close 1000, exit code).

#include "clioptions.h"

#include <QObject>
#include <QTimer>

namespace Tether {

class ConnectionManager;
class EventPrinter;
class StdinReader;

class CliSession : public QObject
{
    Q_OBJECT
public:
    explicit CliSession(const CliOptions &options, QObject *parent = nullptr);

    void start();
    // Ends the run now: close with 1000 (bounded wait), then finished(exitCode). E.g. on SIGINT.
    void stop(int exitCode);

Q_SIGNALS:
    void finished(int exitCode);

private:
    void onStdinFinished();
    void checkFlushed();
    void finish(int exitCode);
    void exit();

    CliOptions m_options;
    ConnectionManager *m_manager;
    EventPrinter *m_printer;
    StdinReader *m_stdin;
    QTimer m_flushTimer;
    bool m_eof = false;
    bool m_finishing = false;
    bool m_exited = false;
    int m_exitCode = 0;
};

} // namespace Tether
