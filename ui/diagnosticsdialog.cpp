#include "diagnosticsdialog.h"

#include "bilingualtranslator.h"
#include "chatsession.h"
#include "connectionmanager.h"
#include "diagnosticsreport.h"
#include "diagnosticsrunner.h"
#include "secretredactor.h"
#include "statepresentation.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDir>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTimer>
#include <QTreeView>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace Tether {

namespace {
const ConnectionEvent::Kind allKinds[] = {
    ConnectionEvent::Kind::State, ConnectionEvent::Kind::Attempt, ConnectionEvent::Kind::Connected,
    ConnectionEvent::Kind::Closed, ConnectionEvent::Kind::Error, ConnectionEvent::Kind::TokenRefresh,
    ConnectionEvent::Kind::Network, ConnectionEvent::Kind::Heartbeat, ConnectionEvent::Kind::Info,
};
const char *const liveKeys[] = {"state", "server", "since", "rtt", "reconnects", "disconnects", "messages", "bytes", "outbox"};

} // namespace

DiagnosticsDialog::DiagnosticsDialog(QWidget *parent)
    : QDialog(parent)
    , m_runner(new DiagnosticsRunner(this))
{
    setObjectName(QStringLiteral("diagnosticsDialog"));
    m_tabs = new QTabWidget;

    // Live
    auto *live = new QWidget;
    m_liveForm = new QFormLayout(live);
    for (const char *key : liveKeys)
        addLiveRow(key);
    m_liveTimer = new QTimer(this);
    m_liveTimer->setInterval(1000);
    connect(m_liveTimer, &QTimer::timeout, this, &DiagnosticsDialog::refreshLive);
    m_tabs->addTab(live, QString());

    // Checks
    auto *checks = new QWidget;
    auto *checksLayout = new QVBoxLayout(checks);
    auto *urlRow = new QHBoxLayout;
    m_urlLabel = new QLabel;
    m_url = new QLineEdit;
    m_url->setObjectName(QStringLiteral("checkUrlEdit"));
    m_urlLabel->setBuddy(m_url);
    m_run = new QPushButton;
    m_run->setObjectName(QStringLiteral("runChecksButton"));
    urlRow->addWidget(m_urlLabel);
    urlRow->addWidget(m_url, 1);
    urlRow->addWidget(m_run);
    m_checksSummary = new QLabel;
    m_checksSummary->setWordWrap(true);
    m_checksView = new QTextBrowser;
    m_checksView->setObjectName(QStringLiteral("checksView"));
    m_checksView->setOpenLinks(false);
    checksLayout->addLayout(urlRow);
    checksLayout->addWidget(m_checksSummary);
    checksLayout->addWidget(m_checksView, 1);
    connect(m_run, &QPushButton::clicked, this, &DiagnosticsDialog::runChecks);
    connect(m_runner, &DiagnosticsRunner::checkFinished, this, [this](const DiagnosticCheck &check) {
        m_checks << check;
        renderChecks();
    });
    connect(m_runner, &DiagnosticsRunner::checkStarted, this, [this](const QString &id, const QString &) {
        m_checksSummary->setText(tr("Running: %1…").arg(DiagnosticsReport::checkTitle(id, DiagnosticsReport::Words::Translated)));
    });
    connect(m_runner, &DiagnosticsRunner::finished, this, [this] {
        endPairedRun();
        m_run->setEnabled(true);
        m_checks = m_runner->results();
        renderChecks();
        int failed = 0;
        for (const DiagnosticCheck &c : m_checks)
            failed += c.status == DiagnosticCheck::Status::Failed ? 1 : 0;
        m_checksSummary->setText(failed == 0 ? tr("All checks passed.")
                                             : tr("%n check(s) failed. The hints below say what it means.", nullptr, failed));
        refreshReport();
    });
    m_tabs->addTab(checks, QString());

    // Events
    auto *events = new QWidget;
    auto *eventsLayout = new QVBoxLayout(events);
    auto *filterRow = new QHBoxLayout;
    m_filter = new QLineEdit;
    m_filter->setObjectName(QStringLiteral("eventFilterEdit"));
    m_filter->setClearButtonEnabled(true);
    m_kind = new QComboBox;
    m_kind->setObjectName(QStringLiteral("eventKindCombo"));
    m_kind->addItem(QString(), QString());
    for (auto kind : allKinds) {
        const QString name = connectionEventKindName(kind);
        m_kind->addItem(kindLabel(kind), name);
    }
    filterRow->addWidget(m_filter, 1);
    filterRow->addWidget(m_kind);
    m_events = new QStandardItemModel(0, 3, this);
    m_kindProxy = new QSortFilterProxyModel(this);
    m_kindProxy->setSourceModel(m_events);
    m_kindProxy->setFilterKeyColumn(1);
    m_kindProxy->setFilterRole(Qt::UserRole); // the kind's stable name, not its translated label
    m_textProxy = new QSortFilterProxyModel(this);
    m_textProxy->setSourceModel(m_kindProxy);
    m_textProxy->setFilterKeyColumn(-1);
    m_textProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_eventsView = new QTreeView;
    m_eventsView->setObjectName(QStringLiteral("eventLogView"));
    m_eventsView->setModel(m_textProxy);
    m_eventsView->setRootIsDecorated(false);
    m_eventsView->setUniformRowHeights(true);
    m_eventsView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_eventsView->header()->setStretchLastSection(true);
    // Time and kind as wide as their longest text in the current language (Russian kinds are long).
    m_eventsView->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_eventsView->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    eventsLayout->addLayout(filterRow);
    eventsLayout->addWidget(m_eventsView, 1);
    connect(m_filter, &QLineEdit::textChanged, this, [this] { setEventFilter(m_filter->text(), m_kind->currentData().toString()); });
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] { setEventFilter(m_filter->text(), m_kind->currentData().toString()); });
    m_tabs->addTab(events, QString());

    // Environment
    auto *env = new QWidget;
    m_envForm = new QFormLayout(env);
    m_tabs->addTab(env, QString());

    // Report: what Copy and Save produce, in the interface language (they produce it in English).
    auto *reportPage = new QWidget;
    auto *reportLayout = new QVBoxLayout(reportPage);
    m_shareName = new QCheckBox;
    m_shareName->setObjectName(QStringLiteral("shareNameBox"));
    m_shareName->setChecked(true);
    m_shareName->hide(); // only for someone signed in
    m_reportView = new QPlainTextEdit;
    m_reportView->setObjectName(QStringLiteral("reportView"));
    m_reportView->setReadOnly(true);
    m_reportView->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    reportLayout->addWidget(m_shareName);
    reportLayout->addWidget(m_reportView, 1);
    connect(m_shareName, &QCheckBox::toggled, this, &DiagnosticsDialog::refreshReport);
    m_tabs->addTab(reportPage, QString());
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (index == ReportTab)
            refreshReport();
    });

    auto *buttons = new QHBoxLayout;
    m_copy = new QPushButton;
    m_copy->setObjectName(QStringLiteral("copyReportButton"));
    m_save = new QPushButton;
    m_save->setObjectName(QStringLiteral("saveReportButton"));
    m_close = new QPushButton;
    m_copied = new QLabel;
    buttons->addWidget(m_copy);
    buttons->addWidget(m_save);
    buttons->addWidget(m_copied, 1);
    buttons->addWidget(m_close);
    connect(m_copy, &QPushButton::clicked, this, &DiagnosticsDialog::copyReport);
    connect(m_save, &QPushButton::clicked, this, &DiagnosticsDialog::saveReport);
    connect(m_close, &QPushButton::clicked, this, &QDialog::accept);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs, 1);
    layout->addLayout(buttons);
    retranslateUi();
    refreshEnvironment();
    refreshLive();
    resize(880, 580);
}

DiagnosticsDialog::~DiagnosticsDialog()
{
    endPairedRun();
}

void DiagnosticsDialog::endPairedRun()
{
    if (m_pairedRun)
        BilingualTranslator::endRun();
    m_pairedRun = false;
}

void DiagnosticsDialog::setAccount(bool signedIn, const QString &userName)
{
    m_accountKnown = true;
    m_signedIn = signedIn;
    m_userName = userName;
    m_shareName->setVisible(signedIn && !userName.isEmpty());
    refreshReport();
}

QString DiagnosticsDialog::dataSize(qint64 bytes)
{
    // Our own units: Qt's Russian "0 байты" reads wrong.
    if (bytes < 1024)
        return tr("%1 B").arg(bytes);
    if (bytes < 1024 * 1024)
        return tr("%1 KiB").arg(QLocale().toString(bytes / 1024.0, 'f', 1));
    return tr("%1 MiB").arg(QLocale().toString(bytes / (1024.0 * 1024.0), 'f', 1));
}

QString DiagnosticsDialog::kindLabel(ConnectionEvent::Kind kind)
{
    switch (kind) {
    case ConnectionEvent::Kind::State: return tr("State");
    case ConnectionEvent::Kind::Attempt: return tr("Attempt");
    case ConnectionEvent::Kind::Connected: return tr("Connected");
    case ConnectionEvent::Kind::Closed: return tr("Closed");
    case ConnectionEvent::Kind::Error: return tr("Error");
    case ConnectionEvent::Kind::TokenRefresh: return tr("Token refresh");
    case ConnectionEvent::Kind::Network: return tr("Network");
    case ConnectionEvent::Kind::Heartbeat: return tr("Heartbeat");
    case ConnectionEvent::Kind::Info: break;
    }
    return tr("Info");
}

QLabel *DiagnosticsDialog::addLiveRow(const char *key)
{
    auto *label = new QLabel;
    auto *value = new QLabel;
    value->setTextFormat(Qt::PlainText); // server words (close reasons, errors) shown as they are
    value->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    value->setObjectName(QStringLiteral("live_") + QLatin1String(key));
    label->setBuddy(value);
    m_liveForm->addRow(label, value);
    m_liveRows.append({QByteArray(key), value});
    return value;
}

void DiagnosticsDialog::setConnection(ConnectionManager *connection)
{
    if (m_connection)
        disconnect(m_connection, nullptr, this, nullptr);
    m_connection = connection;
    m_events->removeRows(0, m_events->rowCount());
    if (connection) {
        for (const ConnectionEvent &e : connection->events())
            addEvent(e);
        connect(connection, &ConnectionManager::eventLogged, this, &DiagnosticsDialog::addEvent);
        connect(connection, &ConnectionManager::stateChanged, this, &DiagnosticsDialog::refreshLive);
        if (m_url->text().isEmpty())
            m_url->setText(connection->displayUrl().toString());
    }
    refreshLive();
}

void DiagnosticsDialog::setSession(ChatSession *session)
{
    m_session = session;
    refreshLive();
}

void DiagnosticsDialog::setProxyMode(const QString &mode)
{
    m_proxyMode = mode;
    refreshEnvironment();
}

void DiagnosticsDialog::setCheckUrl(const QUrl &url)
{
    m_url->setText(url.toString());
}

void DiagnosticsDialog::runChecks()
{
    m_checks.clear();
    renderChecks();
    m_checkedUrl = QUrl::fromUserInput(m_url->text().trimmed());
    m_run->setEnabled(false);
    // The checks' words are made now, in the interface language: have English made along for the report.
    if (!m_pairedRun) {
        BilingualTranslator::beginRun();
        m_pairedRun = true;
    }
    if (m_connection) {
        DiagnosticsOptions options = m_runner->options();
        options.useConnection(m_connection->config()); // the token, sent the way the app sends it
        m_runner->setOptions(options);
    }
    m_runner->start(m_checkedUrl);
}

void DiagnosticsDialog::renderChecks()
{
    QString html = QStringLiteral("<table cellspacing='0' cellpadding='4' width='100%'>");
    for (const DiagnosticCheck &check : m_checks) {
        QString status;
        QString icon;
        QString color;
        switch (check.status) {
        case DiagnosticCheck::Status::Passed:
            status = tr("Passed");
            icon = QStringLiteral(":/icons/state-connected.svg");
            color = QStringLiteral("#1f7a45");
            break;
        case DiagnosticCheck::Status::Failed:
            status = tr("Failed");
            icon = QStringLiteral(":/icons/state-error.svg");
            color = QStringLiteral("#a82a20");
            break;
        case DiagnosticCheck::Status::Skipped:
            status = tr("Skipped");
            icon = QStringLiteral(":/icons/state-offline.svg");
            color = QStringLiteral("#5b616a");
            break;
        }
        const QString time = check.elapsedMs >= 0 ? tr("%1 ms").arg(check.elapsedMs) : QString();
        using W = DiagnosticsReport::Words;
        const QString title = DiagnosticsReport::checkTitle(check.id, W::Translated);
        const QString detail = DiagnosticsReport::textIn(check.detail, W::Translated);
        const QString hint = DiagnosticsReport::textIn(check.hint, W::Translated);
        html += QStringLiteral("<tr><td width='22' valign='top'><img src='%1' width='16' height='16'></td>"
                               "<td valign='top'><b>%2</b> — <span style='color:%3'><b>%4</b></span>"
                               "<span style='color:#5b616a'>%5</span><br>%6%7</td></tr>")
                    .arg(icon, title.toHtmlEscaped(), color, status.toHtmlEscaped(),
                         time.isEmpty() ? QString() : QStringLiteral(" · ") + time.toHtmlEscaped(),
                         detail.toHtmlEscaped(),
                         hint.isEmpty() ? QString()
                                        : QStringLiteral("<br><i style='color:#3d434b'>") + hint.toHtmlEscaped()
                                              + QStringLiteral("</i>"));
    }
    html += QStringLiteral("</table>");
    m_checksView->setHtml(html);
}

void DiagnosticsDialog::addEvent(const ConnectionEvent &event)
{
    const QString kind = connectionEventKindName(event.kind);
    QList<QStandardItem *> row{
        new QStandardItem(QLocale().toString(event.time.toLocalTime().time(), QStringLiteral("HH:mm:ss.zzz"))),
        new QStandardItem(kindLabel(event.kind)),
        new QStandardItem(SecretRedactor::text(DiagnosticsReport::textIn(event.text, DiagnosticsReport::Words::Translated))),
    };
    row.at(1)->setData(kind, Qt::UserRole);
    row.at(0)->setToolTip(event.time.toUTC().toString(Qt::ISODateWithMs));
    m_events->appendRow(row);
    if (m_events->rowCount() > MaxEvents)
        m_events->removeRows(0, m_events->rowCount() - MaxEvents);
}

void DiagnosticsDialog::setEventFilter(const QString &text, const QString &kind)
{
    m_kindProxy->setFilterRegularExpression(
        kind.isEmpty() ? QString() : QStringLiteral("^%1$").arg(QRegularExpression::escape(kind)));
    m_textProxy->setFilterFixedString(text);
    if (m_filter->text() != text)
        m_filter->setText(text);
    const int index = m_kind->findData(kind);
    if (index >= 0 && index != m_kind->currentIndex())
        m_kind->setCurrentIndex(index);
}

int DiagnosticsDialog::visibleEventCount() const
{
    return m_textProxy->rowCount();
}

int DiagnosticsDialog::eventCount() const
{
    return m_events->rowCount();
}

void DiagnosticsDialog::refreshLive()
{
    const ConnectionStats st = m_connection ? m_connection->stats() : ConnectionStats();
    const int outbox = m_session ? m_session->outboxSize() : (m_connection ? m_connection->queuedCount() : -1);
    auto ms = [](double v) { return v < 0 ? QStringLiteral("–") : tr("%1 ms").arg(v, 0, 'f', v == int(v) ? 0 : 1); };
    for (const auto &row : m_liveRows) {
        const QByteArray &key = row.first;
        QString value;
        if (!m_connection) {
            value = QStringLiteral("–");
        } else if (key == "state") {
            value = StatePresentation::text(m_connection->state());
            if (m_connection->state() == ConnectionState::Reconnecting && m_connection->msUntilNextAttempt() >= 0)
                value += QStringLiteral(" ") + tr("(next attempt in %1 s)").arg((m_connection->msUntilNextAttempt() + 999) / 1000);
        } else if (key == "server") {
            value = SecretRedactor::urlString(m_connection->displayUrl());
        } else if (key == "since") {
            value = st.connectedSince.isValid()
                ? QLocale().toString(st.connectedSince.toLocalTime(), QLocale::ShortFormat)
                : tr("not connected");
        } else if (key == "rtt") {
            value = tr("last %1, average %2, max %3").arg(ms(st.rttLastMs), ms(st.rttAvgMs), ms(st.rttMaxMs));
        } else if (key == "reconnects") {
            value = tr("%1 (attempts: %2)").arg(qMax(0, st.connects - 1)).arg(st.attempts);
        } else if (key == "disconnects") {
            QStringList codes;
            for (auto it = st.disconnectsByCode.cbegin(); it != st.disconnectsByCode.cend(); ++it)
                codes << tr("%1: %2").arg(StatePresentation::closeCodeText(it.key())).arg(it.value());
            value = codes.isEmpty() ? tr("none") : codes.join(QStringLiteral("; "));
        } else if (key == "messages") {
            value = tr("%1 in / %2 out").arg(st.messagesIn).arg(st.messagesOut);
        } else if (key == "bytes") {
            value = tr("%1 in / %2 out").arg(dataSize(st.bytesIn), dataSize(st.bytesOut));
        } else if (key == "outbox") {
            value = outbox < 0 ? tr("unknown") : tr("%n message(s) waiting", nullptr, outbox);
        }
        row.second->setText(value);
    }
}

void DiagnosticsDialog::refreshEnvironment()
{
    while (m_envForm->rowCount() > 0)
        m_envForm->removeRow(0);
    for (const auto &row : DiagnosticsReport::environmentRows(m_proxyMode)) {
        auto *value = new QLabel;
        value->setTextFormat(Qt::PlainText);
        value->setText(row.second);
        value->setWordWrap(true);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        value->setAccessibleName(row.first);
        m_envForm->addRow(row.first + QLatin1Char(':'), value);
    }
}

DiagnosticsReport DiagnosticsDialog::report() const
{
    DiagnosticsReport report;
    report.setProxyMode(m_proxyMode);
    report.setConnection(DiagnosticsSnapshot::fromConnection(m_connection, m_session ? m_session->outboxSize() : -1));
    if (m_accountKnown)
        report.setAccount(m_signedIn, m_signedIn && m_shareName->isChecked() ? m_userName : QString());
    if (!m_checks.isEmpty())
        report.setChecks(m_checkedUrl, m_checks);
    if (m_session)
        report.setStoreRecovery(m_session->storeRecovery().movedTo, m_session->storeRecovery().reason,
                                m_session->storeRecovery().salvagedOutbox);
    return report;
}

QString DiagnosticsDialog::reportText() const
{
    return report().toReport();
}

QString DiagnosticsDialog::translatedReportText() const
{
    return report().toText(DiagnosticsReport::Words::Translated);
}

void DiagnosticsDialog::refreshReport()
{
    if (m_tabs->currentIndex() != ReportTab && isVisible())
        return; // made when the tab is opened
    m_reportView->setPlainText(translatedReportText());
}

void DiagnosticsDialog::copyReport()
{
    QApplication::clipboard()->setText(reportText());
    m_copied->setText(tr("Report copied to the clipboard."));
}

void DiagnosticsDialog::saveReport()
{
    const QString suggested = QStringLiteral("tether-report-%1.txt")
                                  .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    const QString path = QFileDialog::getSaveFileName(this, tr("Save report"), suggested, tr("Text files (*.txt)"));
    if (path.isEmpty())
        return;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(reportText().toUtf8()) < 0) {
        QMessageBox::warning(this, tr("Save report"), tr("Could not save the report: %1").arg(file.errorString()));
        return;
    }
    m_copied->setText(tr("Report saved to %1.").arg(QDir::toNativeSeparators(path)));
}

void DiagnosticsDialog::retranslateUi()
{
    setWindowTitle(tr("Tether Diagnostics"));
    m_tabs->setTabText(0, tr("Live"));
    m_tabs->setTabText(1, tr("Checks"));
    m_tabs->setTabText(2, tr("Event log"));
    m_tabs->setTabText(3, tr("Environment"));
    m_tabs->setTabText(ReportTab, tr("Report"));
    m_shareName->setText(tr("Include my user name in the report"));
    m_shareName->setAccessibleName(m_shareName->text());
    m_reportView->setAccessibleName(tr("Report for support staff"));
    m_reportView->setToolTip(tr("Copy and Save give support staff this report in English."));
    const QHash<QByteArray, QString> names{
        {"state", tr("State")},
        {"server", tr("Server")},
        {"since", tr("Connected since")},
        {"rtt", tr("Round trip")},
        {"reconnects", tr("Reconnects")},
        {"disconnects", tr("Disconnects by close code")},
        {"messages", tr("Messages")},
        {"bytes", tr("Data")},
        {"outbox", tr("Outbox")},
    };
    for (const auto &row : m_liveRows) {
        if (auto *label = qobject_cast<QLabel *>(m_liveForm->labelForField(row.second)))
            label->setText(names.value(row.first) + QLatin1Char(':'));
        row.second->setAccessibleName(names.value(row.first));
    }
    m_urlLabel->setText(tr("&Server:"));
    m_url->setAccessibleName(tr("Server address to check"));
    m_run->setText(tr("&Run checks"));
    m_run->setAccessibleName(tr("Run checks"));
    m_checksView->setAccessibleName(tr("Check results"));
    if (m_checksSummary->text().isEmpty() || m_checks.isEmpty())
        m_checksSummary->setText(tr("Checks the way to the server step by step: name lookup, connection, "
                                    "encryption, the server itself and the chat channel."));
    m_filter->setPlaceholderText(tr("Filter events…"));
    m_filter->setAccessibleName(tr("Filter events"));
    m_kind->setItemText(0, tr("All kinds"));
    for (int i = 1; i < m_kind->count(); ++i) {
        for (auto kind : allKinds) {
            if (m_kind->itemData(i).toString() == connectionEventKindName(kind))
                m_kind->setItemText(i, kindLabel(kind));
        }
    }
    for (int row = 0; row < m_events->rowCount(); ++row) {
        QStandardItem *item = m_events->item(row, 1);
        for (auto kind : allKinds) {
            if (item->data(Qt::UserRole).toString() == connectionEventKindName(kind))
                item->setText(kindLabel(kind));
        }
    }
    m_kind->setAccessibleName(tr("Event kind"));
    m_events->setHorizontalHeaderLabels({tr("Time"), tr("Kind"), tr("Event")});
    m_eventsView->setAccessibleName(tr("Connection event log"));
    m_copy->setText(tr("&Copy report"));
    m_copy->setAccessibleName(tr("Copy report"));
    m_save->setText(tr("&Save report…"));
    m_save->setAccessibleName(tr("Save report"));
    m_close->setText(tr("Close"));
    m_close->setAccessibleName(tr("Close"));
    m_copied->setAccessibleName(tr("Report status"));
    refreshEnvironment();
    refreshLive();
    // Titles and statuses are translated words: re-render (details keep the language they ran in).
    renderChecks();
    refreshReport();
}

void DiagnosticsDialog::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QDialog::changeEvent(event);
}

void DiagnosticsDialog::showEvent(QShowEvent *event)
{
    refreshLive();
    m_liveTimer->start();
    QDialog::showEvent(event);
}

void DiagnosticsDialog::hideEvent(QHideEvent *event)
{
    m_liveTimer->stop();
    QDialog::hideEvent(event);
}

} // namespace Tether
