#include "trustcertificatedialog.h"

#include <QDialogButtonBox>
#include <QEvent>
#include <QFontDatabase>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace Tether {

TrustCertificateDialog::TrustCertificateDialog(const QString &host, const QString &fingerprint, QWidget *parent)
    : QDialog(parent)
    , m_host(host)
    , m_fingerprint(fingerprint)
{
    setObjectName(QStringLiteral("trustCertificateDialog"));
    auto *layout = new QVBoxLayout(this);
    m_intro = new QLabel;
    m_intro->setTextFormat(Qt::PlainText); // the host name comes from the settings, the print from the server
    m_intro->setWordWrap(true);
    m_print = new QLabel;
    m_print->setObjectName(QStringLiteral("certificateFingerprint"));
    m_print->setTextFormat(Qt::PlainText);
    m_print->setWordWrap(true);
    m_print->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_print->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_advice = new QLabel;
    m_advice->setTextFormat(Qt::PlainText);
    m_advice->setWordWrap(true);
    // Own buttons, not the standard Yes/No: the button box would put its own words back on a
    // language change.
    m_buttons = new QDialogButtonBox;
    m_trust = m_buttons->addButton(QString(), QDialogButtonBox::AcceptRole);
    m_trust->setObjectName(QStringLiteral("trustButton"));
    m_refuse = m_buttons->addButton(QString(), QDialogButtonBox::RejectRole);
    m_refuse->setObjectName(QStringLiteral("refuseButton"));
    // Trusting is a decision, not a reflex: Enter means "Do not connect".
    m_trust->setAutoDefault(false);
    m_refuse->setDefault(true);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_intro);
    layout->addWidget(m_print);
    layout->addWidget(m_advice);
    layout->addWidget(m_buttons);
    retranslateUi();
}

void TrustCertificateDialog::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QDialog::changeEvent(event);
}

void TrustCertificateDialog::retranslateUi()
{
    setWindowTitle(tr("Trust this server's certificate?"));
    m_intro->setText(tr("No certificate authority this computer trusts vouches for %1. Its certificate has this "
                        "SHA-256 fingerprint:").arg(m_host));
    m_print->setText(m_fingerprint);
    m_advice->setText(tr("Trust it only if the server's administrator gave you the same fingerprint. Tether will "
                         "then accept exactly this certificate for this server, and refuse any other."));
    m_trust->setText(tr("Trust this certificate"));
    m_refuse->setText(tr("Do not connect"));
}

} // namespace Tether
