#include "settingsdialog.h"

#include "language.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

namespace Tether {

static QSpinBox *secondsBox(double minS, double maxS)
{
    auto *box = new QSpinBox;
    box->setRange(int(minS * 1000), int(maxS * 1000));
    box->setSingleStep(500);
    return box;
}

SettingsDialog::SettingsDialog(QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("settingsDialog"));
    m_tabs = new QTabWidget;

    // General
    auto *general = new QWidget;
    auto *generalForm = new QFormLayout(general);
    generalForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_languageLabel = new QLabel;
    m_language = new QComboBox;
    m_language->setObjectName(QStringLiteral("languageCombo"));
    for (const QString &code : Language::available())
        m_language->addItem(Language::nativeName(code), code); // each language in its own words
    m_languageLabel->setBuddy(m_language);
    m_keychain = new QLabel;
    m_keychain->setWordWrap(true);
    generalForm->addRow(m_languageLabel, m_language);
    generalForm->addRow(m_keychain);
    m_tabs->addTab(general, QString());

    // Server
    auto *server = new QWidget;
    auto *serverForm = new QFormLayout(server);
    serverForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_serverLabel = new QLabel;
    m_server = new QLineEdit;
    m_server->setObjectName(QStringLiteral("serverUrlEdit"));
    m_server->setPlaceholderText(QStringLiteral("wss://chat.example.com/ws"));
    m_serverLabel->setBuddy(m_server);
    m_serverHint = new QLabel;
    m_serverHint->setWordWrap(true);
    m_inUseLabel = new QLabel;
    m_inUse = new QLabel;
    m_inUse->setObjectName(QStringLiteral("serverInUse"));
    m_inUse->setTextFormat(Qt::PlainText);
    m_inUse->setWordWrap(true);
    m_inUse->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_inUseLabel->setBuddy(m_inUse);
    m_serverProblem = new QLabel;
    m_serverProblem->setObjectName(QStringLiteral("serverProblem"));
    m_serverProblem->setTextFormat(Qt::PlainText);
    m_serverProblem->setWordWrap(true);
    m_serverProblem->setStyleSheet(QStringLiteral("color: #a82a20;"));
    m_serverProblem->hide();
    m_fallbackLabel = new QLabel;
    m_fallbacks = new QPlainTextEdit;
    m_fallbacks->setObjectName(QStringLiteral("fallbackServersEdit"));
    m_fallbacks->setTabChangesFocus(true);
    m_fallbacks->setMaximumHeight(90);
    m_fallbackLabel->setBuddy(m_fallbacks);
    m_failuresLabel = new QLabel;
    m_failures = new QSpinBox;
    m_failures->setRange(1, 50);
    m_failuresLabel->setBuddy(m_failures);
    serverForm->addRow(m_inUseLabel, m_inUse);
    serverForm->addRow(m_serverLabel, m_server);
    serverForm->addRow(m_serverHint);
    serverForm->addRow(m_serverProblem);
    serverForm->addRow(m_fallbackLabel, m_fallbacks);
    serverForm->addRow(m_failuresLabel, m_failures);
    m_caFileLabel = new QLabel;
    m_caFile = new QLineEdit;
    m_caFile->setObjectName(QStringLiteral("caFileEdit"));
    m_caFileLabel->setBuddy(m_caFile);
    serverForm->addRow(m_caFileLabel, m_caFile);
    m_fallbackNote = new QLabel;
    m_fallbackNote->setWordWrap(true);
    serverForm->addRow(m_fallbackNote);
    m_tabs->addTab(server, QString());

    // Proxy
    auto *proxy = new QWidget;
    auto *proxyLayout = new QVBoxLayout(proxy);
    m_proxySystem = new QRadioButton;
    m_proxyNone = new QRadioButton;
    m_proxyManual = new QRadioButton;
    auto *group = new QButtonGroup(this);
    group->addButton(m_proxySystem);
    group->addButton(m_proxyNone);
    group->addButton(m_proxyManual);
    auto *proxyForm = new QFormLayout;
    proxyForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_proxyTypeLabel = new QLabel;
    m_proxyType = new QComboBox;
    m_proxyType->addItem(QStringLiteral("HTTP"));
    m_proxyType->addItem(QStringLiteral("SOCKS5"));
    m_proxyTypeLabel->setBuddy(m_proxyType);
    m_proxyHostLabel = new QLabel;
    m_proxyHost = new QLineEdit;
    m_proxyHostLabel->setBuddy(m_proxyHost);
    m_proxyPortLabel = new QLabel;
    m_proxyPort = new QSpinBox;
    m_proxyPort->setRange(1, 65535);
    m_proxyPortLabel->setBuddy(m_proxyPort);
    proxyForm->addRow(m_proxyTypeLabel, m_proxyType);
    proxyForm->addRow(m_proxyHostLabel, m_proxyHost);
    proxyForm->addRow(m_proxyPortLabel, m_proxyPort);
    proxyLayout->addWidget(m_proxySystem);
    proxyLayout->addWidget(m_proxyNone);
    proxyLayout->addWidget(m_proxyManual);
    proxyLayout->addLayout(proxyForm);
    proxyLayout->addStretch();
    connect(group, &QButtonGroup::buttonToggled, this, &SettingsDialog::updateProxyEnabled);
    m_tabs->addTab(proxy, QString());

    // Advanced
    auto *advanced = new QWidget;
    auto *advancedForm = new QFormLayout(advanced);
    m_heartbeatLabel = new QLabel;
    m_heartbeat = secondsBox(1, 300);
    m_pongLabel = new QLabel;
    m_pong = secondsBox(1, 120);
    m_connectLabel = new QLabel;
    m_connect = secondsBox(1, 120);
    m_backoffLabel = new QLabel;
    m_backoff = secondsBox(0.1, 60);
    m_backoffMaxLabel = new QLabel;
    m_backoffMax = secondsBox(1, 600);
    for (auto pair : {std::make_pair(m_heartbeatLabel, m_heartbeat), std::make_pair(m_pongLabel, m_pong),
                      std::make_pair(m_connectLabel, m_connect), std::make_pair(m_backoffLabel, m_backoff),
                      std::make_pair(m_backoffMaxLabel, m_backoffMax)}) {
        pair.first->setBuddy(pair.second);
        advancedForm->addRow(pair.first, pair.second);
    }
    m_transportLabel = new QLabel;
    m_transport = new QComboBox;
    for (auto mode : {ConnectionConfig::TransportMode::Auto, ConnectionConfig::TransportMode::WebSocket,
                      ConnectionConfig::TransportMode::LongPoll})
        m_transport->addItem(QString(), int(mode)); // texts in retranslateUi()
    m_transportLabel->setBuddy(m_transport);
    advancedForm->addRow(m_transportLabel, m_transport);
    m_wsRetryLabel = new QLabel;
    m_wsRetry = secondsBox(1, 3600);
    m_wsRetryLabel->setBuddy(m_wsRetry);
    advancedForm->addRow(m_wsRetryLabel, m_wsRetry);
    connect(m_transport, &QComboBox::currentIndexChanged, this, [this] {
        m_wsRetry->setEnabled(m_transport->currentData().toInt() == int(ConnectionConfig::TransportMode::Auto));
    });
    m_tabs->addTab(advanced, QString());

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Apply | QDialogButtonBox::Cancel);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (!validate())
            return;
        Q_EMIT applied(settings());
        if (m_serverProblem->isHidden()) // the app may have said why the server could not change
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_buttons->button(QDialogButtonBox::Apply), &QPushButton::clicked, this, [this] {
        if (validate())
            Q_EMIT applied(settings());
    });
    connect(m_server, &QLineEdit::textEdited, this, [this] { setServerProblem(QString()); });

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs);
    layout->addWidget(m_buttons);
    retranslateUi();
    setSettings(AppSettings());
    setMinimumWidth(480);
}

void SettingsDialog::setSettings(const AppSettings &s)
{
    m_base = s;
    const int lang = m_language->findData(s.language.isEmpty() ? Language::current() : s.language);
    m_language->setCurrentIndex(qMax(0, lang));
    m_server->setText(s.serverUrl);
    m_fallbacks->setPlainText(s.fallbackServers.join(QLatin1Char('\n')));
    m_failures->setValue(s.failuresBeforeFallback);
    m_caFile->setText(s.caFile);
    m_proxySystem->setChecked(s.proxyMode == AppSettings::ProxyMode::System);
    m_proxyNone->setChecked(s.proxyMode == AppSettings::ProxyMode::None);
    m_proxyManual->setChecked(s.proxyMode == AppSettings::ProxyMode::Manual);
    m_proxyType->setCurrentIndex(s.proxyType == AppSettings::ProxyType::Socks5 ? 1 : 0);
    m_proxyHost->setText(s.proxyHost);
    m_proxyPort->setValue(s.proxyPort);
    m_heartbeat->setValue(s.heartbeatIntervalMs);
    m_pong->setValue(s.pongTimeoutMs);
    m_connect->setValue(s.connectTimeoutMs);
    m_backoff->setValue(s.backoffInitialMs);
    m_backoffMax->setValue(s.backoffMaxMs);
    m_transport->setCurrentIndex(qMax(0, m_transport->findData(int(s.transportMode))));
    m_wsRetry->setValue(s.wsRetryIntervalMs);
    m_wsRetry->setEnabled(s.transportMode == ConnectionConfig::TransportMode::Auto);
    updateProxyEnabled();
}

AppSettings SettingsDialog::settings() const
{
    AppSettings s = m_base;
    s.language = m_language->currentData().toString();
    s.serverUrl = m_server->text().trimmed();
    s.fallbackServers.clear();
    for (const QString &line : m_fallbacks->toPlainText().split(QLatin1Char('\n'))) {
        if (!line.trimmed().isEmpty())
            s.fallbackServers << line.trimmed();
    }
    s.failuresBeforeFallback = m_failures->value();
    s.caFile = m_caFile->text().trimmed();
    s.proxyMode = m_proxyNone->isChecked() ? AppSettings::ProxyMode::None
        : m_proxyManual->isChecked()       ? AppSettings::ProxyMode::Manual
                                           : AppSettings::ProxyMode::System;
    s.proxyType = m_proxyType->currentIndex() == 1 ? AppSettings::ProxyType::Socks5 : AppSettings::ProxyType::Http;
    s.proxyHost = m_proxyHost->text().trimmed();
    s.proxyPort = m_proxyPort->value();
    s.heartbeatIntervalMs = m_heartbeat->value();
    s.pongTimeoutMs = m_pong->value();
    s.connectTimeoutMs = m_connect->value();
    s.backoffInitialMs = m_backoff->value();
    s.backoffMaxMs = m_backoffMax->value();
    s.transportMode = ConnectionConfig::TransportMode(m_transport->currentData().toInt());
    s.wsRetryIntervalMs = m_wsRetry->value();
    return s;
}

void SettingsDialog::setKeychainNote(bool persistent, const QString &reason)
{
    m_persistent = persistent;
    m_keychainReason = reason;
    retranslateUi();
}

void SettingsDialog::setServerInUse(const QString &text)
{
    m_inUseText = text;
    retranslateUi();
}

QString SettingsDialog::serverInUse() const
{
    return m_inUse->text();
}

void SettingsDialog::setServerProblem(const QString &text)
{
    m_serverProblem->setText(text);
    m_serverProblem->setAccessibleName(text);
    m_serverProblem->setVisible(!text.isEmpty());
}

QString SettingsDialog::serverProblem() const
{
    return m_serverProblem->isHidden() ? QString() : m_serverProblem->text();
}

QString SettingsDialog::serverAddressProblem(const QString &address)
{
    const QString trimmed = address.trimmed();
    if (trimmed.isEmpty())
        return QString();
    const QUrl url(trimmed);
    if (!url.isValid() || (url.scheme() != QLatin1String("ws") && url.scheme() != QLatin1String("wss"))
        || url.host().isEmpty())
        return tr("“%1” is not a server address. Use one like wss://chat.example.com/ws.").arg(trimmed);
    return QString();
}

bool SettingsDialog::validate()
{
    QStringList addresses{m_server->text()};
    addresses += m_fallbacks->toPlainText().split(QLatin1Char('\n'));
    for (const QString &address : std::as_const(addresses)) {
        const QString problem = serverAddressProblem(address);
        if (!problem.isEmpty()) {
            setServerProblem(problem);
            m_tabs->setCurrentIndex(1);
            return false;
        }
    }
    setServerProblem(QString());
    return true;
}

void SettingsDialog::updateProxyEnabled()
{
    const bool manual = m_proxyManual->isChecked();
    m_proxyType->setEnabled(manual);
    m_proxyHost->setEnabled(manual);
    m_proxyPort->setEnabled(manual);
}

void SettingsDialog::retranslateUi()
{
    setWindowTitle(tr("Tether Settings"));
    m_tabs->setTabText(0, tr("General"));
    m_tabs->setTabText(1, tr("Server"));
    m_tabs->setTabText(2, tr("Proxy"));
    m_tabs->setTabText(3, tr("Advanced"));
    m_languageLabel->setText(tr("&Language:"));
    m_language->setAccessibleName(tr("Language"));
    // The keychain's own reason is technical English: a tooltip, not part of the sentence.
    m_keychain->setText(m_persistent ? tr("Sign-in tokens are kept in the system keychain.")
                                     : tr("No keychain service is available: sign-in tokens are kept in "
                                          "memory only and are gone when Tether quits."));
    m_keychain->setToolTip(m_persistent || m_keychainReason.isEmpty() ? QString() : m_keychainReason);
    m_inUseLabel->setText(tr("In use now:"));
    m_inUse->setText(m_inUseText.isEmpty() ? tr("not connected") : m_inUseText);
    m_inUse->setAccessibleName(tr("Server in use now"));
    m_serverLabel->setText(tr("&Server address:"));
    m_server->setAccessibleName(tr("Server address"));
    m_serverHint->setText(tr("Leave empty to use the built-in local server. A new address is used as soon as you "
                             "apply it, also when Tether was started with --server."));
    m_fallbackLabel->setText(tr("&Fallback servers:"));
    m_fallbacks->setAccessibleName(tr("Fallback servers, one per line"));
    m_fallbacks->setPlaceholderText(tr("One address per line, tried in turn"));
    m_failuresLabel->setText(tr("Switch &after failed attempts:"));
    m_failures->setAccessibleName(tr("Failed attempts before switching to the next server"));
    m_caFileLabel->setText(tr("&CA certificates file:"));
    m_caFile->setPlaceholderText(tr("PEM file of a self-hosted server's own certificate authority"));
    m_caFile->setAccessibleName(tr("CA certificates file"));
    m_fallbackNote->setText(tr("Fallback servers are copies of the same service: they share your account. "
                               "Another server address is another service, with its own account and messages."));
    m_proxySystem->setText(tr("Use the &system proxy settings"));
    m_proxyNone->setText(tr("&No proxy"));
    m_proxyManual->setText(tr("&Manual proxy:"));
    m_proxySystem->setAccessibleName(m_proxySystem->text().remove(QLatin1Char('&')));
    m_proxyNone->setAccessibleName(m_proxyNone->text().remove(QLatin1Char('&')));
    m_proxyManual->setAccessibleName(m_proxyManual->text().remove(QLatin1Char('&')));
    m_proxyTypeLabel->setText(tr("&Type:"));
    m_proxyType->setAccessibleName(tr("Proxy type"));
    m_proxyHostLabel->setText(tr("&Host:"));
    m_proxyHost->setAccessibleName(tr("Proxy host"));
    m_proxyPortLabel->setText(tr("&Port:"));
    m_proxyPort->setAccessibleName(tr("Proxy port"));
    const QString ms = tr(" ms");
    for (QSpinBox *box : {m_heartbeat, m_pong, m_connect, m_backoff, m_backoffMax, m_wsRetry})
        box->setSuffix(ms);
    m_heartbeatLabel->setText(tr("&Heartbeat interval:"));
    m_heartbeat->setAccessibleName(tr("Heartbeat interval in milliseconds"));
    m_pongLabel->setText(tr("&Answer timeout:"));
    m_pong->setAccessibleName(tr("Heartbeat answer timeout in milliseconds"));
    m_connectLabel->setText(tr("&Connect timeout:"));
    m_connect->setAccessibleName(tr("Connect timeout in milliseconds"));
    m_backoffLabel->setText(tr("&First retry after:"));
    m_backoff->setAccessibleName(tr("First retry delay in milliseconds"));
    m_backoffMaxLabel->setText(tr("&Longest retry wait:"));
    m_backoffMax->setAccessibleName(tr("Longest retry delay in milliseconds"));
    m_transportLabel->setText(tr("&Transport:"));
    m_transport->setItemText(0, tr("Automatic (WebSocket, HTTP fallback when blocked)"));
    m_transport->setItemText(1, tr("WebSocket only"));
    m_transport->setItemText(2, tr("HTTP long polling only"));
    m_transport->setAccessibleName(tr("Transport"));
    m_wsRetryLabel->setText(tr("&Retry WebSocket every:"));
    m_wsRetry->setAccessibleName(tr("How often the HTTP fallback tries WebSocket again, in milliseconds"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("OK"));
    m_buttons->button(QDialogButtonBox::Apply)->setText(tr("Apply"));
    m_buttons->button(QDialogButtonBox::Cancel)->setText(tr("Cancel"));
    for (auto b : {QDialogButtonBox::Ok, QDialogButtonBox::Apply, QDialogButtonBox::Cancel})
        m_buttons->button(b)->setAccessibleName(m_buttons->button(b)->text());
}

void SettingsDialog::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QDialog::changeEvent(event);
}

} // namespace Tether
