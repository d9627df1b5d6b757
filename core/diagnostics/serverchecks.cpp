#include "serverchecks.h"

#include "authclient.h"
#include "closecode.h"
#include "diagnosticstep.h"
#include "endpoints.h"
#include "healthstatus.h"
#include "keys.h"
#include "secretredactor.h"
#include "tlstrust.h"
#include "transport.h"
#include "transportdecider.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <algorithm>
#include <climits>
#include <memory>

namespace Tether {

namespace {
constexpr qint64 MaxHealthAnswerBytes = 64 * 1024;
} // namespace

void ServerChecks::health(DiagnosticStep *step)
{
    DiagnosticCheck check = step->check();
    QUrl url = AuthClient::httpBaseFor(step->url());
    url.setPath(Protocol::Path::Health);
    auto *nam = new QNetworkAccessManager(step);
    QNetworkRequest request(url);
    request.setTransferTimeout(step->options().timeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    const QString pin = TlsTrust::normalisePin(step->options().pinnedCertificateSha256);
    if (url.scheme() == QLatin1String("https"))
        request.setSslConfiguration(TlsTrust::configuration(step->options().caFile, pin));
    QNetworkReply *reply = nam->get(request);
    // The certificate the app trusts by its pin is trusted here too; nothing else is ignored.
    QObject::connect(reply, &QNetworkReply::sslErrors, step, [reply, pin](const QList<QSslError> &errors) {
        QSslCertificate peer = reply->sslConfiguration().peerCertificate();
        for (const QSslError &e : errors) {
            if (peer.isNull())
                peer = e.certificate();
        }
        if (!pin.isEmpty() && TlsTrust::judge(peer, pin) == TlsTrust::Verdict::Accept)
            reply->ignoreSslErrors(errors);
    });
    QObject::connect(reply, &QNetworkReply::finished, step, [step, check, reply, url]() mutable {
        reply->deleteLater();
        check.elapsedMs = step->elapsedMs();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const auto health = Protocol::HealthStatus::fromJson(
                QJsonDocument::fromJson(reply->read(MaxHealthAnswerBytes)).object());
        check.data.insert(QStringLiteral("http_status"), status);
        if (reply->error() == QNetworkReply::NoError && status == 200 && health
            && health->status == Protocol::Value::StatusOk) {
            check.status = DiagnosticCheck::Status::Passed;
            check.detail = tr("%1 answered HTTP 200: server version %2, up %3 s.")
                               .arg(url.toString(), health->version.isEmpty() ? tr("unknown") : health->version)
                               .arg(qRound(health->uptimeS));
            check.data.insert(QStringLiteral("server_version"), health->version);
        } else {
            check.status = DiagnosticCheck::Status::Failed;
            // The transfer timeout ends the request as "Operation canceled": say what happened.
            const bool timedOut = reply->error() == QNetworkReply::OperationCanceledError
                                  || reply->error() == QNetworkReply::TimeoutError;
            if (status > 0)
                check.detail = tr("%1 answered HTTP %2.").arg(url.toString()).arg(status);
            else if (timedOut)
                check.detail = tr("%1 did not answer within %2 ms (timed out).")
                                   .arg(url.toString()).arg(step->options().timeoutMs);
            else
                check.detail = tr("%1: %2").arg(url.toString(), reply->errorString());
            if (timedOut)
                check.data.insert(QStringLiteral("timed_out"), true);
            if (timedOut)
                check.hint = tr("The server accepted the connection but did not answer in time: it may be "
                                "overloaded or stuck.");
            else if (status == 404)
                check.hint = tr("The server answered but has no /health page: this may not be a Tether "
                                "server, or a proxy in front of it routes it elsewhere.");
            else if (status >= 500)
                check.hint = tr("The server (or a proxy in front of it) reports an internal problem.");
            else
                check.hint = tr("The server's HTTP side is not healthy; chat may still work if the "
                                "WebSocket check passes.");
        }
        step->finish(check);
    });
}

void ServerChecks::webSocket(DiagnosticStep *step, Transport *link)
{
    DiagnosticCheck check = step->check();
    auto timedOut = std::make_shared<bool>(false);
    QObject::connect(link, &Transport::opened, step, [step, check]() mutable {
        check.elapsedMs = step->elapsedMs();
        check.status = DiagnosticCheck::Status::Passed;
        check.detail = tr("Upgraded to WebSocket at %1.").arg(SecretRedactor::urlString(step->url()));
        step->finish(check); // the connection stays open: the ping check reuses it
    });
    QObject::connect(link, &Transport::errorOccurred, step, [timedOut](Transport::Error error, const QString &) {
        if (error == Transport::Error::HandshakeTimeout)
            *timedOut = true;
    });
    QObject::connect(link, &Transport::closed, step, [step, check, timedOut](const TransportEnd &end) mutable {
        if (step->isFinished())
            return;
        check.elapsedMs = step->elapsedMs();
        check.status = DiagnosticCheck::Status::Failed;
        if (end.wasOpen) {
            // Upgraded, but the server closed instead of answering the auth frame.
            check.detail = tr("The server closed the connection right after the handshake (%1 %2).")
                               .arg(end.close.code).arg(end.close.reason);
            check.hint = tr("The server accepts the connection but drops it: for 4003 the account or guest "
                            "access is refused, otherwise check the server's logs.");
        } else {
            check.detail = *timedOut ? tr("No WebSocket handshake within %1 ms.").arg(step->options().timeoutMs)
                           : !end.error.isEmpty() ? end.error
                                                  : Protocol::closeCodeMeaning(end.close.code);
            const TransportDecider::Attempt attempt = TransportDecider::fromEnd(end, *timedOut);
            if (attempt.httpStatus != 0 && TransportDecider::isInterference(attempt))
                check.hint = tr("The WebSocket upgrade was answered with HTTP %1: something between you and the "
                                "server (a proxy or firewall) blocks WebSocket. The Automatic transport setting "
                                "falls back to HTTP long polling.").arg(attempt.httpStatus);
            else if (TransportDecider::isInterference(attempt))
                check.hint = tr("The WebSocket upgrade looks blocked on the way to the server (a proxy or "
                                "firewall). The Automatic transport setting falls back to HTTP long polling.");
            else
                check.hint = tr("The server did not accept the WebSocket upgrade. Check the path (usually /ws) and "
                                "whether a proxy in front of the server forwards WebSocket connections.");
        }
        step->finish(check, tr("Skipped: the WebSocket handshake failed."));
    });
    // The transport's own handshake timeout (the same timeoutMs) normally ends it first.
    step->onTimeout([link] { link->abort(); });
    link->open(step->options().connectionTo(step->url()));
}

void ServerChecks::ping(DiagnosticStep *step, Transport *link)
{
    DiagnosticCheck check = step->check();
    if (!link || (link->state() != Transport::State::Open && !link->end().wasOpen)) {
        delete link;
        check.status = DiagnosticCheck::Status::Skipped;
        check.detail = tr("Skipped: there is no WebSocket connection to ping.");
        check.hint = tr("Fix the earlier failing check first.");
        step->finish(check);
        return;
    }
    link->setParent(step); // ends with this step
    // A server that refuses the token closes right after the upgrade, often before this step
    // begins: say so, rather than pinging a closed connection and blaming a proxy for the silence.
    if (link->state() != Transport::State::Open) {
        check.status = DiagnosticCheck::Status::Failed;
        check.elapsedMs = step->elapsedMs();
        check.detail = tr("The server closed the connection right after the handshake (%1 %2).")
                           .arg(link->end().close.code).arg(link->end().close.reason);
        check.hint = tr("The server accepts the connection but drops it: for 4003 the account or guest "
                        "access is refused, otherwise check the server's logs.");
        step->finish(check);
        return;
    }
    const int pings = step->options().pings;
    struct PingState { int sent = 0; QList<int> rtts; QElapsedTimer timer; QByteArray payload; };
    auto state = std::make_shared<PingState>();
    auto sendNext = [state, link] {
        ++state->sent;
        state->payload = "tether-diagnostics-" + QByteArray::number(state->sent);
        state->timer.start();
        link->ping(state->payload);
    };
    auto summarize = [step, state, pings](DiagnosticCheck &c) {
        c.elapsedMs = step->elapsedMs();
        c.data.insert(QStringLiteral("sent"), state->sent);
        QJsonArray rtts;
        int sum = 0, mx = 0, mn = INT_MAX;
        for (int r : state->rtts) {
            rtts.append(r);
            sum += r;
            mx = qMax(mx, r);
            mn = qMin(mn, r);
        }
        c.data.insert(QStringLiteral("rtt_ms"), rtts);
        if (!state->rtts.isEmpty())
            c.detail = tr("%1 of %2 answered; round trip min %3 / avg %4 / max %5 ms.")
                           .arg(state->rtts.size()).arg(pings).arg(mn)
                           .arg(double(sum) / state->rtts.size(), 0, 'f', 1).arg(mx);
    };
    QObject::connect(link, &Transport::pongReceived, step,
                     [step, check, state, sendNext, summarize, pings](const QByteArray &payload) mutable {
        if (step->isFinished() || payload != state->payload)
            return; // a stale pong of an earlier ping
        state->rtts << int(state->timer.elapsed());
        if (state->rtts.size() < pings) {
            sendNext();
            return;
        }
        check.status = DiagnosticCheck::Status::Passed;
        summarize(check);
        if (*std::max_element(state->rtts.cbegin(), state->rtts.cend()) > 1000)
            check.hint = tr("The connection works but is slow; messages will take a while to arrive.");
        step->finish(check);
    });
    QObject::connect(link, &Transport::closed, step, [step, check, summarize](const TransportEnd &end) mutable {
        if (step->isFinished())
            return;
        check.status = DiagnosticCheck::Status::Failed;
        summarize(check);
        check.detail = tr("The server closed the connection (%1 %2) before all pings were answered. %3")
                           .arg(end.close.code).arg(end.close.reason, check.detail);
        check.hint = tr("The server accepts the connection but drops it: for 4003 the account or guest "
                        "access is refused, otherwise check the server's logs.");
        step->finish(check);
    });
    step->onTimeout([step, check, summarize, state, link]() mutable {
        check.status = DiagnosticCheck::Status::Failed;
        summarize(check);
        check.detail = tr("Ping %1 got no answer within %2 ms. %3").arg(state->sent).arg(step->options().timeoutMs).arg(check.detail);
        check.hint = tr("The connection opens but then stalls: a proxy or firewall may be holding or "
                        "dropping WebSocket traffic.");
        step->finish(check);
        link->abort();
    });
    sendNext();
}

} // namespace Tether
