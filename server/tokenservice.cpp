#include "tokenservice.h"

#include "keys.h"
#include "privatefile.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>

#include <cmath>

namespace Tether {

namespace {
const auto kBase64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

bool decodeBase64Url(const QByteArray &in, QByteArray *out)
{
    auto result = QByteArray::fromBase64Encoding(in, QByteArray::Base64UrlEncoding
                                                         | QByteArray::AbortOnBase64DecodingErrors);
    if (!result)
        return false;
    *out = *result;
    return true;
}
} // namespace

TokenService::TokenService(const QByteArray &secret) : m_secret(secret) { }

bool TokenService::loadOrCreateSecret(const QString &path, QString *errorMessage)
{
    QFile file(path);
    if (file.exists()) {
        // Anyone who can read it can mint tokens for every user: refuse rather than serve.
        if (PrivateFile::isExposed(path)) {
            if (errorMessage)
                *errorMessage = QStringLiteral("secret file %1 is readable or writable by group or others; "
                                               "allow its owner only (chmod 600 %1) and start again").arg(path);
            return false;
        }
        if (!file.open(QIODevice::ReadOnly)) {
            if (errorMessage)
                *errorMessage = QStringLiteral("cannot read secret file %1: %2").arg(path, file.errorString());
            return false;
        }
        const QByteArray secret = file.readAll().trimmed();
        if (secret.size() < 16) {
            if (errorMessage)
                *errorMessage = QStringLiteral("secret file %1 is too short (need at least 16 bytes)").arg(path);
            return false;
        }
        setSecret(secret);
        return true;
    }
    QByteArray raw(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(raw.data()),
                                         reinterpret_cast<quint32 *>(raw.data() + raw.size()));
    const QByteArray secret = raw.toHex();
    // Created 0600 from the first byte, and never over a secret another process created meanwhile.
    if (!PrivateFile::create(path, secret + '\n', errorMessage))
        return false;
    setSecret(secret);
    return true;
}

QByteArray TokenService::base64Url(const QByteArray &data)
{
    return data.toBase64(kBase64Url);
}

bool TokenService::constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

QByteArray TokenService::sign(const QByteArray &signingInput) const
{
    return QMessageAuthenticationCode::hash(signingInput, m_secret, QCryptographicHash::Sha256);
}

QString TokenService::issue(const QString &subject, const QString &name, qint64 nowMs, qint64 ttlMs) const
{
    const QJsonObject header{ { Protocol::Key::Alg, Protocol::Value::JwtAlgorithm },
                              { Protocol::Key::Typ, Protocol::Value::JwtType } };
    const qint64 expMs = nowMs + ttlMs;
    QJsonObject payload{ { Protocol::Key::Sub, subject },
                         { Protocol::Key::Name, name },
                         { Protocol::Key::Iat, double(nowMs / 1000) } };
    // Whole seconds stay integers in the JSON; sub-second TTLs (tests) need ms precision.
    payload.insert(Protocol::Key::Exp, expMs % 1000 == 0 ? double(expMs / 1000) : double(expMs) / 1000.0);
    const QByteArray input = base64Url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
            + base64Url(QJsonDocument(payload).toJson(QJsonDocument::Compact));
    return QString::fromLatin1(input + '.' + base64Url(sign(input)));
}

TokenService::Verdict TokenService::verify(const QString &token, qint64 nowMs, Claims *claims) const
{
    if (m_secret.isEmpty())
        return Verdict::Invalid;
    const QByteArray raw = token.toLatin1();
    const QList<QByteArray> parts = raw.split('.');
    if (parts.size() != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty())
        return Verdict::Invalid;
    QByteArray signature;
    if (!decodeBase64Url(parts[2], &signature))
        return Verdict::Invalid;
    if (!constantTimeEquals(sign(parts[0] + '.' + parts[1]), signature))
        return Verdict::Invalid;

    QByteArray headerJson, payloadJson;
    if (!decodeBase64Url(parts[0], &headerJson) || !decodeBase64Url(parts[1], &payloadJson))
        return Verdict::Invalid;
    const QJsonObject header = QJsonDocument::fromJson(headerJson).object();
    if (header.value(Protocol::Key::Alg).toString() != Protocol::Value::JwtAlgorithm)
        return Verdict::Invalid;
    const QJsonObject payload = QJsonDocument::fromJson(payloadJson).object();
    const QString sub = payload.value(Protocol::Key::Sub).toString();
    const QJsonValue exp = payload.value(Protocol::Key::Exp);
    if (sub.isEmpty() || !exp.isDouble())
        return Verdict::Invalid;
    const qint64 expMs = qint64(std::llround(exp.toDouble() * 1000.0));
    if (claims) {
        claims->subject = sub;
        claims->name = payload.value(Protocol::Key::Name).toString(sub);
        claims->issuedAtMs = qint64(payload.value(Protocol::Key::Iat).toDouble() * 1000.0);
        claims->expiresAtMs = expMs;
    }
    return nowMs >= expMs ? Verdict::Expired : Verdict::Valid;
}

QString TokenService::newRefreshToken()
{
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(bytes.data()),
                                         reinterpret_cast<quint32 *>(bytes.data() + bytes.size()));
    return QString::fromLatin1(base64Url(bytes));
}

QString TokenService::successorRefreshToken(const QString &refreshToken) const
{
    return QString::fromLatin1(base64Url(sign("tether-refresh-successor:" + refreshToken.toUtf8())));
}

QByteArray TokenService::refreshTokenHash(const QString &refreshToken)
{
    return QCryptographicHash::hash(refreshToken.toUtf8(), QCryptographicHash::Sha256).toHex();
}

} // namespace Tether
