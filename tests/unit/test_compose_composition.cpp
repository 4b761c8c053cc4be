#include "project/composeloader.h"
#include "testsupport.h"

#include <QTemporaryDir>
#include <QTest>

using namespace rr::project;

namespace {
rr::core::Result<ComposeProject> loadTree(const QTemporaryDir &dir, const QMap<QString, QByteArray> &files,
                                          const QStringList &composeFiles = {})
{
    rr::test::writeTree(dir.path(), files);
    ComposeLoadOptions o;
    o.projectDir = dir.path();
    o.files = composeFiles;
    return ComposeLoader::load(o);
}
#define LOADED(p) QVERIFY2((p).has_value(), qPrintable((p) ? QString() : (p).error().toString()))
} // namespace

class TestComposeComposition : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fixtureExtendsAcrossFilesRebasesPaths()
    {
        ComposeLoadOptions o;
        o.projectDir = rr::test::sourcePath(QStringLiteral("tests/data/compose/full"));
        auto p = ComposeLoader::load(o);
        LOADED(p);
        const Service *db = p->service(QStringLiteral("db"));
        QCOMPARE(db->image, QStringLiteral("postgres:16"));
        QCOMPARE(db->environment.value(QStringLiteral("POSTGRES_USER")), QStringLiteral("app"));
        QCOMPARE(db->environment.value(QStringLiteral("POSTGRES_DB")), QStringLiteral("app"));
        QCOMPARE(db->environment.value(QStringLiteral("POSTGRES_PASSWORD")), QStringLiteral("secret"));
        QCOMPARE(db->volumes.value(0).source, QStringLiteral("./common/initdb"));
        QCOMPARE(db->build->context, QStringLiteral("./common/dbimage"));
        QCOMPARE(db->build->args.value(QStringLiteral("PG_VERSION")), QStringLiteral("16"));
        // migrate extends db in the same file: inherits image and env, replaces command.
        const Service *migrate = p->service(QStringLiteral("migrate"));
        QCOMPARE(migrate->image, QStringLiteral("postgres:16"));
        QCOMPARE(migrate->environment.value(QStringLiteral("POSTGRES_DB")), QStringLiteral("app"));
        QCOMPARE(*migrate->command, (QStringList{QStringLiteral("migrate"), QStringLiteral("up")}));
        QCOMPARE(migrate->restart, QStringLiteral("no"));
        // include: own project directory and .env
        const Service *worker = p->service(QStringLiteral("worker"));
        QCOMPARE(worker->environment.value(QStringLiteral("SUB_VALUE")), QStringLiteral("from-sub-env"));
        QCOMPARE(worker->build->context, QStringLiteral("./sub"));
        QCOMPARE(worker->build->dockerfile, QStringLiteral("Dockerfile.worker"));
    }

    void includeLongSyntax()
    {
        QTemporaryDir dir;
        auto p =
            loadTree(dir, {{QStringLiteral("compose.yaml"), "include:\n"
                                                            "  - path: [lib/a.yaml, lib/a.override.yaml]\n"
                                                            "    project_directory: lib\n"
                                                            "    env_file: lib/custom.env\n"
                                                            "services:\n"
                                                            "  main:\n"
                                                            "    image: m\n"
                                                            "    depends_on: [svc]\n"},
                           {QStringLiteral("lib/a.yaml"), "services:\n"
                                                          "  svc:\n"
                                                          "    image: \"lib:${LIB_TAG}\"\n"
                                                          "    volumes: [./state:/state]\n"
                                                          "volumes:\n  libvol: {}\n"},
                           {QStringLiteral("lib/a.override.yaml"), "services:\n  svc:\n    ports: ['81']\n"},
                           {QStringLiteral("lib/custom.env"), "LIB_TAG=7\n"},
                           {QStringLiteral(".env"), "LIB_TAG=wrong\n"}});
        LOADED(p);
        const Service *svc = p->service(QStringLiteral("svc"));
        QVERIFY(svc);
        QCOMPARE(svc->image, QStringLiteral("lib:7"));
        QCOMPARE(svc->ports.size(), 1);
        QCOMPARE(svc->volumes[0].source, QStringLiteral("./lib/state"));
        QVERIFY(p->volumes.contains(QStringLiteral("libvol")));
        QCOMPARE(p->service(QStringLiteral("main"))->dependsOn[0].service, QStringLiteral("svc"));
    }

    void includeConflictIsAnError()
    {
        QTemporaryDir dir;
        auto p = loadTree(
            dir, {{QStringLiteral("compose.yaml"), "include: [b.yaml]\nservices:\n  x:\n    image: a\n"},
                  {QStringLiteral("b.yaml"), "services:\n  x:\n    image: b\n"}});
        QVERIFY(!p.has_value());
        QCOMPARE(p.error().code, QStringLiteral("compose.include.conflict"));
    }

    void anchorsAndMergeKeys()
    {
        QTemporaryDir dir;
        auto p = loadTree(dir, {{QStringLiteral("compose.yaml"), "x-base: &base\n"
                                                                 "  image: base\n"
                                                                 "  restart: always\n"
                                                                 "  environment: &env {A: '1', B: '2'}\n"
                                                                 "x-extra: &extra\n"
                                                                 "  restart: on-failure\n"
                                                                 "  user: '1000'\n"
                                                                 "services:\n"
                                                                 "  one:\n"
                                                                 "    <<: *base\n"
                                                                 "    image: own\n"
                                                                 "  two:\n"
                                                                 "    <<: [*base, *extra]\n"
                                                                 "    environment:\n"
                                                                 "      <<: *env\n"
                                                                 "      B: changed\n"
                                                                 "    command: *env\n"}});
        // `command: *env` is a mapping: a type error with its location.
        QVERIFY(!p.has_value());
        QCOMPARE(p.error().code, QStringLiteral("compose.schema.type"));
        QVERIFY(p.error().message.contains(QStringLiteral("services.two.command")));

        QTemporaryDir dir2;
        auto ok = loadTree(dir2, {{QStringLiteral("compose.yaml"), "x-base: &base\n"
                                                                   "  image: base\n"
                                                                   "  restart: always\n"
                                                                   "  environment: &env {A: '1', B: '2'}\n"
                                                                   "x-extra: &extra\n"
                                                                   "  restart: on-failure\n"
                                                                   "  user: '1000'\n"
                                                                   "services:\n"
                                                                   "  one:\n"
                                                                   "    <<: *base\n"
                                                                   "    image: own\n"
                                                                   "  two:\n"
                                                                   "    <<: [*base, *extra]\n"
                                                                   "    environment:\n"
                                                                   "      <<: *env\n"
                                                                   "      B: changed\n"}});
        LOADED(ok);
        QCOMPARE(ok->service(QStringLiteral("one"))->image, QStringLiteral("own"));
        QCOMPARE(ok->service(QStringLiteral("one"))->restart, QStringLiteral("always"));
        const Service *two = ok->service(QStringLiteral("two"));
        QCOMPARE(two->restart, QStringLiteral("always")); // earlier map in the list wins
        QCOMPARE(two->user, QStringLiteral("1000"));
        QCOMPARE(two->environment.value(QStringLiteral("A")), QStringLiteral("1"));
        QCOMPARE(two->environment.value(QStringLiteral("B")), QStringLiteral("changed"));
    }

    void overrideMergeRules()
    {
        QTemporaryDir dir;
        auto p =
            loadTree(dir,
                     {{QStringLiteral("compose.yaml"), "services:\n"
                                                       "  app:\n"
                                                       "    image: a:1\n"
                                                       "    command: [run, --old]\n"
                                                       "    entrypoint: [/old]\n"
                                                       "    ports: ['80:80', '81:81']\n"
                                                       "    expose: ['1000']\n"
                                                       "    dns: [8.8.8.8]\n"
                                                       "    environment: [A=1, B=2]\n"
                                                       "    labels: {l1: a}\n"
                                                       "    volumes: ['./a:/data', 'v:/keep']\n"
                                                       "    healthcheck: {test: [CMD, old], retries: 5}\n"
                                                       "    cap_add: [NET_ADMIN]\n"
                                                       "volumes: {v: {}}\n"},
                      {QStringLiteral("over.yaml"), "services:\n"
                                                    "  app:\n"
                                                    "    image: a:2\n"
                                                    "    command: serve\n"
                                                    "    entrypoint: !reset []\n"
                                                    "    ports: ['81:81', '82:82']\n"
                                                    "    expose: ['1000', '1001']\n"
                                                    "    dns: [8.8.8.8, 1.1.1.1]\n"
                                                    "    environment: {B: '3', C: '4'}\n"
                                                    "    labels: [l2=b]\n"
                                                    "    volumes: ['./b:/data']\n"
                                                    "    healthcheck: {test: [CMD, new]}\n"
                                                    "    cap_add: !override [CHOWN]\n"}},
                     {QStringLiteral("compose.yaml"), QStringLiteral("over.yaml")});
        LOADED(p);
        const Service *app = p->service(QStringLiteral("app"));
        QCOMPARE(app->image, QStringLiteral("a:2"));
        QCOMPARE(*app->command, QStringList{QStringLiteral("serve")});
        QVERIFY(!app->entrypoint.has_value()); // !reset removed it
        QCOMPARE(app->ports.size(), 3);
        QCOMPARE(app->ports[2].published, 82);
        QCOMPARE(app->expose.size(), 2);
        QCOMPARE(app->dns, (QStringList{QStringLiteral("8.8.8.8"), QStringLiteral("1.1.1.1")}));
        QCOMPARE(app->environment.value(QStringLiteral("A")), QStringLiteral("1"));
        QCOMPARE(app->environment.value(QStringLiteral("B")), QStringLiteral("3"));
        QCOMPARE(app->environment.value(QStringLiteral("C")), QStringLiteral("4"));
        QCOMPARE(app->labels.size(), 2);
        QCOMPARE(app->volumes.size(), 2); // same target /data replaced
        QCOMPARE(app->volumes[0].source, QStringLiteral("./b"));
        QCOMPARE(app->healthcheck->test, (QStringList{QStringLiteral("CMD"), QStringLiteral("new")}));
        QCOMPARE(app->healthcheck->retries, 5);
        QCOMPARE(app->capAdd, QStringList{QStringLiteral("CHOWN")});
    }

    void extendsCycleIsReported()
    {
        QTemporaryDir dir;
        auto p = loadTree(
            dir, {{QStringLiteral("compose.yaml"), "services:\n"
                                                   "  a:\n    extends: b\n    image: x\n"
                                                   "  b:\n    extends: {service: c, file: c.yaml}\n"},
                  {QStringLiteral("c.yaml"), "services:\n  c:\n    extends: {service: b, file: "
                                             "compose.yaml}\n"}});
        QVERIFY(!p.has_value());
        QCOMPARE(p.error().code, QStringLiteral("compose.extends.cycle"));
        QVERIFY2(p.error().message.contains(QStringLiteral("compose.yaml:b -> c.yaml:c -> compose.yaml:b")),
                 qPrintable(p.error().message));
    }

    void includeCycleIsReported()
    {
        QTemporaryDir dir;
        auto p = loadTree(
            dir, {{QStringLiteral("compose.yaml"), "include: [one.yaml]\nservices: {m: {image: m}}\n"},
                  {QStringLiteral("one.yaml"), "include: [two.yaml]\nservices: {o: {image: o}}\n"},
                  {QStringLiteral("two.yaml"), "include: [one.yaml]\nservices: {t: {image: t}}\n"}});
        QVERIFY(!p.has_value());
        QCOMPARE(p.error().code, QStringLiteral("compose.include.cycle"));
        QVERIFY2(p.error().message.contains(QStringLiteral("one.yaml -> two.yaml -> one.yaml")),
                 qPrintable(p.error().message));
    }

    void dependsOnCycleIsReported()
    {
        QTemporaryDir dir;
        auto p =
            loadTree(dir, {{QStringLiteral("compose.yaml"), "services:\n"
                                                            "  a: {image: a, depends_on: [b]}\n"
                                                            "  b: {image: b, depends_on: {c: {condition: "
                                                            "service_healthy}}}\n"
                                                            "  c: {image: c, depends_on: [a]}\n"}});
        QVERIFY(!p.has_value());
        QCOMPARE(p.error().code, QStringLiteral("compose.depends_on.cycle"));
        QVERIFY2(p.error().message.contains(QStringLiteral("a -> b -> c -> a")),
                 qPrintable(p.error().message));
    }
};

QTEST_GUILESS_MAIN(TestComposeComposition)
#include "test_compose_composition.moc"
