#pragma once
// Issues and checks HS256 JWT access tokens, makes opaque refresh tokens (stored only hashed),
// and keeps the signing secret in its file.

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
    bool hasSecret() const { return !m_secret.isEmpty(); }

    // Reads the secret from path (at least 16 bytes, surrounding whitespace ignored) or, when the
    // file does not exist, generates 32 random bytes and writes them hex-encoded to a file created
    // with mode 0600. False with a message when the file cannot be read, is too short, cannot be
    // created, or exists with permissions for group or others (the message names the fix).
    bool loadOrCreateSecret(const QString &path, QString *errorMessage);

    // exp is seconds since the epoch, fractional when ttlMs is not whole seconds.
    QString issue(const QString &subject, const QString &name, qint64 nowMs, qint64 ttlMs) const;
    // Signature first (constant time), then shape, then expiry: a forged token is Invalid even if expired.
    Verdict verify(const QString &token, qint64 nowMs, Claims *claims = nullptr) const;

    static QString newRefreshToken();
    // The refresh token that rotation gives for refreshToken: an HMAC of it under the secret, so
    // the same token always gets the same successor (a retried refresh within the grace period is
    // answered with the same pair) while only its hash is ever stored.
    QString successorRefreshToken(const QString &refreshToken) const;
    static QByteArray refreshTokenHash(const QString &refreshToken);
    static QByteArray base64Url(const QByteArray &data);
    static bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

private:
    QByteArray sign(const QByteArray &signingInput) const;
    QByteArray m_secret;
};

} // namespace Tether
