#include "secretredactor.h"

#include <QRegularExpression>
#include <QUrlQuery>

namespace Tether {

bool SecretRedactor::isSecretName(const QString &name)
{
    static const QRegularExpression re(
        QStringLiteral("token|password|passwd|secret|key|auth|signature|sig|session|cookie|code"),
        QRegularExpression::CaseInsensitiveOption);
    return re.match(name).hasMatch();
}

QUrl SecretRedactor::url(const QUrl &in)
{
    QUrl out = in;
    if (!out.password().isEmpty())
        out.setPassword(placeholder());
    if (out.hasQuery()) {
        QUrlQuery query(out);
        QUrlQuery cleaned;
        const auto items = query.queryItems(QUrl::FullyDecoded);
        for (const auto &item : items)
            cleaned.addQueryItem(item.first, isSecretName(item.first) ? placeholder() : item.second);
        out.setQuery(cleaned);
    }
    if (out.hasFragment() && isSecretName(out.fragment()))
        out.setFragment(placeholder());
    return out;
}

QString SecretRedactor::urlString(const QUrl &in)
{
    return url(in).toString();
}

QString SecretRedactor::text(const QString &in)
{
    QString s = in;
    // JWT: three base64url parts, the first one a JSON header ("eyJ").
    static const QRegularExpression jwt(
        QStringLiteral("eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]*"));
    s.replace(jwt, placeholder());
    static const QRegularExpression bearer(QStringLiteral("(Bearer\\s+)[^\\s\"',;]+"),
                                           QRegularExpression::CaseInsensitiveOption);
    s.replace(bearer, QStringLiteral("\\1") + placeholder());
    static const QRegularExpression query(
        QStringLiteral("([?&;](?:access_token|refresh_token|token|password|secret|api_key|key|auth)=)[^&\\s\"'#]+"),
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
