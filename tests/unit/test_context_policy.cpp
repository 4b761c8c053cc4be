// Only chosen clusters (issue 11): which kube contexts the engine may deploy into, from the
// environment, the user's settings and the kubeconfig, and never because a server is on loopback.
#include "kube/contextpolicy.h"
#include "kube/kubeconfig.h"

#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace rr::kube;

class TestContextPolicy : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    // A kubeconfig whose every context talks to a loopback server; `current` is its current-context.
    Kubeconfig config(const QStringList &contexts, const QString &current)
    {
        QByteArray yaml = "clusters: [{name: cl, cluster: {server: https://127.0.0.1:6443}}]\ncontexts:\n";
        for (const QString &c : contexts)
            yaml += "- {name: " + c.toUtf8() + ", context: {cluster: cl}}\n";
        yaml += "current-context: " + current.toUtf8() + "\n";
        const QString path = m_dir.filePath(QStringLiteral("config-%1").arg(qHash(yaml)));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(path));
        f.write(yaml);
        f.close();
        auto loaded = Kubeconfig::load({path});
        if (!loaded)
            qFatal("%s", qPrintable(loaded.error().message));
        return *loaded;
    }

    static void writeSettings(const QString &context, const QStringList &allowList)
    {
        QSettings s(QStringLiteral("reporunner"), QStringLiteral("reporunner"));
        s.clear();
        if (!context.isEmpty())
            s.setValue(QStringLiteral("kube/context"), context);
        if (!allowList.isEmpty())
            s.setValue(QStringLiteral("kube/allowedContexts"), allowList);
        s.sync();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_dir.filePath(QStringLiteral("xdg"))));
    }

    void init()
    {
        qunsetenv(ContextPolicy::EnvironmentVariable);
        writeSettings({}, {});
    }

    void aLoopbackCurrentContextIsNotChosen()
    {
        const ContextPolicy policy = ContextPolicy::fromEnvironmentAndSettings();
        // Every server here is 127.0.0.1 (a tunnel looks the same): none qualifies by that.
        QCOMPARE(policy.choose(config({QStringLiteral("tunnel")}, QStringLiteral("tunnel"))), QString());
        QVERIFY(!policy.allows(QStringLiteral("tunnel")));
        QCOMPARE(policy.check(QStringLiteral("tunnel")).error().code,
                 QStringLiteral("kube.context.not_allowed"));
    }

    void kindReporunnerIsPreferredOverTheCurrentContext()
    {
        const ContextPolicy policy = ContextPolicy::fromEnvironmentAndSettings();
        QCOMPARE(policy.choose(config({QStringLiteral("kind-reporunner"), QStringLiteral("other")},
                                      QStringLiteral("other"))),
                 QStringLiteral("kind-reporunner"));
        QVERIFY(policy.allows(QStringLiteral("kind-reporunner")));
        QVERIFY(!policy.allows(QStringLiteral("kind-other")));
    }

    void theEnvironmentNamesAContext()
    {
        writeSettings(QStringLiteral("from-settings"), {});
        qputenv(ContextPolicy::EnvironmentVariable, "reporunner-local");
        const ContextPolicy policy = ContextPolicy::fromEnvironmentAndSettings();
        QCOMPARE(policy.named(), QStringLiteral("reporunner-local")); // the variable beats the setting
        QCOMPARE(policy.choose(config({QStringLiteral("kind-reporunner"), QStringLiteral("reporunner-local")},
                                      QStringLiteral("kind-reporunner"))),
                 QStringLiteral("reporunner-local"));
        QVERIFY(policy.allows(QStringLiteral("reporunner-local")));
        QVERIFY(!policy.allows(QStringLiteral("from-settings")));
        QVERIFY(
            policy.reason(QStringLiteral("reporunner-local")).startsWith(QStringLiteral("allowed: named")));
    }

    void theSettingNamesAContext()
    {
        writeSettings(QStringLiteral("from-settings"), {});
        const ContextPolicy policy = ContextPolicy::fromEnvironmentAndSettings();
        QCOMPARE(policy.named(), QStringLiteral("from-settings"));
        QCOMPARE(policy.choose(config({QStringLiteral("a")}, QStringLiteral("a"))),
                 QStringLiteral("from-settings"));
        QVERIFY(policy.allows(QStringLiteral("from-settings")));
        QVERIFY(!policy.allows(QStringLiteral("a")));
    }

    void theAllowListAdmitsTheCurrentContext()
    {
        writeSettings({}, {QStringLiteral("staging"), QStringLiteral("minikube")});
        const ContextPolicy policy = ContextPolicy::fromEnvironmentAndSettings();
        QCOMPARE(policy.allowList(), (QStringList{QStringLiteral("staging"), QStringLiteral("minikube")}));
        QCOMPARE(policy.choose(config({QStringLiteral("minikube")}, QStringLiteral("minikube"))),
                 QStringLiteral("minikube"));
        QCOMPARE(policy.choose(config({QStringLiteral("dev")}, QStringLiteral("dev"))), QString());
        QVERIFY(policy.reason(QStringLiteral("staging")).contains(QStringLiteral("allow-list")));
        QVERIFY(policy.reason(QStringLiteral("dev")).startsWith(QStringLiteral("not allowed")));
        QCOMPARE(policy.allowedNames(), (QStringList{QStringLiteral("kind-reporunner"),
                                                     QStringLiteral("staging"), QStringLiteral("minikube")}));
    }
};

QTEST_GUILESS_MAIN(TestContextPolicy)
#include "test_context_policy.moc"
