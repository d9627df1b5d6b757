#include "welcomeframe.h"

#include "frametype.h"
#include "jsonread.h"
#include "protocollimits.h"

#include <QJsonArray>

#include <limits>

namespace Tether::Protocol {

QJsonObject WelcomeFrame::toJson() const
{
    QJsonArray list;
    for (const ConversationInfo &c : conversations)
        list.append(c.toJson());
    QJsonObject o{
        { Key::Type, FrameType::Welcome },
        { Key::Protocol, protocol ? protocol : Version },
        { Key::User, user.toJson() },
        { Key::Conversations, list },
        { Key::HeartbeatMs, heartbeatMs },
        { Key::ServerTime, double(serverTime) },
    };
    if (!epoch.isEmpty())
        o.insert(Key::Epoch, epoch);
    return o;
}

std::optional<WelcomeFrame> WelcomeFrame::fromJson(const QJsonObject &o, FrameError *error)
{
    if (!Detail::hasType(o, FrameType::Welcome, error))
        return std::nullopt;
    WelcomeFrame welcome;
    welcome.protocol = o.value(Key::Protocol).toInt(Version);
    const QJsonValue user = o.value(Key::User);
    if (!user.isObject()) {
        Detail::fail(error, ErrorCode::MissingField, QStringLiteral("\"user\" (an object) is required"));
        return std::nullopt;
    }
    const auto parsedUser = UserInfo::fromJson(user.toObject(), error);
    if (!parsedUser)
        return std::nullopt;
    welcome.user = *parsedUser;
    const QJsonValue conversations = o.value(Key::Conversations);
    if (!conversations.isArray()) {
        Detail::fail(error, ErrorCode::MissingField, QStringLiteral("\"conversations\" (an array) is required"));
        return std::nullopt;
    }
    const QJsonArray list = conversations.toArray();
    for (const QJsonValue &value : list) {
        const auto c = ConversationInfo::fromJson(value.toObject(), error);
        if (!c)
            return std::nullopt;
        welcome.conversations.append(*c);
    }
    for (const QLatin1String key : { Key::HeartbeatMs, Key::ServerTime }) {
        const QJsonValue value = o.value(key);
        if (!value.isUndefined() && !value.isDouble()) {
            Detail::fail(error, ErrorCode::MissingField, QStringLiteral("\"%1\" must be a number").arg(key));
            return std::nullopt;
        }
    }
    welcome.heartbeatMs = int(std::min<qint64>(Detail::toCount(o.value(Key::HeartbeatMs)), std::numeric_limits<int>::max()));
    welcome.serverTime = Detail::toCount(o.value(Key::ServerTime));
    const QJsonValue epoch = o.value(Key::Epoch);
    if (!epoch.isUndefined() && (!epoch.isString() || epoch.toString().size() > 128)) {
        Detail::fail(error, ErrorCode::InvalidField, QStringLiteral("\"epoch\" must be a string of at most 128 characters"));
        return std::nullopt;
    }
    welcome.epoch = epoch.toString();
    return welcome;
}

} // namespace Tether::Protocol
