#pragma once
// IncomingQueue holds the server's text frames until they are applied, in batches of at most
// batchSize (one store transaction and one round of signals each): a full batch at once, a partial
// one on the next event-loop pass, and the rest of a long burst a batch per pass, so the UI gets
// the event loop in between.

#include <QStringList>
#include <QTimer>

#include <functional>

namespace Tether {

class IncomingQueue
{
public:
    // process is called when a batch is ready; it takes it with takeBatch(). At most capacity frames
    // wait (a hostile or runaway server must not grow it without end); 0 means 16 batches.
    IncomingQueue(int batchSize, std::function<void()> process, int capacity = 0);

    // False when the queue is full: the frame is dropped and overflowed() is set until clear(). The
    // owner reports it and resyncs, so nothing is lost silently.
    bool append(const QString &text);
    bool overflowed() const { return m_overflowed; }
    // Drops every waiting frame and the overflow mark (before a resync).
    void clear();
    int capacity() const { return m_capacity; }
    // The oldest frames, at most batchSize; what is left is processed on the next pass.
    QStringList takeBatch();
    bool isEmpty() const { return m_texts.isEmpty(); }
    int size() const { return int(m_texts.size()); }

private:
    int m_batchSize;
    int m_capacity;
    bool m_overflowed = false;
    std::function<void()> m_process;
    QStringList m_texts;
    QTimer m_timer;
};

} // namespace Tether
