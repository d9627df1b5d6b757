#include "secretredactor.h"

#include <QRegularExpression>
#include <QUrlQuery>

namespace Tether {

bool SecretRedactor::isSecretName(const QString &name)
{
    // Substrings on purpose: "x-api-key", "sessionid" and "Token" are all secrets.
    static const QRegularExpression re(
        QStringLiteral("token|password|passwd|secret|key|auth|signature|sig|session|cookie|code|jwt"),
        QRegularExpression::CaseInsensitiveOption);
    return re.match(name).hasMatch();
}

QUrl SecretRedactor::url(const QUrl &in, const QStringList &extraSecretParameters)
{
    QUrl out = in;
    // The user name too: in a URL it is often an API key or an account that is nobody's business.
    if (!out.userInfo().isEmpty())
        out.setUserInfo(placeholder());
    if (out.hasQuery()) {
        QUrlQuery query(out);
        auto items = query.queryItems(QUrl::FullyEncoded); // the rest of the query stays as it was
        for (auto &item : items) {
            if (isSecretName(item.first) || extraSecretParameters.contains(item.first, Qt::CaseInsensitive))
                item.second = placeholder();
        }
        query.setQueryItems(items);
        out.setQuery(query);
    }
    if (out.hasFragment() && isSecretName(out.fragment()))
        out.setFragment(placeholder());
    return out;
}

QString SecretRedactor::urlString(const QUrl &in, const QStringList &extraSecretParameters)
{
    return url(in, extraSecretParameters).toString();
}

QString SecretRedactor::text(const QString &in, const QStringList &knownSecrets)
{
    QString s = in;
    for (const QString &secret : knownSecrets) {
        if (secret.size() >= 4)
            s.replace(secret, placeholder());
    }
    // JWT: three base64url parts, the first one a JSON header ("eyJ").
    static const QRegularExpression jwt(
        QStringLiteral("eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]*"));
    s.replace(jwt, placeholder());
    static const QRegularExpression bearer(QStringLiteral("(Bearer\\s+)[^\\s\"',;]+"),
                                           QRegularExpression::CaseInsensitiveOption);
    s.replace(bearer, QStringLiteral("\\1") + placeholder());
    static const QRegularExpression query(
        QStringLiteral("([?&;](?:access_token|refresh_token|token|password|secret|api_key|key|auth|jwt)=)[^&\\s\"'#]+"),
        QRegularExpression::CaseInsensitiveOption);
    s.replace(query, QStringLiteral("\\1") + placeholder());
    static const QRegularExpression json(
        QStringLiteral("(\"(?:access_token|refresh_token|token|password|secret)\"\\s*:\\s*\")[^\"]*(\")"),
        QRegularExpression::CaseInsensitiveOption);
    s.replace(json, QStringLiteral("\\1") + placeholder() + QStringLiteral("\\2"));
    static const QRegularExpression userinfo(QStringLiteral("(\\b[a-z][a-z0-9+.-]*://[^/\\s:@]+:)[^/\\s@]+(@)"),
                                             QRegularExpression::CaseInsensitiveOption);
    s.replace(userinfo, QStringLiteral("\\1") + placeholder() + QStringLiteral("\\2"));
    return s;
}

} // namespace Tether
