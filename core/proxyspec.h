#pragma once
// A proxy as the user writes it: system, none, http://HOST:PORT or socks5://HOST:PORT. The result
// is set on each socket and network access manager itself, because Qt skips the application-wide
// proxy for loopback hosts.

#include <QNetworkProxy>
#include <QString>

#include <optional>

namespace Tether {

class ProxySpec
{
public:
    // nullopt + error for anything else. "system" is QNetworkProxy::DefaultProxy (the application
    // proxy, which main() points at the system's settings).
    static std::optional<QNetworkProxy> parse(const QString &spec, QString *error = nullptr);
    // The spelling parse() reads back ("none", "system", "http://127.0.0.1:8888").
    static QString toString(const QNetworkProxy &proxy);
};

} // namespace Tether
