// AdmissionControl: the caps in all and per address, slots given back, IPv4-mapped addresses, and
// the default cap the descriptor limit allows.

#include "admissioncontrol.h"

#include <QTest>

using namespace Tether;

class TestAdmissionControl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void perAddressCap();
    void totalCap();
    void unlimited();
    void mappedAddressesCountOnce();
    void defaultFromDescriptorLimit();
};

using Verdict = AdmissionControl::Verdict;

void TestAdmissionControl::perAddressCap()
{
    AdmissionControl admission(0, 3);
    const QHostAddress a(QStringLiteral("192.0.2.1"));
    const QHostAddress b(QStringLiteral("192.0.2.2"));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(admission.admit(a), Verdict::Admitted);
    QCOMPARE(admission.admit(a), Verdict::OverAddress);
    QCOMPARE(admission.count(a), 3);
    QCOMPARE(admission.admit(b), Verdict::Admitted); // another address is not affected
    admission.release(a);
    QCOMPARE(admission.count(a), 2);
    QCOMPARE(admission.admit(a), Verdict::Admitted);
    QCOMPARE(admission.total(), 4);
    for (int i = 0; i < 3; ++i)
        admission.release(a);
    admission.release(b);
    QCOMPARE(admission.total(), 0);
    QCOMPARE(admission.addresses(), 0); // nothing kept for addresses that are gone
    admission.release(a); // a release too many changes nothing
    QCOMPARE(admission.total(), 0);
}

void TestAdmissionControl::totalCap()
{
    AdmissionControl admission(4, 0);
    for (int i = 0; i < 4; ++i)
        QCOMPARE(admission.admit(QHostAddress(quint32(0x0A000001 + i))), Verdict::Admitted);
    QCOMPARE(admission.admit(QHostAddress(quint32(0x0A0000FF))), Verdict::OverTotal);
    admission.release(QHostAddress(quint32(0x0A000001)));
    QCOMPARE(admission.admit(QHostAddress(quint32(0x0A0000FF))), Verdict::Admitted);
}

void TestAdmissionControl::unlimited()
{
    AdmissionControl admission(0, 0);
    for (int i = 0; i < 10000; ++i)
        QCOMPARE(admission.admit(QHostAddress::LocalHost), Verdict::Admitted);
    QCOMPARE(admission.total(), 10000);
}

void TestAdmissionControl::mappedAddressesCountOnce()
{
    AdmissionControl admission(0, 2);
    QCOMPARE(admission.admit(QHostAddress(QStringLiteral("127.0.0.1"))), Verdict::Admitted);
    QCOMPARE(admission.admit(QHostAddress(QStringLiteral("::ffff:127.0.0.1"))), Verdict::Admitted);
    QCOMPARE(admission.admit(QHostAddress(QStringLiteral("127.0.0.1"))), Verdict::OverAddress);
    QCOMPARE(admission.count(QHostAddress(QStringLiteral("::ffff:127.0.0.1"))), 2);
}

void TestAdmissionControl::defaultFromDescriptorLimit()
{
    QCOMPARE(AdmissionControl::defaultMaxConnections(-1), 0); // unknown: no cap from here
    QCOMPARE(AdmissionControl::defaultMaxConnections(1024), 1024 - 128);
    QCOMPARE(AdmissionControl::defaultMaxConnections(48), 48 - 24);
    QCOMPARE(AdmissionControl::defaultMaxConnections(1048576), 1048576 - 256);
    QCOMPARE(AdmissionControl::defaultMaxConnections(10), 1); // never 0 (that would mean unlimited)
    for (qint64 limit : { 20, 64, 256, 1024, 4096, 65536 })
        QVERIFY(AdmissionControl::reserveFor(limit) >= 24);
    QVERIFY(AdmissionControl::descriptorLimit() > 0);
}

QTEST_GUILESS_MAIN(TestAdmissionControl)
#include "tst_admissioncontrol.moc"
