#pragma once
// The head of one HTTP/1.1 request as read from a raw socket: enough to route it to the WebSocket
// server or to the small JSON API. Pure parsing, no I/O.

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QUrlQuery>

namespace Tether {

class HttpRequest
{
public:
    enum class State { Incomplete, Complete, Malformed };

    // Parses the head at the start of data (up to the empty line).
    static HttpRequest parseHead(const QByteArray &data);

    State state() const { return m_state; }
    QByteArray method() const { return m_method; }
    QByteArray path() const { return m_path; }
    QUrlQuery query() const { return m_query; }
    QByteArray header(const QByteArray &name) const; // case-insensitive, first match
    qsizetype headLength() const { return m_headLength; } // bytes incl. the final CRLFCRLF
    qint64 contentLength() const { return m_contentLength; } // -1 when absent
    bool isWebSocketUpgrade() const;

private:
    State m_state = State::Incomplete;
    QByteArray m_method;
    QByteArray m_path;
    QUrlQuery m_query;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    qsizetype m_headLength = 0;
    qint64 m_contentLength = -1;
};

} // namespace Tether
