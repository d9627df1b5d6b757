#pragma once
// One support report: a one-line verdict, the account (signed in or guest), environment, live
// connection figures, check results and the recent event log, every secret redacted. Written in
// English for support staff whatever the interface language (the dialog shows it translated), with
// the same data as a JSON attachment only when asked for.

#include "connectionevent.h"
#include "connectionstate.h"
#include "connectionstats.h"
#include "diagnosticcheck.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QUrl>

namespace Tether {

class ConnectionManager;

// The live side of a report, taken from a ConnectionManager (or built by hand in tests).
struct DiagnosticsSnapshot
{
    bool valid = false;
    ConnectionState state = ConnectionState::Disconnected;
    QUrl server;
    QString transport;      // "websocket" or "long-poll"; empty = not known
    QString fallbackReason; // why auto fell back to long polling (empty: it did not)
    ConnectionStats stats;
    int outboxSize = -1; // -1 = unknown
    QList<ConnectionEvent> events;

    static DiagnosticsSnapshot fromConnection(const ConnectionManager *connection, int outboxSize = -1);
};

class DiagnosticsReport
{
    Q_DECLARE_TR_FUNCTIONS(DiagnosticsReport)

public:
    // English for the file support staff receive; Translated for the dialog.
    enum class Words { English, Translated };

    // A text may carry both the interface language and English: BEGIN translated SEP english END,
    // nested where a translated text went into another one's %1. The app's translator writes such
    // texts for the diagnostics checks (their words are made while they run, in one language, and
    // the report needs both); textIn() picks one language out, and leaves other texts alone.
    static constexpr char16_t BothBegin = 0xE000;
    static constexpr char16_t BothSeparator = 0xE001;
    static constexpr char16_t BothEnd = 0xE002;
    static QString both(const QString &translated, const QString &english);
    static QString textIn(const QString &text, Words words);

    void setConnection(const DiagnosticsSnapshot &snapshot) { m_snapshot = snapshot; }
    void setChecks(const QUrl &target, const QList<DiagnosticCheck> &checks);
    void setProxyMode(const QString &mode) { m_proxyMode = mode; }
    // signedIn false = a guest. userName empty with signedIn = the user prefers not to name it.
    void setAccount(bool signedIn, const QString &userName = QString());
    // The local store was damaged and replaced at start: where it went and why (empty: it was fine).
    void setStoreRecovery(const QString &movedTo, const QString &reason, int salvaged)
    {
        m_storeMovedTo = movedTo;
        m_storeReason = reason;
        m_storeSalvaged = salvaged;
    }

    // Label/value rows for display; values redacted.
    static QList<QPair<QString, QString>> environmentRows(const QString &proxyMode, Words words = Words::Translated);
    static QJsonObject environment(const QString &proxyMode);
    // A connection state in words: "reconnecting (waiting for the next attempt)".
    static QString stateText(ConnectionState state, Words words);
    static QString checkTitle(const QString &id, Words words);

    // One line: which layer fails and what to do.
    QString verdict(Words words = Words::English) const;
    QJsonObject toJson() const;
    QString toText(Words words = Words::English) const;
    // What "Copy report", "Save report…" and `tether --diagnose` produce: the English text, and
    // with withJson the same data as a JSON attachment.
    QString toReport(bool withJson = false) const;

private:
    DiagnosticsSnapshot m_snapshot;
    QUrl m_target;
    QList<DiagnosticCheck> m_checks;
    QString m_proxyMode = QStringLiteral("system");
    bool m_accountKnown = false;
    QString m_storeMovedTo;
    QString m_storeReason;
    int m_storeSalvaged = 0;
    bool m_signedIn = false;
    QString m_userName;
};

} // namespace Tether
