#pragma once
// Language, servers (primary + fallbacks), proxy and advanced connection timings. "Apply" and
// "OK" hand the new settings to the app at once; nothing needs a restart.

#include "appsettings.h"

#include <QDialog>

class QButtonGroup;
class QComboBox;
class QDialogButtonBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QRadioButton;
class QSpinBox;
class QTabWidget;

namespace Tether {

class SettingsDialog : public QDialog
{
    Q_OBJECT

public:
    explicit SettingsDialog(QWidget *parent = nullptr);

    void setSettings(const AppSettings &settings);
    AppSettings settings() const;
    void setKeychainNote(bool persistent, const QString &reason);
    // The server the app talks to right now, in words ("… — given with --server for this run").
    void setServerInUse(const QString &text);
    QString serverInUse() const;
    // Why the last Apply could not take effect (empty = it did).
    void setServerProblem(const QString &text);
    QString serverProblem() const;
    // An address the app cannot use, in words; empty when the address is fine (or empty).
    static QString serverAddressProblem(const QString &address);

    QComboBox *languageCombo() const { return m_language; }

Q_SIGNALS:
    void applied(const Tether::AppSettings &settings);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    void updateProxyEnabled();
    bool validate(); // false: says why on the Server tab and shows it

    AppSettings m_base;
    bool m_persistent = true;
    QString m_keychainReason;
    QTabWidget *m_tabs = nullptr;
    // General
    QLabel *m_languageLabel = nullptr;
    QComboBox *m_language = nullptr;
    QLabel *m_keychain = nullptr;
    // Server
    QLabel *m_inUseLabel = nullptr;
    QLabel *m_inUse = nullptr;
    QString m_inUseText;
    QLabel *m_serverProblem = nullptr;
    QLabel *m_serverLabel = nullptr;
    QLineEdit *m_server = nullptr;
    QLabel *m_serverHint = nullptr;
    QLabel *m_fallbackLabel = nullptr;
    QPlainTextEdit *m_fallbacks = nullptr;
    QLabel *m_failuresLabel = nullptr;
    QSpinBox *m_failures = nullptr;
    QLabel *m_caFileLabel = nullptr;
    QLineEdit *m_caFile = nullptr;
    QLabel *m_fallbackNote = nullptr;
    // Proxy
    QRadioButton *m_proxySystem = nullptr;
    QRadioButton *m_proxyNone = nullptr;
    QRadioButton *m_proxyManual = nullptr;
    QLabel *m_proxyTypeLabel = nullptr;
    QComboBox *m_proxyType = nullptr;
    QLabel *m_proxyHostLabel = nullptr;
    QLineEdit *m_proxyHost = nullptr;
    QLabel *m_proxyPortLabel = nullptr;
    QSpinBox *m_proxyPort = nullptr;
    // Advanced
    QLabel *m_heartbeatLabel = nullptr;
    QSpinBox *m_heartbeat = nullptr;
    QLabel *m_pongLabel = nullptr;
    QSpinBox *m_pong = nullptr;
    QLabel *m_connectLabel = nullptr;
    QSpinBox *m_connect = nullptr;
    QLabel *m_backoffLabel = nullptr;
    QSpinBox *m_backoff = nullptr;
    QLabel *m_backoffMaxLabel = nullptr;
    QSpinBox *m_backoffMax = nullptr;
    QLabel *m_transportLabel = nullptr;
    QComboBox *m_transport = nullptr; // data: ConnectionConfig::TransportMode as int
    QLabel *m_wsRetryLabel = nullptr;
    QSpinBox *m_wsRetry = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace Tether
