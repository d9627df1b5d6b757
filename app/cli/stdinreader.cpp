#include "stdinreader.h"

#include <QSocketNotifier>

#include <cerrno>
#include <unistd.h>

namespace Tether {

StdinReader::StdinReader(QObject *parent)
    : QObject(parent)
{
}

void StdinReader::start()
{
    m_notifier = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &StdinReader::readAvailable);
}

void StdinReader::readAvailable()
{
    if (m_done)
        return;
    char chunk[65536];
    const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n > 0)
        m_buffer.append(chunk, int(n));
    qsizetype newline;
    while ((newline = m_buffer.indexOf('\n')) >= 0) {
        QByteArray line = m_buffer.left(newline);
        m_buffer.remove(0, newline + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        Q_EMIT lineRead(QString::fromUtf8(line));
    }
    if (n <= 0) {
        m_done = true;
        m_notifier->setEnabled(false);
        if (!m_buffer.isEmpty()) { // a last line without a line break still counts
            Q_EMIT lineRead(QString::fromUtf8(m_buffer));
            m_buffer.clear();
        }
        Q_EMIT finished();
    }
}

} // namespace Tether
