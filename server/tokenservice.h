#pragma once
// Issues and checks HS256 JWT access tokens, and makes opaque refresh tokens (stored only hashed).

#include <QByteArray>
#include <QString>

namespace Tether {

class TokenService
{
public:
    enum class Verdict { Valid, Expired, Invalid };
    struct Claims
    {
        QString subject;
        QString name;
        qint64 issuedAtMs = 0;
        qint64 expiresAtMs = 0;
    };

    explicit TokenService(const QByteArray &secret = QByteArray());
    void setSecret(const QByteArray &secret) { m_secret = secret; }

    // exp is seconds since the epoch, fractional when ttlMs is not whole seconds.
    QString issue(const QString &subject, const QString &name, qint64 nowMs, qint64 ttlMs) const;
    // Signature first (constant time), then shape, then expiry: a forged token is Invalid even if expired.
    Verdict verify(const QString &token, qint64 nowMs, Claims *claims = nullptr) const;

    static QString newRefreshToken();
    static QByteArray refreshTokenHash(const QString &refreshToken);
    static QByteArray base64Url(const QByteArray &data);
    static bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

private:
    QByteArray sign(const QByteArray &signingInput) const;
    QByteArray m_secret;
};

} // namespace Tether
