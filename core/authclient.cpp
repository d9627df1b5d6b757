#include "authclient.h"

#include "credentialsrequest.h"
#include "endpoints.h"
#include "framecodec.h"
#include "httperrorbody.h"
#include "keys.h"
#include "refreshrequest.h"
#include "userinfo.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace Tether {

namespace {
// Answers are a few hundred bytes: read no more than this from a hostile or confused server.
constexpr qint64 MaxAnswerBytes = 64 * 1024;
constexpr int MaxServerErrorChars = 64;

QString operationName(AuthClient::Operation operation)
{
    switch (operation) {
    case AuthClient::Operation::Login: return QStringLiteral("login");
    case AuthClient::Operation::Register: return QStringLiteral("registration");
    case AuthClient::Operation::Refresh: return QStringLiteral("refresh");
    }
    return QString();
}

AuthClient::Error errorForStatus(AuthClient::Operation operation, int status)
{
    using E = AuthClient::Error;
    if (operation == AuthClient::Operation::Refresh)
        return status == 400 || status == 401 || status == 403 ? E::InvalidToken : E::ServerError;
    if (status == 401)
        return E::InvalidCredentials;
    if (status == 403 && operation == AuthClient::Operation::Register)
        return E::RegistrationClosed;
    if (status == 409)
        return E::UserExists;
    if (status == 429)
        return E::RateLimited;
    if (status >= 400 && status < 500)
        return E::RequestRefused;
    return E::ServerError;
}
} // namespace

bool AuthClient::Result::isTransient() const
{
    return error == Error::NetworkError || error == Error::ServerError || error == Error::InvalidAnswer;
}

QString AuthClient::Result::errorString() const
{
    const QString what = operationName(operation);
    switch (error) {
    case Error::NoError:
        return QString();
    case Error::NetworkError:
        return QStringLiteral("%1 failed: %2").arg(what, networkError);
    case Error::InvalidAnswer:
        return QStringLiteral("%1 answer has no access_token").arg(what);
    case Error::ServerError:
        return QStringLiteral("%1 failed (HTTP %2)").arg(what).arg(httpStatus);
    case Error::InvalidToken:
        return QStringLiteral("%1 rejected (HTTP %2)").arg(what).arg(httpStatus);
    case Error::InvalidCredentials:
    case Error::RegistrationClosed:
    case Error::UserExists:
    case Error::RateLimited:
    case Error::RequestRefused:
        break;
    }
    return QStringLiteral("%1 refused (HTTP %2)%3")
            .arg(what)
            .arg(httpStatus)
            .arg(serverError.isEmpty() ? QString() : QStringLiteral(": ") + serverError);
}

AuthClient::AuthClient(QObject *parent)
    : QObject(parent)
    , m_nam(new QNetworkAccessManager(this))
{
    qRegisterMetaType<Tether::AuthClient::Result>();
}

AuthClient::~AuthClient()
{
    cancel();
}

QUrl AuthClient::httpBaseFor(const QUrl &serverUrl)
{
    const QString scheme = serverUrl.scheme().toLower();
    const bool secure = scheme == QLatin1String("wss") || scheme == QLatin1String("https");
    QUrl http;
    http.setScheme(secure ? QStringLiteral("https") : QStringLiteral("http"));
    http.setHost(serverUrl.host());
    http.setPort(serverUrl.port());
    return http;
}

QUrl AuthClient::refreshUrlFor(const QUrl &serverUrl)
{
    QUrl url = httpBaseFor(serverUrl);
    url.setPath(Protocol::Path::Refresh);
    return url;
}

void AuthClient::setServer(const QUrl &serverUrl)
{
    m_base = httpBaseFor(serverUrl);
}

bool AuthClient::isRunning() const
{
    return !m_reply.isNull();
}

bool AuthClient::login(const QString &userName, const QString &password)
{
    return postCredentials(Operation::Login, Protocol::Path::Login, userName, password);
}

bool AuthClient::registerAccount(const QString &userName, const QString &password)
{
    return postCredentials(Operation::Register, Protocol::Path::Register, userName, password);
}

bool AuthClient::postCredentials(Operation operation, QLatin1String path, const QString &userName,
                                 const QString &password)
{
    QUrl url = m_base;
    url.setPath(path);
    Protocol::CredentialsRequest body;
    body.username = userName;
    body.password = password;
    return post(operation, url, Protocol::FrameCodec::encodeUtf8(body.toJson()));
}

bool AuthClient::refresh(const QUrl &refreshUrl, const QString &refreshToken)
{
    Protocol::RefreshRequest body;
    body.refreshToken = refreshToken;
    return post(Operation::Refresh, refreshUrl, Protocol::FrameCodec::encodeUtf8(body.toJson()));
}

bool AuthClient::post(Operation operation, const QUrl &url, const QByteArray &body)
{
    if (isRunning())
        return false;
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(m_timeoutMs);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    m_operation = operation;
    m_requestUrl = url;
    QNetworkReply *reply = m_nam->post(request, body);
    m_reply = reply;
    m_answerTooLarge = false;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onReplyFinished(reply); });
    // QNetworkReply would buffer a body of any size: a hostile answer is cut off at the bound.
    connect(reply, &QNetworkReply::downloadProgress, this, [this, reply](qint64 received) {
        if (received > MaxAnswerBytes && reply == m_reply.data()) {
            m_answerTooLarge = true;
            reply->abort();
        }
    });
    return true;
}

void AuthClient::cancel()
{
    if (QNetworkReply *reply = m_reply.data()) {
        m_reply.clear();
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

void AuthClient::onReplyFinished(QNetworkReply *reply)
{
    reply->deleteLater();
    if (reply != m_reply.data())
        return;
    m_reply.clear();

    Result result;
    result.operation = m_operation;
    result.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const int status = result.httpStatus;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(reply->read(MaxAnswerBytes), &parseError);
    const QJsonObject answer = doc.object();

    const bool answered = status >= 200 && status < 300 ? reply->error() == QNetworkReply::NoError : status > 0;
    if (m_answerTooLarge && status >= 200 && status < 300) {
        result.error = Error::InvalidAnswer;
    } else if (!answered) { // no answer, or a 2xx cut short (timeout, reset)
        result.error = Error::NetworkError;
        result.networkError = reply->errorString();
    } else if (status < 200 || status >= 300) {
        result.error = errorForStatus(m_operation, status);
        if (const auto body = Protocol::HttpErrorBody::fromJson(answer))
            result.serverError = body->wireCode().left(MaxServerErrorChars);
    } else {
        // Read by hand rather than with Protocol::TokenResponse: a refresh URL may belong to another
        // server, which need not rotate the refresh token or say when the access token expires.
        const QString access = answer.value(Protocol::Key::AccessToken).toString();
        if (parseError.error != QJsonParseError::NoError || !doc.isObject() || access.isEmpty()) {
            result.error = Error::InvalidAnswer;
        } else {
            result.error = Error::NoError;
            result.credentials.accessToken = access;
            result.credentials.refreshToken = answer.value(Protocol::Key::RefreshToken).toString();
            result.credentials.refreshUrl = m_operation == Operation::Refresh ? m_requestUrl : refreshUrlFor(m_base);
            const QJsonValue expiresIn = answer.value(Protocol::Key::ExpiresIn);
            if (expiresIn.isDouble() && expiresIn.toDouble() > 0)
                result.expiresInMs = qint64(expiresIn.toDouble() * 1000.0);
            if (const auto user = Protocol::UserInfo::fromJson(answer.value(Protocol::Key::User).toObject()))
                result.userName = user->name;
        }
    }
    Q_EMIT finished(result);
}

} // namespace Tether
