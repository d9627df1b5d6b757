#include "redaction.h"

#include <QUrlQuery>

namespace Tether {

QUrl redactedUrl(const QUrl &url, const QStringList &extraSecretParameters)
{
    QUrl out = url;
    if (!out.userInfo().isEmpty())
        out.setUserInfo(QString::fromLatin1(RedactedMarker));
    if (!out.hasQuery())
        return out;
    static const QStringList secretNames = {
        QStringLiteral("access_token"), QStringLiteral("refresh_token"), QStringLiteral("token"),
        QStringLiteral("auth"), QStringLiteral("key"), QStringLiteral("api_key"),
        QStringLiteral("password"), QStringLiteral("secret"), QStringLiteral("jwt"),
    };
    QUrlQuery query(out);
    auto items = query.queryItems(QUrl::FullyEncoded);
    for (auto &item : items) {
        const QString name = item.first.toLower();
        if (secretNames.contains(name) || extraSecretParameters.contains(item.first, Qt::CaseInsensitive))
            item.second = QString::fromLatin1(RedactedMarker);
    }
    query.setQueryItems(items);
    out.setQuery(query);
    return out;
}

QString redactedText(QString text, const QStringList &secrets)
{
    for (const QString &secret : secrets) {
        // Very short "secrets" would shred ordinary text; real tokens are long.
        if (secret.size() >= 4)
            text.replace(secret, QString::fromLatin1(RedactedMarker));
    }
    return text;
}

} // namespace Tether
