#pragma once
// Trust on first use: the server's certificate is not vouched for by any CA we trust, so the user
// is shown its SHA-256 fingerprint (to compare with what the server's administrator published) and
// asked whether to trust exactly this certificate for this server from now on.

#include <QDialog>

class QLabel;
class QDialogButtonBox;
class QPushButton;

namespace Tether {

class TrustCertificateDialog : public QDialog
{
    Q_OBJECT

public:
    TrustCertificateDialog(const QString &host, const QString &fingerprint, QWidget *parent = nullptr);

    QString fingerprint() const { return m_fingerprint; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();

    QString m_host;
    QString m_fingerprint;
    QLabel *m_intro = nullptr;
    QLabel *m_print = nullptr;
    QLabel *m_advice = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QPushButton *m_trust = nullptr;
    QPushButton *m_refuse = nullptr;
};

} // namespace Tether
