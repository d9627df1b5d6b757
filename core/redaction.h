#pragma once
// Keeps secrets out of logs, events and displayed URLs.

#include <QStringList>
#include <QUrl>

namespace Tether {

inline constexpr char RedactedMarker[] = "REDACTED";

// The URL without user info, and with the values of secret-looking query parameters replaced.
QUrl redactedUrl(const QUrl &url, const QStringList &extraSecretParameters = {});
// text with every occurrence of each non-empty secret replaced.
QString redactedText(QString text, const QStringList &secrets);

} // namespace Tether
