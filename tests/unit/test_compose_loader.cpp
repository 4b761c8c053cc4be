#include "project/composeloader.h"
#include "testsupport.h"

#include <QTemporaryDir>
#include <QTest>

using namespace rr::project;

class TestComposeLoader : public QObject
{
    Q_OBJECT
private:
    static QString fixture() { return rr::test::sourcePath(QStringLiteral("tests/data/compose/full")); }

    static ComposeProject loadFull(const QStringList &profiles = {},
                                   const QMap<QString, QString> &values = {})
    {
        ComposeLoadOptions o;
        o.projectDir = fixture();
        o.profiles = profiles;
        o.values = values;
        auto p = ComposeLoader::load(o);
        if (!p)
            qFatal("load failed: %s", qPrintable(p.error().toString()));
        return *p;
    }

private Q_SLOTS:
    void autoDetectsFileAndOverride()
    {
        const ComposeProject p = loadFull();
        QCOMPARE(p.files,
                 (QStringList{QStringLiteral("compose.yaml"), QStringLiteral("compose.override.yaml")}));
        QCOMPARE(p.name, QStringLiteral("fullstack"));
        QVERIFY(p.service(QStringLiteral("web")));
        QVERIFY(p.service(QStringLiteral("worker"))); // from include
    }

    void portsAllForms()
    {
        const ComposeProject project = loadFull();
        const Service *web = project.service(QStringLiteral("web"));
        QVERIFY(web);
        QStringList got;
        for (const PortMapping &m : web->ports)
            got << QStringLiteral("%1|%2-%3|%4-%5/%6")
                       .arg(m.hostIp)
                       .arg(m.published)
                       .arg(m.publishedEnd)
                       .arg(m.target)
                       .arg(m.targetEnd)
                       .arg(m.protocol);
        const QStringList expected{
            QStringLiteral("|8080-8080|80-80/tcp"),     QStringLiteral("127.0.0.1|8443-8443|443-443/udp"),
            QStringLiteral("|9000-9001|9000-9001/tcp"), QStringLiteral("|0-0|3000-3000/tcp"),
            QStringLiteral("|0-0|5000-5000/tcp"),       QStringLiteral("0.0.0.0|8081-8081|81-81/tcp"),
            QStringLiteral("|8082-8082|82-82/tcp")}; // override appended, 8080:80 deduped
        QCOMPARE(got, expected);
        QCOMPARE(web->ports[5].name, QStringLiteral("admin"));
        QCOMPARE(web->ports[0].where.file, QStringLiteral("compose.yaml"));
        QVERIFY(web->ports[0].where.line > 0);
        QCOMPARE(web->expose.size(), 3);
        QCOMPARE(web->expose[2].targetEnd, 5002);
        QCOMPARE(web->expose[2].protocol, QStringLiteral("udp"));
    }

    void environmentPrecedence()
    {
        const ComposeProject project = loadFull();
        const Service *web = project.service(QStringLiteral("web"));
        const auto &env = web->environment;
        QCOMPARE(env.value(QStringLiteral("LOG_LEVEL")),
                 QStringLiteral("trace"));                                   // override > file > env_file
        QCOMPARE(env.value(QStringLiteral("REGION")), QStringLiteral("eu")); // merge key list
        QCOMPARE(env.value(QStringLiteral("ONLY_IN_ENV_FILE")), QStringLiteral("1"));
        QCOMPARE(env.value(QStringLiteral("FROM_DOTENV")), QStringLiteral("from-dotenv"));
        QCOMPARE(env.value(QStringLiteral("OVERRIDDEN")), QStringLiteral("yes"));
        QVERIFY(!env.contains(QStringLiteral("BARE"))); // no value anywhere: unset
        QCOMPARE(env.value(QStringLiteral("FROM_SET")), QStringLiteral("dotenv-loses"));
        QCOMPARE(web->envFiles, (QStringList{QStringLiteral("web.env"), QStringLiteral("optional.env")}));
    }

    void perRunValuesBeatDotEnv()
    {
        const ComposeProject p = loadFull({}, {{QStringLiteral("FROM_SET"), QStringLiteral("from-values")},
                                               {QStringLiteral("TAG"), QStringLiteral("9")}});
        const Service *web = p.service(QStringLiteral("web"));
        QCOMPARE(web->environment.value(QStringLiteral("FROM_SET")), QStringLiteral("from-values"));
        QCOMPARE(web->image, QStringLiteral("example/web:9"));
        QCOMPARE(loadFull().service(QStringLiteral("web"))->image, QStringLiteral("example/web:1.2.3"));
    }

    void hostEnvironmentIsNeverUsed()
    {
        QTemporaryDir dir;
        rr::test::writeTree(dir.path(), {{QStringLiteral("compose.yaml"),
                                          "services:\n  app:\n    image: \"img:${RR_HOST_TAG:-safe}\"\n"
                                          "    environment:\n      - RR_HOST_TAG\n      - HOME\n"}});
        qputenv("RR_HOST_TAG", "host-leak");
        ComposeLoadOptions o;
        o.projectDir = dir.path();
        auto p = ComposeLoader::load(o);
        qunsetenv("RR_HOST_TAG");
        QVERIFY2(p.has_value(), qPrintable(p ? QString() : p.error().toString()));
        const Service *app = p->service(QStringLiteral("app"));
        QCOMPARE(app->image, QStringLiteral("img:safe"));
        QVERIFY(!app->environment.contains(QStringLiteral("RR_HOST_TAG")));
        QVERIFY(!app->environment.contains(QStringLiteral("HOME")));
    }

    void volumesAllForms()
    {
        const ComposeProject project = loadFull();
        const Service *web = project.service(QStringLiteral("web"));
        QCOMPARE(web->volumes.size(), 6);
        QCOMPARE(web->volumes[0].type, VolumeMount::Type::Bind);
        QCOMPARE(web->volumes[0].source, QStringLiteral("./data"));
        QVERIFY(web->volumes[0].readOnly);
        QCOMPARE(web->volumes[1].type, VolumeMount::Type::Volume);
        QCOMPARE(web->volumes[1].source, QStringLiteral("dbdata"));
        QVERIFY(web->volumes[2].anonymous);
        QCOMPARE(web->volumes[3].type, VolumeMount::Type::Bind);
        QCOMPARE(web->volumes[3].target, QStringLiteral("/etc/app"));
        QVERIFY(web->volumes[3].readOnly);
        QCOMPARE(web->volumes[4].subpath, QStringLiteral("cache"));
        QCOMPARE(web->volumes[5].type, VolumeMount::Type::Tmpfs);
        QCOMPARE(web->volumes[5].tmpfsSize, qint64(64) * 1024 * 1024);
    }

    void dependenciesHealthAndDeploy()
    {
        const ComposeProject p = loadFull();
        const Service *web = p.service(QStringLiteral("web"));
        QCOMPARE(web->dependsOn.size(), 2); // optional `cache` is inactive (profile) and dropped
        QCOMPARE(web->dependsOn[0].service, QStringLiteral("db"));
        QCOMPARE(web->dependsOn[0].condition, Dependency::Condition::Healthy);
        QVERIFY(web->dependsOn[0].restart);
        QCOMPARE(web->dependsOn[1].condition, Dependency::Condition::CompletedSuccessfully);
        QVERIFY(p.warnings.join(QLatin1Char('\n')).contains(QStringLiteral("cache")));

        QVERIFY(web->healthcheck);
        QCOMPARE(web->healthcheck->test,
                 (QStringList{QStringLiteral("CMD-SHELL"),
                              QStringLiteral("curl -f http://localhost/ || exit 1")}));
        QCOMPARE(web->healthcheck->intervalMs, qint64(90000));
        QCOMPARE(web->healthcheck->timeoutMs, qint64(500));
        QCOMPARE(web->healthcheck->startPeriodMs, qint64(10000));
        QCOMPARE(web->healthcheck->retries, 3);
        QCOMPARE(p.service(QStringLiteral("db"))->healthcheck->test,
                 (QStringList{QStringLiteral("CMD"), QStringLiteral("pg_isready")}));
        QVERIFY(p.service(QStringLiteral("migrate"))->healthcheck->disable);

        QCOMPARE(web->replicas, std::optional<int>(2));
        QCOMPARE(web->resources.cpuLimit, 0.5);
        QCOMPARE(web->resources.cpuReservation, 0.25);
        QCOMPARE(web->resources.memoryLimit, qint64(512) * 1024 * 1024);
        QCOMPARE(web->resources.memoryReservation, qint64(1024) * 1024 * 1024);
        QCOMPARE(web->resources.pidsLimit, qint64(100));
        QCOMPARE(web->stopGracePeriodMs, qint64(60000));
        QCOMPARE(web->restart, QStringLiteral("unless-stopped")); // from the anchor via <<
        QCOMPARE(web->labels.value(QStringLiteral("team")), QStringLiteral("core"));
        QCOMPARE(web->labels.value(QStringLiteral("extra")), QStringLiteral("1"));
        QCOMPARE(web->dns, QStringList{QStringLiteral("1.1.1.1")});
    }

    void commandsBuildAndGrants()
    {
        const ComposeProject p = loadFull();
        const Service *web = p.service(QStringLiteral("web"));
        QCOMPARE(*web->command,
                 (QStringList{QStringLiteral("npm"), QStringLiteral("run"), QStringLiteral("dev")}));
        QCOMPARE(*web->entrypoint, (QStringList{QStringLiteral("/docker-entrypoint.sh"),
                                                QStringLiteral("--verbose"), QStringLiteral("quoted arg")}));
        QVERIFY(web->build);
        QCOMPARE(web->build->context, QStringLiteral("./web"));
        QCOMPARE(web->secrets.size(), 2);
        QCOMPARE(web->secrets[0].source, QStringLiteral("api_key"));
        QCOMPARE(web->secrets[1].target, QStringLiteral("/run/secrets/pw"));
        QCOMPARE(web->secrets[1].mode, 0440);
        QCOMPARE(web->configs[0].source, QStringLiteral("app_config"));
        QCOMPARE(p.secrets.value(QStringLiteral("api_key")).file, QStringLiteral("./secrets/api_key.txt"));
        QCOMPARE(p.secrets.value(QStringLiteral("db_password")).environment, QStringLiteral("DB_PASSWORD"));
        QCOMPARE(p.configs.value(QStringLiteral("app_config")).content, QStringLiteral("key=value\n"));
        QVERIFY(p.volumes.contains(QStringLiteral("dbdata")));
        QVERIFY(web->keys.contains(QStringLiteral("deploy")));
        QVERIFY(web->keys.value(QStringLiteral("deploy")).line > 0);
        // Keys the model does not carry are still listed, with where they were written.
        QCOMPARE(web->keys.value(QStringLiteral("logging")).file, QStringLiteral("compose.yaml"));
        QVERIFY(web->keys.value(QStringLiteral("logging")).line > 0);
    }

    void profiles()
    {
        const ComposeProject def = loadFull();
        QVERIFY(!def.service(QStringLiteral("cache")));
        QVERIFY(!def.service(QStringLiteral("debug")));
        QVERIFY(def.inactiveServices.contains(QStringLiteral("cache")));

        const ComposeProject withCache = loadFull({QStringLiteral("cache")});
        const Service *cache = withCache.service(QStringLiteral("cache"));
        QVERIFY(cache);
        QCOMPARE(cache->replicas, std::optional<int>(3));
        QCOMPARE(cache->resources.memoryLimit, qint64(1024) * 1024 * 1024);
        QCOMPARE(withCache.service(QStringLiteral("web"))->dependsOn.size(), 3);
        QVERIFY(loadFull({QStringLiteral("*")}).service(QStringLiteral("debug")));
    }

    void dependencyOnInactiveServiceIsAnError()
    {
        QTemporaryDir dir;
        rr::test::writeTree(dir.path(), {{QStringLiteral("compose.yaml"), "services:\n"
                                                                          "  app:\n"
                                                                          "    image: a\n"
                                                                          "    depends_on: [db]\n"
                                                                          "  db:\n"
                                                                          "    image: b\n"
                                                                          "    profiles: [storage]\n"}});
        ComposeLoadOptions o;
        o.projectDir = dir.path();
        auto p = ComposeLoader::load(o);
        QVERIFY(!p.has_value());
        QCOMPARE(p.error().code, QStringLiteral("compose.depends_on.inactive"));
        QVERIFY(p.error().message.contains(QStringLiteral("'db'")));
        QVERIFY(p.error().message.contains(QStringLiteral("storage")));
        QCOMPARE(p.error().where.line, 4);
        o.profiles = {QStringLiteral("storage")};
        QVERIFY(ComposeLoader::load(o).has_value());
    }

    void explicitFilesAndNames()
    {
        QTemporaryDir dir;
        rr::test::writeTree(dir.path(),
                            {{QStringLiteral("docker-compose.yml"), "services:\n  a:\n    image: x\n"},
                             {QStringLiteral("other.yaml"), "services:\n  b:\n    image: y\n"}});
        ComposeLoadOptions o;
        o.projectDir = dir.path();
        auto auto_ = ComposeLoader::load(o);
        QVERIFY(auto_.has_value());
        QCOMPARE(auto_->files, QStringList{QStringLiteral("docker-compose.yml")});
        o.files = {QStringLiteral("docker-compose.yml"), dir.path() + QStringLiteral("/other.yaml")};
        auto both = ComposeLoader::load(o);
        QVERIFY(both.has_value());
        QCOMPARE(both->services.size(), 2);
    }
};

QTEST_GUILESS_MAIN(TestComposeLoader)
#include "test_compose_loader.moc"
