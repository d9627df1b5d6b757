// The connection event log stays bounded, oldest first, with timestamps.
#include "eventlog.h"

#include <QTest>

using namespace Tether;

class TestEventLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void boundedOldestFirst()
    {
        EventLog log(3);
        for (int i = 0; i < 5; ++i)
            log.append(ConnectionEvent::Kind::Info, QString::number(i));
        const QList<ConnectionEvent> events = log.events();
        QCOMPARE(events.size(), 3);
        QCOMPARE(events.at(0).text, QStringLiteral("2"));
        QCOMPARE(events.at(2).text, QStringLiteral("4"));
        QVERIFY(events.at(0).time.isValid());
        QCOMPARE(events.at(0).time.timeSpec(), Qt::UTC);
        QVERIFY(events.at(0).monotonicMs <= events.at(2).monotonicMs);
    }

    void shrinkingTheLimitDropsTheOldest()
    {
        EventLog log(10);
        for (int i = 0; i < 10; ++i)
            log.append(ConnectionEvent::Kind::State, QString::number(i));
        log.setLimit(2);
        QCOMPARE(log.events().size(), 2);
        QCOMPARE(log.events().constFirst().text, QStringLiteral("8"));
        log.setLimit(0); // clamped: the log keeps at least the latest event
        QCOMPARE(log.events().size(), 1);
        QCOMPARE(log.events().constFirst().text, QStringLiteral("9"));
    }

    void kindNames()
    {
        QCOMPARE(connectionEventKindName(ConnectionEvent::Kind::TokenRefresh), QStringLiteral("token_refresh"));
        QCOMPARE(connectionEventKindName(ConnectionEvent::Kind::Closed), QStringLiteral("closed"));
    }
};

QTEST_GUILESS_MAIN(TestEventLog)
#include "tst_eventlog.moc"
