#include "helloframe.h"

#include "frametype.h"
#include "jsonread.h"
#include "protocollimits.h"

namespace Tether::Protocol {

QJsonObject HelloFrame::toJson() const
{
    QJsonObject resumeObject;
    for (auto it = resume.cbegin(); it != resume.cend(); ++it)
        resumeObject.insert(it.key(), double(it.value()));
    QJsonObject o{ { Key::Type, FrameType::Hello }, { Key::Protocol, protocol ? protocol : Version },
                   { Key::Resume, resumeObject } };
    if (!guestKey.isEmpty())
        o.insert(Key::GuestKey, guestKey);
    Detail::insertRequestId(o, requestId);
    return o;
}

std::optional<HelloFrame> HelloFrame::fromJson(const QJsonObject &o, FrameError *error)
{
    if (!Detail::hasType(o, FrameType::Hello, error))
        return std::nullopt;
    HelloFrame hello;
    hello.requestId = o.value(Key::Id);
    const QJsonValue protocol = o.value(Key::Protocol);
    if (!protocol.isUndefined() && protocol.toInt(-1) != Version) {
        Detail::fail(error, ErrorCode::InvalidField,
                     QStringLiteral("unsupported protocol; this server speaks %1").arg(Version));
        return std::nullopt;
    }
    hello.protocol = protocol.isUndefined() ? 0 : Version;
    const QJsonValue resume = o.value(Key::Resume);
    if (!resume.isUndefined() && !resume.isNull() && !resume.isObject()) {
        Detail::fail(error, ErrorCode::MissingField, QStringLiteral("\"resume\" must be an object"));
        return std::nullopt;
    }
    const QJsonObject resumeObject = resume.toObject();
    for (auto it = resumeObject.constBegin(); it != resumeObject.constEnd(); ++it)
        hello.resume.insert(it.key(), Detail::toCount(it.value()));
    hello.guestKey = o.value(Key::GuestKey).toString();
    return hello;
}

} // namespace Tether::Protocol
