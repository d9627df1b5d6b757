#include "refreshtokenfamilies.h"

#include "serverstorage.h"
#include "tokenservice.h"

namespace Tether {

RefreshTokenFamilies::RefreshTokenFamilies(ServerStorage &storage, const TokenService &tokens)
    : m_storage(storage), m_tokens(tokens)
{
}

RefreshTokenFamilies::Result RefreshTokenFamilies::start(const QString &userId, qint64 nowMs, qint64 ttlMs)
{
    Result result;
    const QString token = TokenService::newRefreshToken();
    const QByteArray hash = TokenService::refreshTokenHash(token);
    if (!m_storage.storeRefreshToken(hash, userId, hash, nowMs + ttlMs)) {
        result.outcome = Outcome::StorageFailed;
        return result;
    }
    result.outcome = Outcome::Issued;
    result.userId = userId;
    result.refreshToken = token;
    result.issuedAtMs = nowMs;
    return result;
}

RefreshTokenFamilies::Result RefreshTokenFamilies::exchange(const QString &refreshToken, qint64 nowMs, qint64 ttlMs,
                                                            qint64 graceMs)
{
    Result result;
    const QByteArray hash = TokenService::refreshTokenHash(refreshToken);
    const auto token = m_storage.refreshToken(hash);
    if (!token || token->expiresAtMs <= nowMs)
        return result; // Rejected
    result.userId = token->userId;
    const QString successor = m_tokens.successorRefreshToken(refreshToken);
    const QByteArray successorHash = TokenService::refreshTokenHash(successor);

    if (token->rotatedAtMs < 0) {
        if (!m_storage.rotateRefreshToken(hash, successorHash, nowMs, nowMs + ttlMs)) {
            result.outcome = Outcome::StorageFailed;
            return result;
        }
        result.outcome = Outcome::Issued;
        result.refreshToken = successor;
        result.issuedAtMs = nowMs;
        return result;
    }

    // Rotated before. The reply may have been lost: the same pair again, but only while its
    // successor is unused (a client that got the reply moves on to the successor at once).
    if (graceMs > 0 && nowMs - token->rotatedAtMs <= graceMs) {
        const auto next = m_storage.refreshToken(successorHash);
        if (next && next->rotatedAtMs < 0 && next->family == token->family && next->expiresAtMs > nowMs) {
            result.outcome = Outcome::Replayed;
            result.refreshToken = successor;
            result.issuedAtMs = token->rotatedAtMs;
            return result;
        }
    }
    result.outcome = Outcome::ReuseDetected;
    result.revoked = m_storage.revokeRefreshFamily(token->family);
    return result;
}

} // namespace Tether
