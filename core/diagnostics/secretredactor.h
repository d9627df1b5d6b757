#pragma once
// Removes secrets (tokens, passwords, keys) from URLs and free text before anything is shown,
// logged, copied or saved.

#include <QString>
#include <QUrl>

namespace Tether {

class SecretRedactor
{
public:
    static QString placeholder() { return QStringLiteral("REDACTED"); }
    // User info password and secret-looking query parameters are replaced.
    static QUrl url(const QUrl &url);
    static QString urlString(const QUrl &url);
    // JWTs, "Bearer …", secret query parameters and JSON fields such as "refresh_token".
    static QString text(const QString &text);
    static bool isSecretName(const QString &name);
};

} // namespace Tether
