#pragma once
// The error codes on the wire: the "code" of an error frame and the "error" of an HTTP error body,
// each with its wire name. Model: QMqttClient::ClientError (one documented value per code).

#include <QLatin1String>
#include <QStringView>

namespace Tether::Protocol {

enum class ErrorCode {
    Unknown,            // a wire name this build does not know (never sent)
    // error frames (the connection stays open)
    BadJson,            // bad_json: not a JSON object, or a binary frame (HTTP: body not a JSON object)
    UnknownType,        // unknown_type: missing or unknown "type"
    MissingField,       // missing_field: a required field is absent or has the wrong JSON type
    InvalidField,       // invalid_field: present but not acceptable (empty text, long id, bad protocol)
    NotMember,          // not_member: the user is not in that conversation (or it does not exist)
    Forbidden,          // forbidden: joining a private conversation uninvited, a guest creating one,
                        // leaving a public conversation, auth after authentication
    RateLimited,        // rate_limited: over a rate (the connection's frames, the user's sends or
                        // conversation creations); the frame was dropped
    StorageError,       // storage_error: nothing was stored, retry later (also HTTP 500)
    IdReused,           // id_reused: this sender used the send's "id" for a message in another conversation
    // HTTP API bodies
    NotFound,           // not_found (404)
    MethodNotAllowed,   // method_not_allowed (405)
    BadRequest,         // bad_request (400): malformed request or WebSocket upgrade
    HeaderTooLarge,     // header_too_large (431)
    LengthRequired,     // length_required (411): chunked uploads
    TooLarge,           // too_large (413): body over Limits::MaxHttpBodyBytes
    UpgradeRequired,    // upgrade_required (426): WebSocket version other than 13
    InvalidCredentials, // invalid_credentials (401)
    InvalidToken,       // invalid_token (401): unknown, used or expired refresh token
    RegistrationClosed, // registration_closed (403)
    UserExists,         // user_exists (409)
    ServerBusy,         // server_busy (503): over the connection or login capacity; retry after Retry-After
};

// "bad_json", ...; empty for Unknown.
QLatin1String wireName(ErrorCode code);
// Unknown for a name this build does not know.
ErrorCode fromWireName(QStringView name);
// Worth retrying the same request later (rate_limited, storage_error).
bool isTransient(ErrorCode code);

} // namespace Tether::Protocol
