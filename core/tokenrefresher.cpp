#include "tokenrefresher.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace Tether {

TokenRefresher::TokenRefresher(QObject *parent)
    : QObject(parent)
    , m_nam(new QNetworkAccessManager(this))
{
}

TokenRefresher::~TokenRefresher()
{
    cancel();
}

bool TokenRefresher::isRunning() const
{
    return !m_reply.isNull();
}

bool TokenRefresher::refresh(const QUrl &url, const QString &refreshToken, int timeoutMs)
{
    if (isRunning())
        return false;
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(timeoutMs);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    const QByteArray body = QJsonDocument(QJsonObject { { QStringLiteral("refresh_token"), refreshToken } })
                                    .toJson(QJsonDocument::Compact);
    QNetworkReply *reply = m_nam->post(request, body);
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onReplyFinished(reply); });
    return true;
}

void TokenRefresher::cancel()
{
    if (QNetworkReply *reply = m_reply.data()) {
        m_reply.clear();
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

void TokenRefresher::onReplyFinished(QNetworkReply *reply)
{
    reply->deleteLater();
    if (reply != m_reply.data())
        return;
    m_reply.clear();

    Outcome outcome;
    outcome.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    const int status = outcome.httpStatus;

    if (status == 400 || status == 401 || status == 403) {
        outcome.result = Result::Rejected;
        outcome.error = QStringLiteral("refresh rejected (HTTP %1)").arg(status);
    } else if (reply->error() != QNetworkReply::NoError || status < 200 || status >= 300) {
        outcome.result = Result::TransientError;
        outcome.error = status > 0 ? QStringLiteral("refresh failed (HTTP %1)").arg(status)
                                   : QStringLiteral("refresh failed: %1").arg(reply->errorString());
    } else {
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
        const QJsonObject obj = doc.object();
        const QString access = obj.value(QStringLiteral("access_token")).toString();
        if (parseError.error != QJsonParseError::NoError || !doc.isObject() || access.isEmpty()) {
            // A broken answer from a reachable server: treat as transient, the server may recover.
            outcome.result = Result::TransientError;
            outcome.error = QStringLiteral("refresh answer has no access_token");
        } else {
            outcome.result = Result::Success;
            outcome.accessToken = access;
            outcome.refreshToken = obj.value(QStringLiteral("refresh_token")).toString();
            const QJsonValue expiresIn = obj.value(QStringLiteral("expires_in"));
            if (expiresIn.isDouble() && expiresIn.toDouble() > 0)
                outcome.expiresInMs = qint64(expiresIn.toDouble() * 1000.0);
        }
    }
    Q_EMIT finished(outcome);
}

} // namespace Tether
