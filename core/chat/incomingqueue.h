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
    // process is called when a batch is ready; it takes it with takeBatch().
    IncomingQueue(int batchSize, std::function<void()> process);

    void append(const QString &text);
    // The oldest frames, at most batchSize; what is left is processed on the next pass.
    QStringList takeBatch();
    bool isEmpty() const { return m_texts.isEmpty(); }
    int size() const { return int(m_texts.size()); }

private:
    int m_batchSize;
    std::function<void()> m_process;
    QStringList m_texts;
    QTimer m_timer;
};

} // namespace Tether
