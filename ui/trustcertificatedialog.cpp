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
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Yes | QDialogButtonBox::No);
    m_buttons->button(QDialogButtonBox::No)->setDefault(true); // trusting is a decision, not a reflex
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
    m_buttons->button(QDialogButtonBox::Yes)->setText(tr("Trust this certificate"));
    m_buttons->button(QDialogButtonBox::No)->setText(tr("Do not connect"));
}

} // namespace Tether
