#pragma once
// The diagnostics dialog for support staff: live connection figures, "Run checks", the filterable
// event log (last 500), the environment, the report as it reads in the interface language, and
// Copy/Save of the same redacted report in English (what support staff read).

#include "connectionevent.h"
#include "diagnosticcheck.h"

#include <QDialog>
#include <QPointer>
#include <QUrl>

class QCheckBox;
class QComboBox;
class QPlainTextEdit;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTabWidget;
class QTimer;
class QTreeView;
class QTextBrowser;

namespace Tether {

class ChatSession;
class ConnectionManager;
class DiagnosticsReport;
class DiagnosticsRunner;

class DiagnosticsDialog : public QDialog
{
    Q_OBJECT

public:
    explicit DiagnosticsDialog(QWidget *parent = nullptr);
    ~DiagnosticsDialog() override;

    void setConnection(ConnectionManager *connection);
    void setSession(ChatSession *session);
    void setProxyMode(const QString &mode);
    void setCheckUrl(const QUrl &url);
    // Signed in (with the user's name) or a guest, for the report.
    void setAccount(bool signedIn, const QString &userName);

    void runChecks();
    DiagnosticsRunner *runner() const { return m_runner; }
    // The report as copied and saved: English.
    QString reportText() const;
    // The same report in the interface language, as the Report tab shows it.
    QString translatedReportText() const;
    QTreeView *eventsView() const { return m_eventsView; }
    QCheckBox *shareNameBox() const { return m_shareName; }

    void setEventFilter(const QString &text, const QString &kind = QString());
    int visibleEventCount() const;
    int eventCount() const;

    static constexpr int MaxEvents = 500;
    static QString kindLabel(ConnectionEvent::Kind kind);
    static QString dataSize(qint64 bytes);

    static constexpr int ReportTab = 4;

public Q_SLOTS:
    void copyReport();
    void saveReport();
    void refreshLive();

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void retranslateUi();
    void addEvent(const ConnectionEvent &event);
    void renderChecks();
    void refreshEnvironment();
    void refreshReport();
    void endPairedRun();
    DiagnosticsReport report() const;
    QLabel *addLiveRow(const char *key);

    QPointer<ConnectionManager> m_connection;
    QPointer<ChatSession> m_session;
    QString m_proxyMode = QStringLiteral("system");
    DiagnosticsRunner *m_runner = nullptr;
    QList<DiagnosticCheck> m_checks; // finished ones, also while a run is under way
    QUrl m_checkedUrl;
    bool m_pairedRun = false; // BilingualTranslator::beginRun() is in force for our run
    bool m_accountKnown = false;
    bool m_signedIn = false;
    QString m_userName;

    QTabWidget *m_tabs = nullptr;
    QFormLayout *m_liveForm = nullptr;
    QList<QPair<QByteArray, QLabel *>> m_liveRows; // key -> value label; the row label is the buddy
    QTimer *m_liveTimer = nullptr;

    QLabel *m_urlLabel = nullptr;
    QLineEdit *m_url = nullptr;
    QPushButton *m_run = nullptr;
    QLabel *m_checksSummary = nullptr;
    QTextBrowser *m_checksView = nullptr;

    QLineEdit *m_filter = nullptr;
    QComboBox *m_kind = nullptr;
    QStandardItemModel *m_events = nullptr;
    QSortFilterProxyModel *m_kindProxy = nullptr;
    QSortFilterProxyModel *m_textProxy = nullptr;
    QTreeView *m_eventsView = nullptr;

    QFormLayout *m_envForm = nullptr;
    QPlainTextEdit *m_reportView = nullptr;
    QCheckBox *m_shareName = nullptr;
    QPushButton *m_copy = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_close = nullptr;
    QLabel *m_copied = nullptr;
};

} // namespace Tether
