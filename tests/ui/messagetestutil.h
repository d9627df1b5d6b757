#pragma once
// Shared by the message list's widget tests: a message as the session would report it.

#include "chatsession.h"

#include <QDateTime>

namespace MessageTest {

inline Tether::ChatMessage message(const QString &id, Tether::ChatMessage::Delivery delivery, bool outgoing,
                                   const QString &from = QStringLiteral("carol"))
{
    Tether::ChatMessage m;
    m.id = id;
    m.conversation = QStringLiteral("lobby");
    m.from = from;
    m.text = QStringLiteral("Message ") + id;
    m.timestamp = QDateTime::currentDateTime();
    m.delivery = delivery;
    m.outgoing = outgoing;
    return m;
}

} // namespace MessageTest
