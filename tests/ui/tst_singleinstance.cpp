// One Tether per profile (finding 8): the first launch holds the profile, a second launch asks it to
// show its window and exits, another profile runs beside it, and a lock left by a dead process does
// not lock anyone out. In one process, and with real `tether` processes.

#include "singleinstance.h"

#include <QDir>
#include <QFile>
#include <QLocalSocket>
#include <QLockFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Tether;
using Role = SingleInstance::Role;

class TestSingleInstance : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void secondLaunchRaisesTheFirst()
    {
        QTemporaryDir dir;
        SingleInstance first(dir.filePath(QStringLiteral("profile")));
        QCOMPARE(first.start(), Role::Primary);
        QSignalSpy raised(&first, &SingleInstance::activationRequested);

        SingleInstance second(dir.filePath(QStringLiteral("profile")));
        QCOMPARE(second.start(500), Role::Secondary);
        QVERIFY(raised.count() == 1 || raised.wait(5000));

        // Another profile: its own lock, its own socket, runs beside the first.
        SingleInstance other(dir.filePath(QStringLiteral("work")));
        QCOMPARE(other.start(), Role::Primary);
        QVERIFY(other.serverName() != first.serverName());
        QCOMPARE(raised.count(), 1);
    }

    void lockOfADeadProcessIsTakenOver()
    {
        QTemporaryDir dir;
        const QString profile = dir.filePath(QStringLiteral("profile"));
        QVERIFY(QDir().mkpath(profile));
        QProcess gone;
        gone.start(QStringLiteral("true"));
        QVERIFY(gone.waitForStarted(5000));
        const qint64 deadPid = gone.processId();
        QVERIFY(deadPid > 0);
        QVERIFY(gone.waitForFinished(5000));
        // A lock file as QLockFile writes it, but naming a process that has ended (a crash).
        QByteArray content;
        {
            QLockFile real(dir.filePath(QStringLiteral("model.lock")));
            QVERIFY(real.tryLock(0));
            QFile model(dir.filePath(QStringLiteral("model.lock")));
            QVERIFY(model.open(QIODevice::ReadOnly));
            content = model.readAll();
        }
        const int eol = content.indexOf('\n');
        QVERIFY(eol > 0);
        content = QByteArray::number(deadPid) + content.mid(eol);
        QFile lock(profile + QStringLiteral("/instance.lock"));
        QVERIFY(lock.open(QIODevice::WriteOnly));
        lock.write(content);
        lock.close();

        SingleInstance instance(profile);
        QCOMPARE(instance.start(500), Role::Primary);
    }

    // Only the one-line request is honoured; anything else is dropped without raising the window.
    void strangersAreIgnored()
    {
        QTemporaryDir dir;
        SingleInstance instance(dir.filePath(QStringLiteral("profile")));
        QCOMPARE(instance.start(), Role::Primary);
        QSignalSpy raised(&instance, &SingleInstance::activationRequested);
        QLocalSocket stranger;
        stranger.connectToServer(instance.serverName());
        QVERIFY(stranger.waitForConnected(2000));
        stranger.write(QByteArray(4096, 'x'));
        QVERIFY(stranger.waitForBytesWritten(2000));
        QTRY_COMPARE_WITH_TIMEOUT(stranger.state(), QLocalSocket::UnconnectedState, 5000);
        QCOMPARE(raised.count(), 0);
    }

#ifdef TETHER_APP
    // Real processes: a second `tether` on the same profile exits at once and the first one says it
    // was asked to show its window; a second profile keeps running beside it.
    void twoProcesses()
    {
        QTemporaryDir home;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), home.filePath(QStringLiteral("cache")));
        env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("tether.app*.info=true"));
        auto launch = [&](const QString &profile) {
            auto *p = new QProcess(this);
            p->setProcessEnvironment(env);
            p->setProcessChannelMode(QProcess::SeparateChannels);
            p->start(QStringLiteral(TETHER_APP), {QStringLiteral("--profile"), profile, QStringLiteral("--lang"), QStringLiteral("en")});
            return p;
        };
        QProcess *first = launch(QStringLiteral("home"));
        QByteArray firstLog;
        connect(first, &QProcess::readyReadStandardError, this, [&] { firstLog += first->readAllStandardError(); });
        QTRY_VERIFY2_WITH_TIMEOUT(firstLog.contains("embedded server on ws://127.0.0.1:"), firstLog.constData(), 60000);

        QProcess *second = launch(QStringLiteral("home"));
        QVERIFY(second->waitForFinished(30000));
        QCOMPARE(second->exitCode(), 0);
        const QByteArray secondErr = second->readAllStandardError();
        QVERIFY2(secondErr.contains("already running for this profile"), secondErr.constData());
        QVERIFY2(!secondErr.contains("embedded server on"), "the second launch started a second server");
        QTRY_VERIFY2_WITH_TIMEOUT(firstLog.contains("raised by a later launch"), firstLog.constData(), 10000);
        QCOMPARE(first->state(), QProcess::Running);

        QProcess *work = launch(QStringLiteral("work"));
        QByteArray workLog;
        connect(work, &QProcess::readyReadStandardError, this, [&] { workLog += work->readAllStandardError(); });
        QTRY_VERIFY2_WITH_TIMEOUT(workLog.contains("embedded server on ws://127.0.0.1:"), workLog.constData(), 60000);
        QCOMPARE(first->state(), QProcess::Running);
        // Separate data folders: each profile has its own built-in server database.
        QVERIFY(QFile::exists(home.filePath(QStringLiteral("data/Tether/tether-home/local-server.sqlite"))));
        QVERIFY(QFile::exists(home.filePath(QStringLiteral("data/Tether/tether-work/local-server.sqlite"))));

        for (QProcess *p : {first, work}) {
            p->terminate();
            if (!p->waitForFinished(10000))
                p->kill();
            p->waitForFinished(5000);
        }
    }
#endif
};

QTEST_GUILESS_MAIN(TestSingleInstance)
#include "tst_singleinstance.moc"
