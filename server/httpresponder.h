#pragma once
// Answers one HTTP/1.1 request on a raw socket with a JSON body and closes it (one request per
// connection), and bounds how long a socket may take to send its request or read the answer.

#include <QByteArray>

class QJsonObject;
class QTcpSocket;

namespace Tether {

class HttpResponder
{
public:
    // How long a peer may take to send its request head (and body), and to read the answer.
    static constexpr int TimeoutMs = 10000;

    // Aborts the socket unless disarmTimeout() comes first.
    static void armTimeout(QTcpSocket *socket);
    static void disarmTimeout(QTcpSocket *socket);

    // Stops reading, writes the response with Connection: close and closes the socket.
    static void write(QTcpSocket *socket, int status, const QJsonObject &body,
                      const QByteArray &extraHeaders = QByteArray());

    // The same with any body (e.g. the text of /metrics).
    static void writeRaw(QTcpSocket *socket, int status, const QByteArray &contentType, const QByteArray &payload,
                         const QByteArray &extraHeaders = QByteArray());

    static const char *reasonPhrase(int status);
};

} // namespace Tether
