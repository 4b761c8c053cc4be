// The tray's settings that reach the engine, without QML: the kube contexts (allowed, chosen,
// written where kube::ContextPolicy reads them) under QAbstractItemModelTester in Fatal mode;
// quota and limits applied to the orchestrator and remembered; retention remembered, and
// "Clean up now" reporting a pass that removes a stale clone-cache repository.
#include "contextlistmodel.h"
#include "limitsettings.h"
#include "retentionsettings.h"

#include "kube/contextpolicy.h"
#include "runs/orchestrator.h"
#include "runs/runstore.h"
#include "source/fetcher.h"
#include "testsupport.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <utime.h>

using namespace rr;
using tray::ContextListModel;

class TestTraySettings : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<runs::RunStore> m_store;
    std::unique_ptr<source::Fetcher> m_fetcher;
    std::unique_ptr<runs::Orchestrator> m_orch;

    QString kubeconfig(const QStringList &contexts, const QString &current)
    {
        QByteArray yaml = "clusters: [{name: cl, cluster: {server: https://127.0.0.1:1}}]\ncontexts:\n";
        for (const QString &c : contexts)
            yaml += "- {name: " + c.toUtf8() + ", context: {cluster: cl}}\n";
        yaml += "current-context: " + current.toUtf8() + "\n";
        const QString path = m_dir.filePath(QStringLiteral("kubeconfig"));
        rr::test::writeTree(m_dir.path(), {{QStringLiteral("kubeconfig"), yaml}});
        return path;
    }
    static QStringList column(const ContextListModel &model, int role)
    {
        QStringList out;
        for (int r = 0; r < model.rowCount(); ++r)
            out << model.index(r).data(role).toString();
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qunsetenv(kube::ContextPolicy::EnvironmentVariable);
        qputenv("XDG_CACHE_HOME", QFile::encodeName(m_dir.filePath(QStringLiteral("cache"))));
    }
    void init()
    {
        m_store = std::make_unique<runs::RunStore>(m_dir.filePath(QStringLiteral("runs.sqlite")));
        auto opened = m_store->open();
        QTRY_VERIFY(opened.isFinished());
        QVERIFY(opened.result().has_value());
        m_fetcher = std::make_unique<source::Fetcher>();
        source::FetchOptions fetch;
        fetch.cacheDir = m_dir.filePath(QStringLiteral("clones"));
        m_orch =
            std::make_unique<runs::Orchestrator>(m_store.get(), m_fetcher.get(), nullptr, nullptr, nullptr);
        m_orch->setFetchOptions(fetch);
        auto init = m_orch->initialize();
        QTRY_VERIFY(init.isFinished());
    }
    void cleanup()
    {
        m_orch.reset();
        m_fetcher.reset();
        m_store.reset();
    }

    void contextsShowWhichAreAllowedAndWriteThePolicy()
    {
        const QString settingsPath = m_dir.filePath(QStringLiteral("reporunner.conf"));
        QFile::remove(settingsPath);
        const QString config =
            kubeconfig({QStringLiteral("kind-reporunner"), QStringLiteral("prod"), QStringLiteral("staging")},
                       QStringLiteral("prod"));
        ContextListModel model(settingsPath, {config});
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QCOMPARE(column(model, ContextListModel::NameRole),
                 (QStringList{QStringLiteral("kind-reporunner"), QStringLiteral("prod"),
                              QStringLiteral("staging")}));
        QCOMPARE(column(model, ContextListModel::AllowedRole),
                 (QStringList{QStringLiteral("true"), QStringLiteral("false"), QStringLiteral("false")}));
        // The current context is prod, but only kind-reporunner is allowed: that one is chosen.
        QCOMPARE(model.chosen(), QStringLiteral("kind-reporunner"));
        QVERIFY(model.automatic());
        QVERIFY(!model.restartNeeded());
        QVERIFY(model.index(0).data(ContextListModel::ChosenRole).toBool());
        QVERIFY(model.index(1)
                    .data(ContextListModel::ReasonRole)
                    .toString()
                    .startsWith(QLatin1String("not allowed")));

        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.allow(QStringLiteral("staging"));
        QCOMPARE(reset.size(), 0); // the same rows, new flags
        QVERIFY(model.index(2).data(ContextListModel::AllowedRole).toBool());
        QVERIFY(model.index(2).data(ContextListModel::OnAllowListRole).toBool());
        // Written where the engine and the CLI read it.
        const QSettings written(settingsPath, QSettings::IniFormat);
        QCOMPARE(written.value(QLatin1String(kube::ContextPolicy::AllowListKey)).toStringList(),
                 QStringList{QStringLiteral("staging")});
        QVERIFY(kube::ContextPolicy::fromEnvironmentAndSettings(written).allows(QStringLiteral("staging")));

        model.use(QStringLiteral("prod"));
        QCOMPARE(model.chosen(), QStringLiteral("prod"));
        QVERIFY(!model.automatic());
        QVERIFY(model.restartNeeded()); // the engine chose kind-reporunner when it started
        QVERIFY(model.index(1).data(ContextListModel::AllowedRole).toBool());
        QVERIFY(!model.index(0).data(ContextListModel::ChosenRole).toBool());
        QCOMPARE(QSettings(settingsPath, QSettings::IniFormat)
                     .value(QLatin1String(kube::ContextPolicy::ContextKey))
                     .toString(),
                 QStringLiteral("prod"));

        // Forbidding the named context un-names it: back to the automatic choice.
        model.forbid(QStringLiteral("prod"));
        QVERIFY(model.automatic());
        QCOMPARE(model.chosen(), QStringLiteral("kind-reporunner"));
        QVERIFY(!model.restartNeeded());
        model.forbid(QStringLiteral("staging"));
        QCOMPARE(column(model, ContextListModel::AllowedRole),
                 (QStringList{QStringLiteral("true"), QStringLiteral("false"), QStringLiteral("false")}));
        QVERIFY(!QSettings(settingsPath, QSettings::IniFormat)
                     .contains(QLatin1String(kube::ContextPolicy::AllowListKey)));

        // A different kubeconfig: rows replaced.
        kubeconfig({QStringLiteral("only")}, QStringLiteral("only"));
        model.refresh();
        QCOMPARE(column(model, ContextListModel::NameRole), QStringList{QStringLiteral("only")});
        QVERIFY(model.chosen().isEmpty()); // nothing allowed: Docker only
    }

    void environmentFixesTheContext()
    {
        const QString config = kubeconfig({QStringLiteral("a"), QStringLiteral("b")}, QStringLiteral("a"));
        qputenv(kube::ContextPolicy::EnvironmentVariable, "b");
        ContextListModel model(m_dir.filePath(QStringLiteral("env.conf")), {config});
        qunsetenv(kube::ContextPolicy::EnvironmentVariable);
        QVERIFY(model.fixedByEnvironment());
        QCOMPARE(model.chosen(), QStringLiteral("b"));
        model.use(QStringLiteral("a"));
        QCOMPARE(model.chosen(), QStringLiteral("b"));
        QVERIFY(model.message().contains(QLatin1String("REPORUNNER_KUBE_CONTEXT")));
    }

    void limitsReachTheOrchestratorAndAreRemembered()
    {
        const QString ini = m_dir.filePath(QStringLiteral("limits.ini"));
        QFile::remove(ini);
        constexpr qint64 MiB = 1024 * 1024;
        {
            tray::LimitSettings limits(m_orch.get(), ini);
            QCOMPARE(limits.containerMemoryMiB(), 512); // the engine's default
            QSignalSpy changed(&limits, &tray::LimitSettings::changed);
            limits.setContainerMemoryMiB(96);
            limits.setContainerCpuMilli(300);
            limits.setContainerPids(128);
            limits.setRunMemoryMiB(1024);
            QCOMPARE(changed.size(), 4);
            QVERIFY(limits.error().isEmpty());
            const plan::QuotaSettings q = m_orch->settings().quota;
            QCOMPARE(q.defaultMemory, 96 * MiB);
            QCOMPARE(q.defaultRequestMemory, 96 * MiB); // requests shrink to fit the limit
            QCOMPARE(q.defaultCpuMilli, 300);
            QCOMPARE(q.defaultPids, 128);
            QCOMPARE(q.limitsMemory, 1024 * MiB);
            QCOMPARE(q.requestsMemory, 1024 * MiB);
            QVERIFY(q.validate().has_value());

            // A container above the run's limit: refused, said, and nothing changes.
            limits.setContainerMemoryMiB(2048);
            QVERIFY(limits.error().contains(QLatin1String("fit")));
            QCOMPARE(limits.containerMemoryMiB(), 96);
            QCOMPARE(changed.size(), 5);
        }
        // A new engine: the saved limits are applied at start.
        m_orch->setSettings(runs::OrchestratorSettings{});
        tray::LimitSettings again(m_orch.get(), ini);
        QCOMPARE(m_orch->settings().quota.defaultMemory, 96 * MiB);
        QCOMPARE(again.containerPids(), 128);
        again.reset();
        QCOMPARE(m_orch->settings().quota, plan::QuotaSettings{});
        QCOMPARE(
            QSettings(ini, QSettings::IniFormat).value(QStringLiteral("limits/containerMemoryMiB")).toInt(),
            512);
    }

    void retentionIsRememberedAndCleanUpNowReports()
    {
        const QString ini = m_dir.filePath(QStringLiteral("retention.ini"));
        QFile::remove(ini);
        // A clone-cache repository nobody used for 40 days.
        const QString stale = m_dir.filePath(QStringLiteral("clones/repos/old.git"));
        rr::test::writeTree(stale, {{QStringLiteral("HEAD"), "ref: refs/heads/main\n"},
                                    {QStringLiteral("objects/pack/x.pack"), QByteArray(4096, 'x')}});
        const time_t longAgo = QDateTime::currentDateTimeUtc().addDays(-40).toSecsSinceEpoch();
        const utimbuf times{longAgo, longAgo};
        QCOMPARE(::utime(QFile::encodeName(stale).constData(), &times), 0);
        {
            tray::RetentionSettings retention(m_orch.get(), ini);
            retention.setGitCacheDays(7);
            retention.setKeepImages(1);
            QCOMPARE(m_orch->settings().retention.gitCacheDays, 7);
            retention.setImageDays(-1);
            QVERIFY(!retention.error().isEmpty());
            QCOMPARE(m_orch->settings().retention.imageDays, 14);
        }
        m_orch->setSettings(runs::OrchestratorSettings{});
        tray::RetentionSettings retention(m_orch.get(), ini);
        QCOMPARE(retention.gitCacheDays(), 7);
        QCOMPARE(retention.keepImages(), 1);
        QVERIFY(retention.nextPass().isEmpty()); // no daily pass in this test

        QSignalSpy done(&retention, &tray::RetentionSettings::cleanupChanged);
        retention.cleanUpNow();
        QVERIFY(retention.busy());
        QTRY_VERIFY_WITH_TIMEOUT(!retention.busy(), 20000);
        QVERIFY2(
            retention.message().startsWith(QLatin1String("Removed 0 image(s), 0 build-cache record(s) and "
                                                         "1 cached repository")),
            qPrintable(retention.message()));
        QVERIFY(!QFileInfo::exists(stale));
        QVERIFY(done.size() >= 2);
    }
};

QTEST_MAIN(TestTraySettings)
#include "test_tray_settings.moc"
