#include "httpresponder.h"

#include "framecodec.h"

#include <QDateTime>
#include <QJsonObject>
#include <QLocale>
#include <QTcpSocket>
#include <QTimer>

namespace Tether {

namespace {
const auto kTimerName = QLatin1String("tether-head-timer");
} // namespace

void HttpResponder::armTimeout(QTcpSocket *socket)
{
    auto *timer = new QTimer(socket);
    timer->setObjectName(kTimerName);
    timer->setSingleShot(true);
    QObject::connect(timer, &QTimer::timeout, socket, [socket] { socket->abort(); });
    timer->start(TimeoutMs);
}

void HttpResponder::disarmTimeout(QTcpSocket *socket)
{
    delete socket->findChild<QTimer *>(kTimerName);
}

void HttpResponder::write(QTcpSocket *socket, int status, const QJsonObject &body, const QByteArray &extraHeaders)
{
    writeRaw(socket, status, "application/json", Protocol::FrameCodec::encodeUtf8(body), extraHeaders);
}

void HttpResponder::writeRaw(QTcpSocket *socket, int status, const QByteArray &contentType, const QByteArray &payload,
                             const QByteArray &extraHeaders)
{
    QObject::disconnect(socket, &QTcpSocket::readyRead, nullptr, nullptr);
    disarmTimeout(socket);
    QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    response += "Content-Type: " + contentType + "\r\nContent-Length: " + QByteArray::number(payload.size())
            + "\r\nConnection: close\r\nCache-Control: no-store\r\n"
            // RFC 9110 6.6.1: the server's clock, which clients use to judge token expiry before a
            // connection (and its welcome's server_time) exists.
            + "Date: " + QLocale::c().toString(QDateTime::currentDateTimeUtc(), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'")).toLatin1()
            + "\r\n" + extraHeaders + "\r\n" + payload;
    socket->write(response);
    // What the kernel takes now goes now: then the close below is immediate and the descriptor
    // is free at once (under a flood of refused connections that matters).
    socket->flush();
    socket->disconnectFromHost();
    // A peer that never reads its response must not keep the socket forever.
    QTimer::singleShot(TimeoutMs, socket, [socket] { socket->abort(); });
}

const char *HttpResponder::reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Error";
    }
}

} // namespace Tether
