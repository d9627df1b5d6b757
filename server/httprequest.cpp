#include "httprequest.h"

#include <QUrl>

namespace Tether {

HttpRequest HttpRequest::parseHead(const QByteArray &data)
{
    HttpRequest request;
    const qsizetype end = data.indexOf("\r\n\r\n");
    if (end < 0)
        return request;
    request.m_headLength = end + 4;
    request.m_state = State::Malformed;

    const QList<QByteArray> lines = data.left(end).split('\n');
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine[2].startsWith("HTTP/1.") || requestLine[0].isEmpty())
        return request;
    request.m_method = requestLine[0];
    const QByteArray target = requestLine[1];
    if (!target.startsWith('/'))
        return request;
    const qsizetype question = target.indexOf('?');
    request.m_path = QUrl::fromPercentEncoding(question < 0 ? target : target.left(question)).toUtf8();
    if (question >= 0)
        request.m_query = QUrlQuery(QString::fromUtf8(target.mid(question + 1)));

    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        if (line.isEmpty())
            continue;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return request;
        request.m_headers.append({ line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed() });
    }
    const QByteArray length = request.header("content-length");
    if (!length.isEmpty()) {
        bool ok = false;
        request.m_contentLength = length.toLongLong(&ok);
        if (!ok || request.m_contentLength < 0)
            return request;
    }
    request.m_state = State::Complete;
    return request;
}

QByteArray HttpRequest::header(const QByteArray &name) const
{
    const QByteArray key = name.toLower();
    for (const auto &header : m_headers) {
        if (header.first == key)
            return header.second;
    }
    return QByteArray();
}

bool HttpRequest::isWebSocketUpgrade() const
{
    return header("upgrade").trimmed().toLower() == "websocket";
}

} // namespace Tether
