#include "passwordhasher.h"

#include "tokenservice.h"

#include <QPasswordDigestor>
#include <QRandomGenerator>

namespace Tether {

namespace {
constexpr int kKeyBytes = 32;
}

QByteArray PasswordHasher::derive(const QString &password, const QByteArray &salt, int iterations)
{
    return QPasswordDigestor::deriveKeyPbkdf2(QCryptographicHash::Sha256, password.toUtf8(), salt,
                                              iterations, kKeyBytes);
}

PasswordHasher::Hash PasswordHasher::hash(const QString &password, int iterations)
{
    Hash h;
    h.iterations = qMax(1, iterations);
    h.salt.resize(16);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(h.salt.data()),
                                         reinterpret_cast<quint32 *>(h.salt.data() + h.salt.size()));
    h.key = derive(password, h.salt, h.iterations);
    return h;
}

bool PasswordHasher::verify(const QString &password, const Hash &stored)
{
    if (stored.key.isEmpty() || stored.iterations <= 0)
        return false;
    return TokenService::constantTimeEquals(derive(password, stored.salt, stored.iterations), stored.key);
}

} // namespace Tether
