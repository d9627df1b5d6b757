#pragma once
// Shared by the chat tests: a ChatServer on 127.0.0.1:0 with its files in a temporary directory,
// HTTP login, and ms-scale ConnectionConfig settings.

#include "chatserver.h"
#include "connectionconfig.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTemporaryDir>
#include <QTimer>

#include <memory>

namespace ChatTest {

// Generous: the machine is shared and ASan makes everything 2-3x slower.
constexpr int kTimeout = 20000;

inline QString str(const char *s) { return QString::fromLatin1(s); }

struct Server
{
    QTemporaryDir dir;
    Tether::ServerConfig config;
    std::unique_ptr<Tether::ChatServer> server;

    Server()
    {
        config.databasePath = dir.filePath(str("server.sqlite"));
        config.allowGuests = true;
        config.demo = true;
        config.passwordIterations = 1000;
        config.restartSpreadMs = 50;
        config.shutdownGraceMs = 500;
    }

    bool start(QString *error = nullptr)
    {
        server = std::make_unique<Tether::ChatServer>(config);
        if (!server->start(error))
            return false;
        config.port = server->port(); // a restart comes back on the same port
        return true;
    }

    // Graceful shutdown, waiting for finished(); the object is gone afterwards.
    void stop()
    {
        if (!server)
            return;
        QEventLoop loop;
        QObject::connect(server.get(), &Tether::ChatServer::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(kTimeout, &loop, &QEventLoop::quit);
        server->shutdown();
        loop.exec();
        server.reset();
    }

    bool addUser(const QString &name, const QString &password = str("secret-pw"))
    {
        return server->addUser(name, password);
    }
};

// POST /api/auth/login; returns the access token or an empty string.
inline QString login(const QUrl &httpUrl, const QString &user, const QString &password = str("secret-pw"))
{
    QNetworkAccessManager nam;
    QUrl url = httpUrl;
    url.setPath(str("/api/auth/login"));
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, str("application/json"));
    const QByteArray body = QJsonDocument(QJsonObject{{str("username"), user}, {str("password"), password}})
                                .toJson(QJsonDocument::Compact);
    QNetworkReply *reply = nam.post(request, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(kTimeout, &loop, &QEventLoop::quit);
    loop.exec();
    const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return answer.value(str("access_token")).toString();
}

// Reconnects within milliseconds, notices a dead link within about a second.
inline Tether::ConnectionConfig fastConfig(const QUrl &url, const QString &token = QString())
{
    Tether::ConnectionConfig c;
    c.url = url;
    c.credentials.accessToken = token;
    c.heartbeatMode = Tether::ConnectionConfig::HeartbeatMode::Frame;
    c.heartbeatIntervalMs = 300;
    c.pongTimeoutMs = 700;
    c.connectTimeoutMs = 2000;
    c.probeTimeoutMs = 500;
    c.minUptimeMs = 0;
    c.backoff.initialMs = 20;
    c.backoff.multiplier = 2.0;
    c.backoff.maxMs = 200;
    c.backoff.jitter = Tether::BackoffPolicy::Jitter::Full;
    c.queueLimit = 100000;
    return c;
}

} // namespace ChatTest
