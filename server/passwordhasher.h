#pragma once
// Salted PBKDF2-HMAC-SHA256 password hashes; passwords are never stored or compared in clear.

#include <QByteArray>
#include <QString>

namespace Tether {

class PasswordHasher
{
public:
    struct Hash
    {
        QByteArray salt;
        QByteArray key;
        int iterations = 0;
    };

    static Hash hash(const QString &password, int iterations);
    static QByteArray derive(const QString &password, const QByteArray &salt, int iterations);
    // Constant time in the key comparison; an empty stored key never matches.
    static bool verify(const QString &password, const Hash &stored);
};

} // namespace Tether
