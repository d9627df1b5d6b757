// DeliveryOrder: which broadcast messages an instance delivers, and which range it must read first.

#include "deliveryorder.h"

#include <QTest>

using Tether::DeliveryOrder;

class TestDeliveryOrder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void unknownConversationStartsAtFirstSeq()
    {
        DeliveryOrder order;
        QVERIFY(!order.position(QStringLiteral("c")));
        const auto step = order.offer(QStringLiteral("c"), 7);
        QVERIFY(step.deliver);
        QVERIFY(!step.hasGap());
        QCOMPARE(order.position(QStringLiteral("c")).value_or(-1), 7);
    }
    void inOrderDeliversDuplicatesDrop()
    {
        DeliveryOrder order;
        order.catchUp(QStringLiteral("c"), 3);
        QVERIFY(order.offer(QStringLiteral("c"), 4).deliver);
        QVERIFY(!order.offer(QStringLiteral("c"), 4).deliver);
        QVERIFY(!order.offer(QStringLiteral("c"), 2).deliver);
        QVERIFY(order.offer(QStringLiteral("c"), 5).deliver);
        QCOMPARE(order.position(QStringLiteral("c")).value_or(-1), 5);
    }
    void gapAsksForTheMissingRange()
    {
        DeliveryOrder order;
        order.catchUp(QStringLiteral("c"), 10);
        const auto step = order.offer(QStringLiteral("c"), 14);
        QVERIFY(step.deliver);
        QVERIFY(step.hasGap());
        QCOMPARE(step.missingAfter, 10);
        QCOMPARE(step.missingUpTo, 13);
        // The gap's messages arriving late through the broker are not delivered twice.
        QVERIFY(!order.offer(QStringLiteral("c"), 12).deliver);
        QVERIFY(order.offer(QStringLiteral("c"), 15).deliver);
    }
    void catchUpReadsOnlyWhatWasMissed()
    {
        DeliveryOrder order;
        QVERIFY(!order.catchUp(QStringLiteral("c"), 5).hasGap()); // new: starts there
        QVERIFY(!order.catchUp(QStringLiteral("c"), 5).hasGap());
        QVERIFY(!order.catchUp(QStringLiteral("c"), 3).hasGap()); // the storage never goes back
        const auto step = order.catchUp(QStringLiteral("c"), 9);
        QVERIFY(step.hasGap());
        QCOMPARE(step.missingAfter, 5);
        QCOMPARE(step.missingUpTo, 9);
        QVERIFY(!order.offer(QStringLiteral("c"), 8).deliver);
        QVERIFY(!order.offer(QStringLiteral("c"), 9).deliver);
        QVERIFY(order.offer(QStringLiteral("c"), 10).deliver);
    }
    void conversationsAreIndependent()
    {
        DeliveryOrder order;
        order.offer(QStringLiteral("a"), 1);
        order.offer(QStringLiteral("b"), 40);
        QVERIFY(order.offer(QStringLiteral("a"), 2).deliver);
        QVERIFY(!order.offer(QStringLiteral("a"), 2).deliver);
        QVERIFY(!order.offer(QStringLiteral("b"), 2).deliver);
        QStringList known = order.conversations();
        known.sort();
        QCOMPARE(known, (QStringList{ QStringLiteral("a"), QStringLiteral("b") }));
    }
};

QTEST_GUILESS_MAIN(TestDeliveryOrder)
#include "tst_deliveryorder.moc"
