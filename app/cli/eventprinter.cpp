#include "eventprinter.h"

#include <QJsonDocument>

#include <cstdio>

namespace Tether {

EventPrinter::EventPrinter(bool json, QObject *parent)
    : QObject(parent)
    , m_json(json)
{
    m_clock.start();
}

QString EventPrinter::errorName(ConnectionManager::Error error)
{
    switch (error) {
    case ConnectionManager::Error::QueueFull: return QStringLiteral("queue_full");
    case ConnectionManager::Error::HandshakeTimeout: return QStringLiteral("handshake_timeout");
    case ConnectionManager::Error::PongTimeout: return QStringLiteral("pong_timeout");
    case ConnectionManager::Error::SocketError: return QStringLiteral("socket_error");
    case ConnectionManager::Error::TokenRefreshFailed: return QStringLiteral("token_refresh_failed");
    case ConnectionManager::Error::AuthenticationRejected: return QStringLiteral("authentication_rejected");
    case ConnectionManager::Error::InvalidToken: return QStringLiteral("invalid_token");
    case ConnectionManager::Error::ProtocolError: return QStringLiteral("protocol_error");
    case ConnectionManager::Error::NotOpen: return QStringLiteral("not_open");
    }
    return QStringLiteral("unknown");
}

void EventPrinter::addTransport(QJsonObject &fields, const ConnectionManager *manager)
{
    fields.insert(QStringLiteral("transport"), manager->transport());
    const QString reason = manager->fallbackReason();
    if (!reason.isEmpty() && manager->transport() == QLatin1String("long-poll"))
        fields.insert(QStringLiteral("fallback_reason"), reason);
}

void EventPrinter::attach(ConnectionManager *m)
{
    connect(m, &ConnectionManager::stateChanged, this, [this, m](ConnectionState state, ConnectionState previous) {
        QJsonObject f { { QStringLiteral("state"), connectionStateName(state) },
                        { QStringLiteral("previous"), connectionStateName(previous) } };
        if (state == ConnectionState::Reconnecting) {
            f.insert(QStringLiteral("attempt"), m_scheduledAttempt);
            f.insert(QStringLiteral("delay_ms"), m_scheduledDelayMs);
        } else if (state == ConnectionState::Connecting || state == ConnectionState::Failed) {
            f.insert(QStringLiteral("attempt"), m->attempt());
        } else if (state == ConnectionState::Connected) {
            f.insert(QStringLiteral("url"), m->displayUrl().toString());
            addTransport(f, m);
        }
        print(QStringLiteral("state"), f);
    });
    // Another transport while connected (back to WebSocket from the fallback): a state event of its own.
    connect(m, &ConnectionManager::transportChanged, this, [this, m](const QString &) {
        QJsonObject f { { QStringLiteral("state"), connectionStateName(m->state()) },
                        { QStringLiteral("previous"), connectionStateName(m->state()) },
                        { QStringLiteral("url"), m->displayUrl().toString() } };
        addTransport(f, m);
        print(QStringLiteral("state"), f);
    });
    connect(m, &ConnectionManager::reconnectScheduled, this, [this](int attempt, int delayMs) {
        m_scheduledAttempt = attempt; // announced just before the Reconnecting state
        m_scheduledDelayMs = delayMs;
    });
    connect(m, &ConnectionManager::textMessageReceived, this,
            [this](const QString &text) { print(QStringLiteral("message"), { { QStringLiteral("text"), text } }); });
    connect(m, &ConnectionManager::closed, this, [this](int code, const QString &reason) {
        print(QStringLiteral("closed"), { { QStringLiteral("code"), code }, { QStringLiteral("reason"), reason } });
    });
    connect(m, &ConnectionManager::tokenRefreshed, this, [this] { print(QStringLiteral("token_refreshed")); });
    connect(m, &ConnectionManager::errorOccurred, this, [this](ConnectionManager::Error error, const QString &message) {
        print(QStringLiteral("error"),
              { { QStringLiteral("code"), errorName(error) }, { QStringLiteral("message"), message } });
    });
    connect(m, &ConnectionManager::pongReceived, this,
            [this](int rtt) { print(QStringLiteral("pong"), { { QStringLiteral("rtt_ms"), rtt } }); });
}

void EventPrinter::print(const QString &event, QJsonObject fields)
{
    QByteArray line;
    if (m_json) {
        fields.insert(QStringLiteral("event"), event);
        fields.insert(QStringLiteral("t_ms"), double(m_clock.elapsed()));
        line = QJsonDocument(fields).toJson(QJsonDocument::Compact);
    } else if (event == QLatin1String("message")) {
        line = fields.value(QStringLiteral("text")).toString().toUtf8();
    } else {
        QStringList parts { QString::number(m_clock.elapsed()).rightJustified(7) + QStringLiteral(" ms"), event };
        if (event == QLatin1String("state"))
            parts << fields.take(QStringLiteral("state")).toString(); // "state connected url=..."
        for (auto it = fields.constBegin(); it != fields.constEnd(); ++it) {
            parts << it.key() + QLatin1Char('=') + it.value().toVariant().toString();
        }
        line = parts.join(QLatin1Char(' ')).toUtf8();
    }
    line += '\n';
    // Human mode keeps stdout for received messages only; status goes to stderr.
    std::FILE *out = (m_json || event == QLatin1String("message")) ? stdout : stderr;
    std::fwrite(line.constData(), 1, size_t(line.size()), out);
    std::fflush(out);
}

} // namespace Tether
