#include "tokenservice.h"

#include <QCryptographicHash>
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
    const QJsonObject header{ { QStringLiteral("alg"), QStringLiteral("HS256") },
                              { QStringLiteral("typ"), QStringLiteral("JWT") } };
    const qint64 expMs = nowMs + ttlMs;
    QJsonObject payload{ { QStringLiteral("sub"), subject },
                         { QStringLiteral("name"), name },
                         { QStringLiteral("iat"), double(nowMs / 1000) } };
    // Whole seconds stay integers in the JSON; sub-second TTLs (tests) need ms precision.
    payload.insert(QStringLiteral("exp"), expMs % 1000 == 0 ? double(expMs / 1000) : double(expMs) / 1000.0);
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
    if (header.value(QStringLiteral("alg")).toString() != QLatin1String("HS256"))
        return Verdict::Invalid;
    const QJsonObject payload = QJsonDocument::fromJson(payloadJson).object();
    const QString sub = payload.value(QStringLiteral("sub")).toString();
    const QJsonValue exp = payload.value(QStringLiteral("exp"));
    if (sub.isEmpty() || !exp.isDouble())
        return Verdict::Invalid;
    const qint64 expMs = qint64(std::llround(exp.toDouble() * 1000.0));
    if (claims) {
        claims->subject = sub;
        claims->name = payload.value(QStringLiteral("name")).toString(sub);
        claims->issuedAtMs = qint64(payload.value(QStringLiteral("iat")).toDouble() * 1000.0);
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

QByteArray TokenService::refreshTokenHash(const QString &refreshToken)
{
    return QCryptographicHash::hash(refreshToken.toUtf8(), QCryptographicHash::Sha256).toHex();
}

} // namespace Tether
