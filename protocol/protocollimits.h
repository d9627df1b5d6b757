#pragma once
// The protocol's version and limits, with the checks both ends apply to ids and keys.

#include <QLatin1String>
#include <QStringView>
#include <QtGlobal>

namespace Tether::Protocol {

inline constexpr int Version = 1;

namespace Limits {
inline constexpr qint64 MaxFrameBytes = 512 * 1024;      // larger frames/messages: close 1009
inline constexpr int HistoryPageDefault = 100;           // history "limit" when absent
inline constexpr int HistoryPageMax = 500;               // larger "limit"s are clamped
inline constexpr int MaxClientIdLength = 128;            // send "id" (a client UUID), in characters
inline constexpr int MaxConversationIdLength = 64;
inline constexpr int MaxTitleLength = 200;               // longer join titles are cut
inline constexpr int GuestKeyMinLength = 16;
inline constexpr int GuestKeyMaxLength = 128;
inline constexpr QLatin1String GuestIdPrefix{ "guest-" };
// One message text in UTF-8 bytes: the client's bound and the server's default --max-text.
inline constexpr int MaxTextBytes = 64 * 1024;
// Hex characters of a guest id after GuestIdPrefix: 128 bits of the guest key's hash.
inline constexpr int GuestIdHexChars = 32;
// The HTTP side of the port.
inline constexpr qsizetype MaxHttpHeadBytes = 16 * 1024;
inline constexpr qint64 MaxHttpBodyBytes = 64 * 1024;

// 1-64 characters of A-Z a-z 0-9 _ . : - (not starting with one of _ . : -).
bool isValidConversationId(QStringView id);
// 1-MaxClientIdLength characters.
bool isValidClientId(QStringView id);
// GuestKeyMinLength-GuestKeyMaxLength characters: such a key gives a stable guest id.
bool isValidGuestKey(QStringView key);
// Starts with GuestIdPrefix.
bool isGuestId(QStringView userId);
// Long polling: frames in one POST /api/poll/send (the body is bounded by MaxHttpBodyBytes too),
// and the frame bytes one poll answer carries at most (the rest waits for the next poll).
inline constexpr int MaxPollBatchFrames = 100;
inline constexpr qint64 MaxPollAnswerBytes = 1024 * 1024;
} // namespace Limits

} // namespace Tether::Protocol
