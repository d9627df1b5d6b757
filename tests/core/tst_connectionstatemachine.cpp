// The transition table, every state x event pair, written out independently of the implementation
// (docs/connection.md shows the same table). Default conditions: online, token fresh, no refresh
// token, attempts left. A second table covers the rows where conditions change the outcome.
#include "connectionstatemachine.h"

#include <QSet>
#include <QTest>

using namespace Tether;
using S = ConnectionState;
using E = ConnectionStateMachine::Event;
using M = ConnectionStateMachine;

Q_DECLARE_METATYPE(Tether::ConnectionStateMachine::Event)
Q_DECLARE_METATYPE(Tether::ConnectionStateMachine::Conditions)

namespace {

struct Row
{
    S from;
    E event;
    S next;
    M::Actions actions;
    bool handled;
};

constexpr M::Actions None = M::NoAction;
constexpr bool Ignored = false;
constexpr bool Handled = true;

// clang-format off
const Row table[] = {
    // Disconnected: only open() does something.
    { S::Disconnected, E::Open,               S::Connecting,   M::OpenSocket, Handled },
    { S::Disconnected, E::Close,              S::Disconnected, None, Ignored },
    { S::Disconnected, E::ReconnectNow,       S::Disconnected, None, Ignored },
    { S::Disconnected, E::Probe,              S::Disconnected, None, Ignored },
    { S::Disconnected, E::RetryDue,           S::Disconnected, None, Ignored },
    { S::Disconnected, E::HandshakeSucceeded, S::Disconnected, None, Ignored },
    { S::Disconnected, E::SocketLost,         S::Disconnected, None, Ignored },
    { S::Disconnected, E::ClosedNormally,     S::Disconnected, None, Ignored },
    { S::Disconnected, E::AuthRejected,       S::Disconnected, None, Ignored },
    { S::Disconnected, E::Terminal,           S::Disconnected, None, Ignored },
    { S::Disconnected, E::TokenDue,           S::Disconnected, None, Ignored },
    { S::Disconnected, E::RefreshSucceeded,   S::Disconnected, None, Ignored },
    { S::Disconnected, E::RefreshFailed,      S::Disconnected, None, Ignored },
    { S::Disconnected, E::RefreshRejected,    S::Disconnected, None, Ignored },
    { S::Disconnected, E::NetworkDown,        S::Disconnected, None, Ignored },
    { S::Disconnected, E::NetworkUp,          S::Disconnected, None, Ignored },

    { S::Connecting, E::Open,               S::Connecting,   None, Ignored },
    { S::Connecting, E::Close,              S::Disconnected, M::AbortSocket, Handled },
    { S::Connecting, E::ReconnectNow,       S::Connecting,   None, Ignored },
    { S::Connecting, E::Probe,              S::Connecting,   None, Ignored },
    { S::Connecting, E::RetryDue,           S::Connecting,   None, Ignored },
    { S::Connecting, E::HandshakeSucceeded, S::Connected,    M::StartSession, Handled },
    { S::Connecting, E::SocketLost,         S::Reconnecting, M::ScheduleRetry, Handled },
    { S::Connecting, E::ClosedNormally,     S::Disconnected, None, Handled },
    { S::Connecting, E::AuthRejected,       S::Connecting,   M::OpenSocket, Handled },
    { S::Connecting, E::Terminal,           S::SignedOut,    None, Handled },
    { S::Connecting, E::TokenDue,           S::Connecting,   None, Ignored },
    { S::Connecting, E::RefreshSucceeded,   S::Connecting,   None, Ignored },
    { S::Connecting, E::RefreshFailed,      S::Connecting,   None, Ignored },
    { S::Connecting, E::RefreshRejected,    S::SignedOut,    M::AbortSocket, Handled },
    { S::Connecting, E::NetworkDown,        S::WaitingForNetwork, M::AbortSocket, Handled },
    { S::Connecting, E::NetworkUp,          S::Connecting,   None, Ignored },

    { S::Connected, E::Open,               S::Connected,    None, Ignored },
    { S::Connected, E::Close,              S::Disconnected, M::CloseSocket, Handled },
    { S::Connected, E::ReconnectNow,       S::Connected,    None, Ignored },
    { S::Connected, E::Probe,              S::Connected,    M::SendProbe, Handled },
    { S::Connected, E::RetryDue,           S::Connected,    None, Ignored },
    { S::Connected, E::HandshakeSucceeded, S::Connected,    None, Ignored },
    { S::Connected, E::SocketLost,         S::Reconnecting, M::ScheduleRetry, Handled },
    { S::Connected, E::ClosedNormally,     S::Disconnected, None, Handled },
    { S::Connected, E::AuthRejected,       S::Connecting,   M::OpenSocket, Handled },
    { S::Connected, E::Terminal,           S::SignedOut,    None, Handled },
    { S::Connected, E::TokenDue,           S::Connected,    None, Ignored }, // nothing to refresh with
    { S::Connected, E::RefreshSucceeded,   S::Connected,    None, Handled },
    { S::Connected, E::RefreshFailed,      S::Connected,    M::RetryRefreshLater, Handled },
    { S::Connected, E::RefreshRejected,    S::SignedOut,    M::CloseSocket, Handled },
    { S::Connected, E::NetworkDown,        S::Connected,    M::SendProbe, Handled },
    { S::Connected, E::NetworkUp,          S::Connected,    M::SendProbe, Handled },

    { S::Reconnecting, E::Open,               S::Reconnecting, None, Ignored },
    { S::Reconnecting, E::Close,              S::Disconnected, None, Handled },
    { S::Reconnecting, E::ReconnectNow,       S::Connecting,   M::OpenSocket, Handled },
    { S::Reconnecting, E::Probe,              S::Connecting,   M::OpenSocket, Handled },
    { S::Reconnecting, E::RetryDue,           S::Connecting,   M::OpenSocket, Handled },
    { S::Reconnecting, E::HandshakeSucceeded, S::Reconnecting, None, Ignored },
    { S::Reconnecting, E::SocketLost,         S::Reconnecting, None, Ignored },
    { S::Reconnecting, E::ClosedNormally,     S::Reconnecting, None, Ignored },
    { S::Reconnecting, E::AuthRejected,       S::Reconnecting, None, Ignored },
    { S::Reconnecting, E::Terminal,           S::Reconnecting, None, Ignored },
    { S::Reconnecting, E::TokenDue,           S::Reconnecting, None, Ignored },
    { S::Reconnecting, E::RefreshSucceeded,   S::Reconnecting, None, Ignored },
    { S::Reconnecting, E::RefreshFailed,      S::Reconnecting, None, Ignored },
    { S::Reconnecting, E::RefreshRejected,    S::SignedOut,    None, Handled },
    { S::Reconnecting, E::NetworkDown,        S::WaitingForNetwork, None, Handled },
    { S::Reconnecting, E::NetworkUp,          S::Connecting,   M::OpenSocket, Handled },

    { S::WaitingForNetwork, E::Open,               S::WaitingForNetwork, None, Ignored },
    { S::WaitingForNetwork, E::Close,              S::Disconnected,      None, Handled },
    { S::WaitingForNetwork, E::ReconnectNow,       S::Connecting,        M::OpenSocket, Handled },
    { S::WaitingForNetwork, E::Probe,              S::Connecting,        M::OpenSocket, Handled },
    { S::WaitingForNetwork, E::RetryDue,           S::WaitingForNetwork, None, Ignored },
    { S::WaitingForNetwork, E::HandshakeSucceeded, S::WaitingForNetwork, None, Ignored },
    { S::WaitingForNetwork, E::SocketLost,         S::WaitingForNetwork, None, Ignored },
    { S::WaitingForNetwork, E::ClosedNormally,     S::WaitingForNetwork, None, Ignored },
    { S::WaitingForNetwork, E::AuthRejected,       S::WaitingForNetwork, None, Ignored },
    { S::WaitingForNetwork, E::Terminal,           S::WaitingForNetwork, None, Ignored },
    { S::WaitingForNetwork, E::TokenDue,           S::WaitingForNetwork, None, Ignored },
    { S::WaitingForNetwork, E::RefreshSucceeded,   S::WaitingForNetwork, None, Ignored },
    { S::WaitingForNetwork, E::RefreshFailed,      S::WaitingForNetwork, None, Ignored },
    { S::WaitingForNetwork, E::RefreshRejected,    S::SignedOut,         None, Handled },
    { S::WaitingForNetwork, E::NetworkDown,        S::WaitingForNetwork, None, Ignored },
    { S::WaitingForNetwork, E::NetworkUp,          S::Connecting,        M::OpenSocket, Handled },

    { S::RefreshingToken, E::Open,               S::RefreshingToken, None, Ignored },
    { S::RefreshingToken, E::Close,              S::Disconnected,    None, Handled },
    { S::RefreshingToken, E::ReconnectNow,       S::RefreshingToken, None, Ignored },
    { S::RefreshingToken, E::Probe,              S::RefreshingToken, None, Ignored },
    { S::RefreshingToken, E::RetryDue,           S::RefreshingToken, None, Ignored },
    { S::RefreshingToken, E::HandshakeSucceeded, S::RefreshingToken, None, Ignored },
    { S::RefreshingToken, E::SocketLost,         S::RefreshingToken, None, Ignored },
    { S::RefreshingToken, E::ClosedNormally,     S::RefreshingToken, None, Ignored },
    { S::RefreshingToken, E::AuthRejected,       S::RefreshingToken, None, Ignored },
    { S::RefreshingToken, E::Terminal,           S::RefreshingToken, None, Ignored },
    { S::RefreshingToken, E::TokenDue,           S::RefreshingToken, None, Ignored },
    { S::RefreshingToken, E::RefreshSucceeded,   S::Connecting,      M::OpenSocket, Handled },
    { S::RefreshingToken, E::RefreshFailed,      S::Reconnecting,    M::ScheduleRetry, Handled },
    { S::RefreshingToken, E::RefreshRejected,    S::SignedOut,       None, Handled },
    { S::RefreshingToken, E::NetworkDown,        S::WaitingForNetwork, None, Handled },
    { S::RefreshingToken, E::NetworkUp,          S::RefreshingToken, None, Ignored },

    // SignedOut: only open() (e.g. after a new sign-in) and close().
    { S::SignedOut, E::Open,               S::Connecting,   M::OpenSocket, Handled },
    { S::SignedOut, E::Close,              S::Disconnected, None, Handled },
    { S::SignedOut, E::ReconnectNow,       S::SignedOut, None, Ignored },
    { S::SignedOut, E::Probe,              S::SignedOut, None, Ignored },
    { S::SignedOut, E::RetryDue,           S::SignedOut, None, Ignored },
    { S::SignedOut, E::HandshakeSucceeded, S::SignedOut, None, Ignored },
    { S::SignedOut, E::SocketLost,         S::SignedOut, None, Ignored },
    { S::SignedOut, E::ClosedNormally,     S::SignedOut, None, Ignored },
    { S::SignedOut, E::AuthRejected,       S::SignedOut, None, Ignored },
    { S::SignedOut, E::Terminal,           S::SignedOut, None, Ignored },
    { S::SignedOut, E::TokenDue,           S::SignedOut, None, Ignored },
    { S::SignedOut, E::RefreshSucceeded,   S::SignedOut, None, Ignored },
    { S::SignedOut, E::RefreshFailed,      S::SignedOut, None, Ignored },
    { S::SignedOut, E::RefreshRejected,    S::SignedOut, None, Ignored },
    { S::SignedOut, E::NetworkDown,        S::SignedOut, None, Ignored },
    { S::SignedOut, E::NetworkUp,          S::SignedOut, None, Ignored },

    // Failed: sticky until the user asks (open() or reconnectNow()).
    { S::Failed, E::Open,               S::Connecting,   M::OpenSocket, Handled },
    { S::Failed, E::Close,              S::Disconnected, None, Handled },
    { S::Failed, E::ReconnectNow,       S::Connecting,   M::OpenSocket, Handled },
    { S::Failed, E::Probe,              S::Failed, None, Ignored },
    { S::Failed, E::RetryDue,           S::Failed, None, Ignored },
    { S::Failed, E::HandshakeSucceeded, S::Failed, None, Ignored },
    { S::Failed, E::SocketLost,         S::Failed, None, Ignored },
    { S::Failed, E::ClosedNormally,     S::Failed, None, Ignored },
    { S::Failed, E::AuthRejected,       S::Failed, None, Ignored },
    { S::Failed, E::Terminal,           S::Failed, None, Ignored },
    { S::Failed, E::TokenDue,           S::Failed, None, Ignored },
    { S::Failed, E::RefreshSucceeded,   S::Failed, None, Ignored },
    { S::Failed, E::RefreshFailed,      S::Failed, None, Ignored },
    { S::Failed, E::RefreshRejected,    S::Failed, None, Ignored },
    { S::Failed, E::NetworkDown,        S::Failed, None, Ignored },
    { S::Failed, E::NetworkUp,          S::Failed, None, Ignored },
};

struct ConditionalRow
{
    const char *name;
    S from;
    E event;
    M::Conditions conditions; // online, tokenDue, canRefresh, attemptsLeft
    S next;
    M::Actions actions;
};

const ConditionalRow conditionalTable[] = {
    { "open offline",                     S::Disconnected, E::Open, { false, false, false, true }, S::WaitingForNetwork, None },
    { "open with due token",              S::Disconnected, E::Open, { true, true, true, true }, S::RefreshingToken, M::StartRefresh },
    { "open with due token, no refresh",  S::Disconnected, E::Open, { true, true, false, true }, S::Connecting, M::OpenSocket },
    { "open offline beats refresh",       S::Disconnected, E::Open, { false, true, true, true }, S::WaitingForNetwork, None },
    { "retry due with due token",         S::Reconnecting, E::RetryDue, { true, true, true, true }, S::RefreshingToken, M::StartRefresh },
    { "retry due offline",                S::Reconnecting, E::RetryDue, { false, false, false, true }, S::WaitingForNetwork, None },
    { "lost, attempts exhausted",         S::Connecting, E::SocketLost, { true, false, false, false }, S::Failed, None },
    { "lost while connected, exhausted",  S::Connected, E::SocketLost, { true, false, false, false }, S::Failed, None },
    { "lost offline: no attempt spent",   S::Connected, E::SocketLost, { false, false, false, false }, S::WaitingForNetwork, None },
    { "auth rejected, can refresh",       S::Connected, E::AuthRejected, { true, false, true, true }, S::RefreshingToken, M::StartRefresh },
    { "auth rejected in handshake, can refresh", S::Connecting, E::AuthRejected, { true, false, true, true }, S::RefreshingToken, M::StartRefresh },
    { "auth rejected offline, no refresh", S::Connected, E::AuthRejected, { false, false, false, true }, S::WaitingForNetwork, None },
    { "proactive refresh",                S::Connected, E::TokenDue, { true, false, true, true }, S::Connected, M::StartRefresh },
    { "refresh failed, exhausted",        S::RefreshingToken, E::RefreshFailed, { true, true, true, false }, S::Failed, None },
    { "refresh failed offline",           S::RefreshingToken, E::RefreshFailed, { false, true, true, true }, S::WaitingForNetwork, None },
    { "refreshed but offline",            S::RefreshingToken, E::RefreshSucceeded, { false, false, true, true }, S::WaitingForNetwork, None },
    { "reconnectNow ignores offline",     S::WaitingForNetwork, E::ReconnectNow, { false, false, false, true }, S::Connecting, M::OpenSocket },
    { "reconnectNow refreshes due token", S::Reconnecting, E::ReconnectNow, { true, true, true, true }, S::RefreshingToken, M::StartRefresh },
    { "probe while still offline",        S::WaitingForNetwork, E::Probe, { false, false, false, true }, S::WaitingForNetwork, None },
    { "network up with due token",        S::WaitingForNetwork, E::NetworkUp, { true, true, true, true }, S::RefreshingToken, M::StartRefresh },
    { "failed reconnectNow, due token",   S::Failed, E::ReconnectNow, { true, true, true, true }, S::RefreshingToken, M::StartRefresh },
    { "reconnecting offline event",       S::Reconnecting, E::NetworkDown, { false, false, false, true }, S::WaitingForNetwork, None },
};
// clang-format on

} // namespace

class TestConnectionStateMachine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tableCoversEveryPair()
    {
        QSet<int> seen;
        for (const Row &row : table)
            seen.insert(int(row.from) * M::EventCount + int(row.event));
        QCOMPARE(int(std::size(table)), M::StateCount * M::EventCount);
        QCOMPARE(seen.size(), M::StateCount * M::EventCount);
    }

    void everyPair_data()
    {
        QTest::addColumn<int>("from");
        QTest::addColumn<int>("event");
        QTest::addColumn<int>("next");
        QTest::addColumn<uint>("actions");
        QTest::addColumn<bool>("handled");
        for (const Row &row : table) {
            const QByteArray name = (connectionStateName(row.from) + QLatin1Char(' ') + M::eventName(row.event)).toLatin1();
            QTest::newRow(name.constData()) << int(row.from) << int(row.event) << int(row.next) << uint(row.actions)
                                            << row.handled;
        }
    }

    void everyPair()
    {
        QFETCH(int, from);
        QFETCH(int, event);
        QFETCH(int, next);
        QFETCH(uint, actions);
        QFETCH(bool, handled);
        const M::Conditions defaults; // online, token fresh, cannot refresh, attempts left
        const M::Transition t = M::transition(S(from), E(event), defaults);
        QCOMPARE(connectionStateName(t.next), connectionStateName(S(next)));
        QCOMPARE(M::actionNames(t.actions), M::actionNames(actions));
        QCOMPARE(t.handled, handled);
    }

    void conditions_data()
    {
        QTest::addColumn<int>("from");
        QTest::addColumn<int>("event");
        QTest::addColumn<M::Conditions>("conditions");
        QTest::addColumn<int>("next");
        QTest::addColumn<uint>("actions");
        for (const ConditionalRow &row : conditionalTable) {
            QTest::newRow(row.name) << int(row.from) << int(row.event) << row.conditions << int(row.next)
                                    << uint(row.actions);
        }
    }

    void conditions()
    {
        QFETCH(int, from);
        QFETCH(int, event);
        QFETCH(M::Conditions, conditions);
        QFETCH(int, next);
        QFETCH(uint, actions);
        const M::Transition t = M::transition(S(from), E(event), conditions);
        QCOMPARE(connectionStateName(t.next), connectionStateName(S(next)));
        QCOMPARE(M::actionNames(t.actions), M::actionNames(actions));
        QVERIFY(t.handled);
    }

    // close() from anywhere ends in Disconnected, whatever the conditions.
    void closeAlwaysDisconnects()
    {
        for (int s = 0; s < M::StateCount; ++s) {
            for (int bits = 0; bits < 16; ++bits) {
                const M::Conditions c { bool(bits & 1), bool(bits & 2), bool(bits & 4), bool(bits & 8) };
                QCOMPARE(M::transition(S(s), E::Close, c).next, S::Disconnected);
            }
        }
    }

    // No transition ever opens a socket while offline, except the explicit reconnectNow().
    void offlineNeverOpensASocketUnasked()
    {
        for (int s = 0; s < M::StateCount; ++s) {
            for (int e = 0; e < M::EventCount; ++e) {
                if (E(e) == E::ReconnectNow)
                    continue;
                for (int bits = 0; bits < 8; ++bits) {
                    const M::Conditions c { false, bool(bits & 1), bool(bits & 2), bool(bits & 4) };
                    const M::Transition t = M::transition(S(s), E(e), c);
                    QVERIFY2(!(t.actions & M::OpenSocket),
                             qPrintable(connectionStateName(S(s)) + QLatin1Char(' ') + M::eventName(E(e))));
                }
            }
        }
    }

    void names()
    {
        QCOMPARE(connectionStateName(S::WaitingForNetwork), QStringLiteral("waiting_for_network"));
        QCOMPARE(connectionStateName(S::RefreshingToken), QStringLiteral("refreshing_token"));
        QCOMPARE(connectionStateName(S::SignedOut), QStringLiteral("signed_out"));
        QCOMPARE(M::actionNames(M::NoAction), QStringLiteral("none"));
        QCOMPARE(M::actionNames(M::OpenSocket | M::ScheduleRetry), QStringLiteral("open_socket|schedule_retry"));
        QSet<QString> eventNames;
        for (int e = 0; e < M::EventCount; ++e)
            eventNames.insert(M::eventName(E(e)));
        QCOMPARE(eventNames.size(), M::EventCount);
    }
};

QTEST_GUILESS_MAIN(TestConnectionStateMachine)
#include "tst_connectionstatemachine.moc"
