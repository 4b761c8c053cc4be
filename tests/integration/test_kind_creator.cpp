// ClusterCreator's invocation of kind and its error reporting. A real kind cannot run on these
// machines, so `kind` is a script first on PATH that records its arguments and succeeds, fails,
// or waits to be stopped on request: this tests our side only, not kind.
#undef QT_NO_CAST_FROM_ASCII

#include "kind/clustercreator.h"
#include "test_kube_support.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace rr;
using kind::ClusterCreator;
using rr::test::awaitFuture;

class TestKindCreator : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QByteArray m_path;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString config() const
    {
        return qEnvironmentVariable("REPORUNNER_SOURCE_DIR") + "/infra/kind/cluster.yaml";
    }
    QString log() const
    {
        QFile f(path("kind.log"));
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(QDir().mkpath(path("bin")));
        QFile kind(path("bin/kind"));
        QVERIFY(kind.open(QIODevice::WriteOnly));
        kind.write("#!/bin/sh\n"
                   "echo \"$*\" >> \"$FAKE_KIND_LOG\"\n"
                   "trap 'echo terminated >> \"$FAKE_KIND_LOG\"; exit 143' TERM\n"
                   "echo 'Creating cluster \"reporunner\" ...' >&2\n"
                   "printf ' • Ensuring node image\\r ✓ Ensuring node image\\n' >&2\n"
                   "case \"$FAKE_KIND_MODE\" in\n"
                   "fail) echo 'ERROR: failed to create cluster: node(s) already exist' >&2; exit 1 ;;\n"
                   "wait) while :; do sleep 0.1; done ;;\n"
                   "esac\n"
                   "echo 'Set kubectl context to \"kind-reporunner\"'\n");
        kind.close();
        QFile::setPermissions(path("bin/kind"), QFileDevice::ReadOwner | QFileDevice::ExeOwner);
        m_path = qgetenv("PATH");
        qputenv("PATH", path("bin").toUtf8() + ':' + m_path);
        qputenv("FAKE_KIND_LOG", path("kind.log").toUtf8());
    }

    void init() { QFile::remove(path("kind.log")); }

    void cleanupTestCase() { qputenv("PATH", m_path); }

    void runsKindWithOurConfigAndReportsProgress()
    {
        qputenv("FAKE_KIND_MODE", "ok");
        ClusterCreator creator;
        QSignalSpy progress(&creator, &ClusterCreator::progressLine);
        QCOMPARE(ClusterCreator::kindExecutable(), path("bin/kind"));
        const auto created = awaitFuture(creator.create("reporunner", config()));
        QVERIFY2(created.has_value(), created ? "" : qPrintable(created.error().message));
        QCOMPARE(log().trimmed(), "create cluster --name reporunner --config " + config() + " --wait 5m");
        QStringList lines;
        for (const QList<QVariant> &args : std::as_const(progress))
            lines << args.at(0).toString();
        // kind's spinner redraws with \r; each state is its own line.
        QCOMPARE(lines, QStringList({"Creating cluster \"reporunner\" ...", "• Ensuring node image",
                                     "✓ Ensuring node image", "Set kubectl context to \"kind-reporunner\""}));
    }

    void kindsErrorLineIsTheMessage()
    {
        qputenv("FAKE_KIND_MODE", "fail");
        ClusterCreator creator;
        const auto created = awaitFuture(creator.create("reporunner", config()));
        QVERIFY(!created.has_value());
        QCOMPARE(created.error().category, core::ErrorCategory::Kube);
        QCOMPARE(created.error().code, QString("kind.create.failed"));
        QCOMPARE(
            created.error().message,
            QString("kind could not create the cluster \"reporunner\": failed to create cluster: node(s) "
                    "already exist"));
        QVERIFY(created.error().details.contains("Creating cluster"));
    }

    void missingConfigIsNotHandedToKind()
    {
        ClusterCreator creator;
        const auto created = awaitFuture(creator.create("reporunner", path("nowhere/cluster.yaml")));
        QVERIFY(!created.has_value());
        QCOMPARE(created.error().code, QString("kind.config.missing"));
        QVERIFY(log().isEmpty());
    }

    void missingKindIsExplained()
    {
        qputenv("PATH", m_path);
        if (!ClusterCreator::kindExecutable().isEmpty()) {
            qputenv("PATH", path("bin").toUtf8() + ':' + m_path);
            QSKIP("a real kind is installed here; it must not create a cluster");
        }
        ClusterCreator creator;
        const auto created = awaitFuture(creator.create("reporunner", config()));
        qputenv("PATH", path("bin").toUtf8() + ':' + m_path);
        QVERIFY(!created.has_value());
        QCOMPARE(created.error().code, QString("kind.cli.missing"));
        QVERIFY(created.error().message.contains("kind CLI is not installed"));
    }

    void cancelStopsKindPolitely()
    {
        qputenv("FAKE_KIND_MODE", "wait");
        ClusterCreator creator;
        QSignalSpy progress(&creator, &ClusterCreator::progressLine);
        auto creating = creator.create("reporunner", config());
        QTRY_VERIFY(progress.size() >= 2); // kind is running
        creator.cancel();
        const auto created = awaitFuture(creating);
        QVERIFY(!created.has_value());
        QCOMPARE(created.error().category, core::ErrorCategory::Cancelled);
        // SIGTERM, so kind can remove what it half made.
        QVERIFY2(log().contains("terminated"), qPrintable(log()));
    }
};

QTEST_GUILESS_MAIN(TestKindCreator)
#include "test_kind_creator.moc"
