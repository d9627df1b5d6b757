#pragma once
// Reads what the client needs from an access token: whether it is a JWT and when it expires.
// No signature check (that is the server's job); a token that is not a JWT has no known expiry.

#include <QDateTime>
#include <QString>

#include <optional>

namespace Tether {

class AccessToken
{
public:
    AccessToken() = default;
    static AccessToken parse(const QString &token);

    bool isEmpty() const { return m_empty; }
    bool isJwt() const { return m_jwt; }
    // False for a JWT whose payload cannot be decoded; error() says why.
    bool isValid() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }
    std::optional<QDateTime> expiresAt() const { return m_expiresAt; }
    std::optional<QDateTime> issuedAt() const { return m_issuedAt; }

    // Expired, or expiring within skewMs of now. False when the expiry is unknown.
    bool needsRefresh(const QDateTime &now, int skewMs) const;
    // Milliseconds from now until a refresh ahead of expiry is due: at 80% of the iat→exp lifetime,
    // and never later than exp - skew. 0 when already due; -1 when the expiry is unknown.
    qint64 msUntilProactiveRefresh(const QDateTime &now, int skewMs) const;

private:
    bool m_empty = true;
    bool m_jwt = false;
    QString m_error;
    std::optional<QDateTime> m_expiresAt;
    std::optional<QDateTime> m_issuedAt;
};

} // namespace Tether
