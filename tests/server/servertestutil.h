#pragma once
// Shared by the server tests: a real QWebSocket client that records frames and close codes, a
// server started on 127.0.0.1:0 with its files in a temporary directory, and HTTP helpers.

#include "chatserver.h"
#include "tokenservice.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTcpSocket>
#include <QTest>
#include <QUuid>
#include <QWebSocket>

#include <memory>

namespace TestUtil {

// Generous: the machine is shared and ASan makes everything 2-3x slower.
constexpr int kTimeout = 15000;

inline QString str(const char *s)
{
    return QString::fromLatin1(s);
}

class Client
{
public:
    Client()
    {
        m_socket.setMaxAllowedIncomingMessageSize(64 * 1024 * 1024);
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, &m_socket, [this](const QString &text) {
            m_frames.append(QJsonDocument::fromJson(text.toUtf8()).object());
        });
        QObject::connect(&m_socket, &QWebSocket::disconnected, &m_socket, [this] {
            m_closed = true;
            m_closeCode = int(m_socket.closeCode());
            m_closeReason = m_socket.closeReason();
        });
    }
    // Qt 6.4 leaks the close reason when a QWebSocket is destroyed while still open.
    ~Client() { m_socket.abort(); }
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;

    // Opens and waits until connected (true) or closed (false).
    bool open(const QUrl &url, const QString &bearer = QString())
    {
        QNetworkRequest request(url);
        if (!bearer.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + bearer.toLatin1());
        m_socket.open(request);
        return QTest::qWaitFor([&] { return m_socket.state() == QAbstractSocket::ConnectedState || m_closed; }, kTimeout)
                && m_socket.state() == QAbstractSocket::ConnectedState;
    }
    void send(const QJsonObject &frame)
    {
        m_socket.sendTextMessage(QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
    }
    void sendRaw(const QString &text) { m_socket.sendTextMessage(text); }

    // The next frame of this type after the cursor (which moves past it); empty object on timeout.
    QJsonObject waitFor(const QString &type, int timeoutMs = kTimeout)
    {
        QJsonObject found;
        const bool ok = QTest::qWaitFor([&] {
            for (int i = m_cursor; i < m_frames.size(); ++i) {
                if (m_frames[i].value(str("type")).toString() == type) {
                    found = m_frames[i];
                    m_cursor = i + 1;
                    return true;
                }
            }
            return false;
        }, timeoutMs);
        Q_UNUSED(ok)
        return found;
    }
    bool waitClosed(int timeoutMs = kTimeout)
    {
        return QTest::qWaitFor([&] { return m_closed; }, timeoutMs);
    }
    // hello + welcome + synced; returns the welcome.
    QJsonObject hello(const QJsonObject &resume = QJsonObject())
    {
        send(QJsonObject{ { str("type"), str("hello") }, { str("protocol"), 1 }, { str("resume"), resume } });
        const QJsonObject welcome = waitFor(str("welcome"));
        if (welcome.isEmpty() || waitFor(str("synced")).isEmpty())
            return QJsonObject();
        return welcome;
    }
    QJsonObject sendMessage(const QString &conversation, const QString &text, const QString &id = QString())
    {
        const QString messageId = id.isEmpty() ? QUuid::createUuid().toString(QUuid::WithoutBraces) : id;
        send(QJsonObject{ { str("type"), str("send") }, { str("id"), messageId },
                          { str("conversation"), conversation }, { str("text"), text } });
        return waitFor(str("ack"));
    }
    QList<QJsonObject> framesOfType(const QString &type) const
    {
        QList<QJsonObject> out;
        for (const QJsonObject &f : m_frames) {
            if (f.value(str("type")).toString() == type)
                out.append(f);
        }
        return out;
    }
    void skipAll() { m_cursor = int(m_frames.size()); }

    // What the server meant: Qt 6.4 turns close codes 1012-2999 into 1002 on receipt, so the
    // server announces every close in a "goodbye" frame first (docs/protocol.md).
    int intendedCloseCode() const
    {
        const QList<QJsonObject> goodbyes = framesOfType(str("goodbye"));
        return goodbyes.isEmpty() ? m_closeCode : goodbyes.last().value(str("code")).toInt();
    }
    QString intendedCloseReason() const
    {
        const QList<QJsonObject> goodbyes = framesOfType(str("goodbye"));
        return goodbyes.isEmpty() ? m_closeReason : goodbyes.last().value(str("reason")).toString();
    }

    QWebSocket &socket() { return m_socket; }
    const QList<QJsonObject> &frames() const { return m_frames; }
    bool isClosed() const { return m_closed; }
    int closeCode() const { return m_closeCode; }
    QString closeReason() const { return m_closeReason; }

private:
    QWebSocket m_socket;
    QList<QJsonObject> m_frames;
    int m_cursor = 0;
    bool m_closed = false;
    int m_closeCode = 0;
    QString m_closeReason;
};

// A minimal hand-written WebSocket client that reports the close code exactly as it is on the wire
// (QWebSocket cannot: it rewrites codes it considers invalid).
class RawClient
{
public:
    RawClient()
    {
        QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket, [this] { onData(); });
        QObject::connect(&m_socket, &QTcpSocket::disconnected, &m_socket, [this] { m_disconnected = true; });
    }
    bool open(const QUrl &url)
    {
        m_socket.connectToHost(url.host(), quint16(url.port()));
        if (!QTest::qWaitFor([&] { return m_socket.state() == QAbstractSocket::ConnectedState; }, kTimeout))
            return false;
        m_socket.write("GET " + url.path(QUrl::FullyEncoded).toLatin1() + " HTTP/1.1\r\nHost: " + url.host().toLatin1()
                       + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        return QTest::qWaitFor([&] { return m_upgraded || m_disconnected; }, kTimeout) && m_upgraded;
    }
    void sendText(const QByteArray &payload) { m_socket.write(maskedText(payload)); }
    // A masked text frame (payload under 64 KiB), as a client writes it.
    static QByteArray maskedText(const QByteArray &payload)
    {
        QByteArray frame;
        frame.append(char(0x81));
        const char mask[4] = { 0x12, 0x34, 0x56, 0x78 };
        if (payload.size() < 126) {
            frame.append(char(0x80 | payload.size()));
        } else {
            frame.append(char(0x80 | 126));
            frame.append(char((payload.size() >> 8) & 0xff));
            frame.append(char(payload.size() & 0xff));
        }
        frame.append(mask, 4);
        for (qsizetype i = 0; i < payload.size(); ++i)
            frame.append(char(payload[i] ^ mask[i % 4]));
        return frame;
    }
    bool waitClosed(int timeoutMs = kTimeout)
    {
        return QTest::qWaitFor([&] { return m_closeCode != 0 || m_disconnected; }, timeoutMs) && m_closeCode != 0;
    }
    int closeCode() const { return m_closeCode; }
    QByteArray closeReason() const { return m_closeReason; }
    const QList<QByteArray> &texts() const { return m_texts; }

private:
    void onData()
    {
        m_buffer += m_socket.readAll();
        if (!m_upgraded) {
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            m_upgraded = m_buffer.startsWith("HTTP/1.1 101");
            m_buffer.remove(0, end + 4);
        }
        while (m_buffer.size() >= 2) {
            const int opcode = uchar(m_buffer[0]) & 0x0f;
            qint64 length = uchar(m_buffer[1]) & 0x7f;
            int offset = 2;
            if (length == 126) {
                if (m_buffer.size() < 4)
                    return;
                length = (qint64(uchar(m_buffer[2])) << 8) | uchar(m_buffer[3]);
                offset = 4;
            } else if (length == 127) {
                if (m_buffer.size() < 10)
                    return;
                length = 0;
                for (int i = 0; i < 8; ++i)
                    length = (length << 8) | uchar(m_buffer[2 + i]);
                offset = 10;
            }
            if (m_buffer.size() < offset + length)
                return;
            const QByteArray payload = m_buffer.mid(offset, length);
            m_buffer.remove(0, offset + length);
            if (opcode == 0x1)
                m_texts.append(payload);
            else if (opcode == 0x8 && payload.size() >= 2) {
                m_closeCode = (uchar(payload[0]) << 8) | uchar(payload[1]);
                m_closeReason = payload.mid(2);
            }
        }
    }
    QTcpSocket m_socket;
    QByteArray m_buffer;
    QList<QByteArray> m_texts;
    bool m_upgraded = false;
    bool m_disconnected = false;
    int m_closeCode = 0;
    QByteArray m_closeReason;
};

// A server with its database and secret in a temporary directory; restartable on the same files.
class Fixture
{
public:
    explicit Fixture(Tether::ServerConfig config = Tether::ServerConfig())
    {
        config.databasePath = m_dir.filePath(str("server.sqlite"));
        config.secretFile = m_dir.filePath(str("secret"));
        config.passwordIterations = 1000;
        QFile secret(config.secretFile);
        // The server refuses a secret file that group or others may read.
        if (secret.open(QIODevice::WriteOnly | QIODevice::NewOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner))
            secret.write(secretBytes());
        m_config = config;
    }
    static QByteArray secretBytes() { return QByteArrayLiteral("test-secret-0123456789abcdef"); }

    Tether::ServerConfig &config() { return m_config; }
    QTemporaryDir &dir() { return m_dir; }

    Tether::ChatServer *start()
    {
        m_server.reset();
        m_server = std::make_unique<Tether::ChatServer>(m_config);
        QString error;
        if (!m_server->start(&error)) {
            qWarning("server start failed: %s", qPrintable(error));
            m_server.reset();
        }
        return m_server.get();
    }
    void stop() { m_server.reset(); }
    Tether::ChatServer *server() { return m_server.get(); }
    QUrl ws() const { return m_server->webSocketUrl(); }
    QUrl url(const char *path) const
    {
        QUrl u = m_server->httpUrl();
        u.setPath(str(path));
        return u;
    }
    // Mints a token with the server's secret; issuedAgoMs > ttlMs gives an expired one.
    QString token(const QString &user, qint64 ttlMs = 60000, qint64 issuedAgoMs = 0) const
    {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        return Tether::TokenService(secretBytes()).issue(user, user, now - issuedAgoMs, ttlMs);
    }

private:
    QTemporaryDir m_dir;
    Tether::ServerConfig m_config;
    std::unique_ptr<Tether::ChatServer> m_server;
};

struct HttpResult
{
    int status = 0;
    QJsonObject body;
    QByteArray raw;
};

inline HttpResult http(const QByteArray &method, const QUrl &url, const QByteArray &body = QByteArray())
{
    QNetworkAccessManager manager;
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply *reply = manager.sendCustomRequest(request, method, body);
    QSignalSpy spy(reply, &QNetworkReply::finished);
    HttpResult result;
    if (!reply->isFinished() && !spy.wait(kTimeout))
        return result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.raw = reply->readAll();
    result.body = QJsonDocument::fromJson(result.raw).object();
    reply->deleteLater();
    return result;
}

inline HttpResult postJson(const QUrl &url, const QJsonObject &body)
{
    return http("POST", url, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

} // namespace TestUtil
