#pragma once
// The diagnostics dialog for support staff: live connection figures, "Run checks", the filterable
// event log (last 500), the environment, and Copy/Save of one redacted report.

#include "connectionevent.h"
#include "diagnosticcheck.h"

#include <QDialog>
#include <QPointer>
#include <QUrl>

class QComboBox;
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

    void runChecks();
    DiagnosticsRunner *runner() const { return m_runner; }
    QString reportText() const;

    void setEventFilter(const QString &text, const QString &kind = QString());
    int visibleEventCount() const;
    int eventCount() const;

    static constexpr int MaxEvents = 500;
    static QString kindLabel(ConnectionEvent::Kind kind);
    static QString dataSize(qint64 bytes);

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
    QLabel *addLiveRow(const char *key);

    QPointer<ConnectionManager> m_connection;
    QPointer<ChatSession> m_session;
    QString m_proxyMode = QStringLiteral("system");
    DiagnosticsRunner *m_runner = nullptr;
    QList<DiagnosticCheck> m_checks; // finished ones, also while a run is under way
    QUrl m_checkedUrl;

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
    QPushButton *m_copy = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_close = nullptr;
    QLabel *m_copied = nullptr;
};

} // namespace Tether
