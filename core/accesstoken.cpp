#include "accesstoken.h"

#include "keys.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>

namespace Tether {

static std::optional<QDateTime> secondsClaim(const QJsonObject &claims, QLatin1String name, QString *error)
{
    const QJsonValue value = claims.value(name);
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    if (!value.isDouble()) {
        *error = QStringLiteral("JWT claim '%1' is not a number").arg(name);
        return std::nullopt;
    }
    return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(value.toDouble() * 1000.0), Qt::UTC);
}

AccessToken AccessToken::parse(const QString &token)
{
    AccessToken result;
    result.m_empty = token.isEmpty();
    const QStringList parts = token.split(QLatin1Char('.'));
    // Opaque tokens are legitimate: used as is, with no known expiry.
    static const QRegularExpression base64url(QStringLiteral("^[A-Za-z0-9_-]*={0,2}$"));
    if (parts.size() != 3 || parts[0].isEmpty() || parts[1].isEmpty()
        || !std::all_of(parts.cbegin(), parts.cend(), [](const QString &p) { return base64url.match(p).hasMatch(); }))
        return result;

    // A three-part base64url token whose header decodes to a JSON object is a JWT.
    const auto decode = [](const QString &part) {
        return QByteArray::fromBase64(part.toLatin1(), QByteArray::Base64UrlEncoding);
    };
    const QJsonDocument header = QJsonDocument::fromJson(decode(parts[0]));
    if (!header.isObject())
        return result;
    result.m_jwt = true;

    QJsonParseError parseError;
    const QJsonDocument payload = QJsonDocument::fromJson(decode(parts[1]), &parseError);
    if (parseError.error != QJsonParseError::NoError || !payload.isObject()) {
        result.m_error = QStringLiteral("JWT payload is not a JSON object");
        return result;
    }
    const QJsonObject claims = payload.object();
    result.m_expiresAt = secondsClaim(claims, Protocol::Key::Exp, &result.m_error);
    result.m_issuedAt = secondsClaim(claims, Protocol::Key::Iat, &result.m_error);
    return result;
}

bool AccessToken::needsRefresh(const QDateTime &now, int skewMs) const
{
    return m_expiresAt && now.msecsTo(*m_expiresAt) <= skewMs;
}

qint64 AccessToken::msUntilProactiveRefresh(const QDateTime &now, int skewMs) const
{
    if (!m_expiresAt)
        return -1;
    qint64 dueAt = m_expiresAt->toMSecsSinceEpoch() - skewMs;
    if (m_issuedAt && *m_issuedAt < *m_expiresAt) {
        const qint64 lifetime = m_issuedAt->msecsTo(*m_expiresAt);
        dueAt = std::min(dueAt, m_issuedAt->toMSecsSinceEpoch() + lifetime * 8 / 10);
    }
    return std::max<qint64>(0, dueAt - now.toMSecsSinceEpoch());
}

} // namespace Tether
