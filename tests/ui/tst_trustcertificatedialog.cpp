// Trust on first use: the dialog shows the host and the certificate's SHA-256 fingerprint as plain
// text, defaults to not trusting, and speaks Russian.
#include "language.h"
#include "trustcertificatedialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace Tether;

class TestTrustCertificateDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsTheFingerprintAndDefaultsToNo()
    {
        QVERIFY(Language::apply(QStringLiteral("en")));
        const QString print = QStringLiteral("AB:").repeated(31) + QStringLiteral("CD");
        TrustCertificateDialog dialog(QStringLiteral("<b>chat.example</b>"), print);
        dialog.show();
        auto *label = dialog.findChild<QLabel *>(QStringLiteral("certificateFingerprint"));
        QVERIFY(label);
        QCOMPARE(label->text(), print);
        bool hostShownAsTyped = false;
        for (QLabel *l : dialog.findChildren<QLabel *>()) {
            QCOMPARE(l->textFormat(), Qt::PlainText);
            hostShownAsTyped = hostShownAsTyped || l->text().contains(QLatin1String("<b>chat.example</b>"));
        }
        QVERIFY(hostShownAsTyped);
        auto *trust = dialog.findChild<QPushButton *>(QStringLiteral("trustButton"));
        auto *refuse = dialog.findChild<QPushButton *>(QStringLiteral("refuseButton"));
        QVERIFY(trust && refuse);
        QVERIFY(refuse->isDefault());
        QVERIFY(!trust->isDefault());
        QCOMPARE(trust->text(), QStringLiteral("Trust this certificate"));
        QVERIFY(Language::apply(QStringLiteral("ru")));
        QTRY_COMPARE(trust->text(), QStringLiteral("Доверять этому сертификату"));
        QCOMPARE(refuse->text(), QStringLiteral("Не подключаться"));
        QVERIFY(Language::apply(QStringLiteral("en")));
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        trust->click();
        QCOMPARE(accepted.size(), 1);
        QCOMPARE(dialog.fingerprint(), print);
    }
};

QTEST_MAIN(TestTrustCertificateDialog)
#include "tst_trustcertificatedialog.moc"
