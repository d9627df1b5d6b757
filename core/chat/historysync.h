#pragma once
// HistorySync fills gaps: it knows how far the server said each conversation goes and which
// history requests are on the wire, and asks for the page after the local watermark while
// something is missing (a hole below a held seq, or the server is ahead). One request per
// conversation at a time; the next page is asked for when this one has been applied.

#include "historyrequestframe.h"

#include <QHash>
#include <QSet>
#include <QString>

#include <functional>

namespace Tether {

class MessageStore;

class HistorySync
{
public:
    // Writes a request; false when it could not (the link is down).
    using Writer = std::function<bool(const Protocol::HistoryRequestFrame &)>;

    HistorySync(const MessageStore *store, int pageLimit, Writer writer);

    // The server's last seq of a conversation (welcome, joined); forget() when it is gone.
    void setServerLastSeq(const QString &conversation, qint64 seq);
    qint64 serverLastSeq(const QString &conversation) const { return m_serverLastSeq.value(conversation); }
    void forget(const QString &conversation);
    void forgetServerState(); // a new welcome lists everything again
    void reset();             // the link is gone: no request will be answered

    // The server cut this conversation's replay (synced.more): there is more to page, whatever
    // last_seq said, until a history page says has_more=false.
    void markMore(const QString &conversation) { m_more.insert(conversation); }
    void clearMore(const QString &conversation) { m_more.remove(conversation); }
    bool hasMore(const QString &conversation) const { return m_more.contains(conversation); }

    // Something after the watermark is missing: held beyond it, or the server has more.
    bool hasGap(const QString &conversation, qint64 watermark) const;
    bool isInFlight(const QString &conversation) const { return m_inFlight.contains(conversation); }
    // Asks for the page after the local watermark unless a request for it is on the wire.
    void request(const QString &conversation);
    // request() if there is a gap after watermark.
    void fill(const QString &conversation, qint64 watermark);

    // A page arrived (its messages are the caller's to apply). An empty last page means the
    // server has nothing beyond what is held: it is never asked for that range again.
    void pageReceived(const QString &conversation, const QString &requestId, bool emptyAndLast);
    // The server refused the request with this id: its conversation, or empty when it was not one
    // of ours. The conversation may be asked for again.
    QString takeRefused(const QString &requestId);

private:
    const MessageStore *m_store;
    int m_pageLimit;
    Writer m_writer;
    QHash<QString, qint64> m_serverLastSeq;
    QHash<QString, QString> m_requests; // request id -> conversation
    QSet<QString> m_inFlight;           // conversations
    QSet<QString> m_more;               // conversations the replay left more of (synced.more)
    int m_counter = 0;
};

} // namespace Tether
