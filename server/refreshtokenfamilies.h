#pragma once
// RefreshTokenFamilies rotates refresh tokens with reuse detection, as the OAuth 2.0 security
// best current practice describes: every login starts a family; each refresh exchanges the live
// token for its successor. A rotated token presented again within the grace period (a client
// retrying after a lost reply) gets the same successor again, as long as that successor has not
// been used; presented later, or once the successor was used, it is taken as stolen and the
// whole family is revoked. Only hashes are stored: the successor is derived from the token
// itself (TokenService::successorRefreshToken), so the same token always yields the same pair.

#include <QString>

namespace Tether {

class ServerStorage;
class TokenService;

class RefreshTokenFamilies
{
public:
    RefreshTokenFamilies(ServerStorage &storage, const TokenService &tokens);

    enum class Outcome {
        Issued,        // a new refresh token (a new family, or the successor of a live token)
        Replayed,      // a retry within the grace period: the same successor as before
        Rejected,      // unknown, revoked or expired
        ReuseDetected, // a rotated token outside the grace period: the family is gone
        StorageFailed,
    };
    struct Result
    {
        Outcome outcome = Outcome::Rejected;
        QString userId;
        QString refreshToken;
        qint64 issuedAtMs = 0; // when this pair was first issued: the access token's issue time
        int revoked = 0;       // ReuseDetected: tokens deleted with the family
    };

    // A new family for userId (a login or registration).
    Result start(const QString &userId, qint64 nowMs, qint64 ttlMs);
    // Exchanges refreshToken for its successor. graceMs <= 0: no retry is answered twice.
    Result exchange(const QString &refreshToken, qint64 nowMs, qint64 ttlMs, qint64 graceMs);

private:
    ServerStorage &m_storage;
    const TokenService &m_tokens;
};

} // namespace Tether
