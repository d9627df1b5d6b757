#pragma once
// Keeps secrets (tokens, passwords, keys) out of everything shown, logged, copied or saved: URLs,
// free text, and known secret values. The one redaction rule set of the client.

#include <QString>
#include <QStringList>
#include <QUrl>

namespace Tether {

class SecretRedactor
{
public:
    static QString placeholder() { return QStringLiteral("REDACTED"); }

    // The URL with its user info replaced, and the values of secret-looking query parameters
    // (isSecretName(), or one of extraSecretParameters) and a secret-looking fragment replaced.
    static QUrl url(const QUrl &url, const QStringList &extraSecretParameters = {});
    static QString urlString(const QUrl &url, const QStringList &extraSecretParameters = {});

    // JWTs, "Bearer …", secret query parameters, JSON fields such as "refresh_token", URL user
    // info, and every occurrence of each known secret (those of 4 characters or more: shorter
    // "secrets" would shred ordinary text; real tokens are long).
    static QString text(const QString &text, const QStringList &knownSecrets = {});

    // A parameter or field name that suggests a secret ("access_token", "apiKey", "sig", ...).
    static bool isSecretName(const QString &name);
};

} // namespace Tether
