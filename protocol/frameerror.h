#pragma once
// Why a typed frame's fromJson() refused an object: the wire error code to answer with
// (missing_field, invalid_field...) and a human message. A plain value, no behaviour.

#include "errorcode.h"

#include <QString>

namespace Tether::Protocol {

struct FrameError
{
    ErrorCode code = ErrorCode::Unknown;
    QString message;
};

} // namespace Tether::Protocol
