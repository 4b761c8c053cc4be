#include "project/composeloader.h"
#include "project/yamlreader.h"
#include "testsupport.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace rr::project;
using rr::core::ErrorCategory;

namespace {
rr::core::Error loadError(const QMap<QString, QByteArray> &files, qint64 maxBytes = 4 * 1024 * 1024)
{
    QTemporaryDir dir;
    rr::test::writeTree(dir.path(), files);
    ComposeLoadOptions o;
    o.projectDir = dir.path() + QStringLiteral("/project");
    o.maxFileBytes = maxBytes;
    auto p = ComposeLoader::load(o);
    if (p.has_value())
        return {};
    return p.error();
}
QString project(const char *name)
{
    return QStringLiteral("project/") + QLatin1String(name);
}
} // namespace

class TestComposeErrors : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void located_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("malformed") << QByteArray("services:\n  web:\n    image: [unclosed\n")
                                   << "compose.yaml.syntax" << 4 << 1 << "";
        QTest::newRow("bad indent") << QByteArray("services:\n  web:\n    image: x\n   ports: []\n")
                                    << "compose.yaml.syntax" << 4 << 4 << "";
        QTest::newRow("ports int") << QByteArray("services:\n  web:\n    image: x\n    ports: 5\n")
                                   << "compose.schema.type" << 4 << 12 << "services.web.ports";
        QTest::newRow("services list")
            << QByteArray("services: []\n") << "compose.schema.type" << 1 << 11 << "services";
        QTest::newRow("unknown key") << QByteArray("services:\n  web:\n    image: x\n    imgae: y\n")
                                     << "compose.schema.unknown_key" << 4 << 5 << "imgae";
        QTest::newRow("unknown nested")
            << QByteArray("services:\n  web:\n    image: x\n    healthcheck:\n"
                          "      tset: [CMD, x]\n")
            << "compose.schema.unknown_key" << 5 << 7 << "services.web.healthcheck";
        QTest::newRow("unknown top") << QByteArray("services: {a: {image: x}}\nservice: {}\n")
                                     << "compose.schema.unknown_key" << 2 << 1 << "service";
        QTest::newRow("bad condition")
            << QByteArray("services:\n  a:\n    image: x\n    depends_on:\n      b:\n"
                          "        condition: started\n  b: {image: y}\n")
            << "compose.schema.value" << 6 << 20 << "condition";
        QTest::newRow("duplicate key") << QByteArray("services:\n  a:\n    image: x\n    image: y\n")
                                       << "compose.yaml.duplicate_key" << 4 << 5 << "image";
        QTest::newRow("required var") << QByteArray("services:\n  a:\n    image: \"${IMG:?set IMG}\"\n")
                                      << "compose.interpolation.required" << 3 << 12 << "IMG";
        QTest::newRow("bad port text")
            << QByteArray("services:\n  a:\n    image: x\n    ports: ['80:http']\n")
            << "compose.ports.invalid" << 4 << 13 << "80:http";
        QTest::newRow("bad duration") << QByteArray("services:\n  a:\n    image: x\n    healthcheck:\n"
                                                    "      interval: 10\n")
                                      << "compose.duration.invalid" << 5 << 17 << "10";
        QTest::newRow("undefined volume")
            << QByteArray("services:\n  a:\n    image: x\n    volumes: [data:/d]\n")
            << "compose.volumes.undefined" << 4 << 15 << "data";
        QTest::newRow("undefined dep") << QByteArray("services:\n  a:\n    image: x\n    depends_on: [zz]\n")
                                       << "compose.depends_on.undefined" << 4 << 18 << "zz";
        QTest::newRow("empty") << QByteArray("# nothing\n") << "compose.file.empty" << 1 << 1 << "";
        QTest::newRow("missing env_file")
            << QByteArray("services:\n  a:\n    image: x\n    env_file: nope.env\n")
            << "compose.env_file.missing" << 4 << 15 << "nope.env";
    }
    void located()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, mentions);
        const rr::core::Error e = loadError({{project("compose.yaml"), yaml}});
        QVERIFY2(!e.code.isEmpty(), "expected a failure");
        QTEST(e.code, "code");
        QCOMPARE(e.where.file, QStringLiteral("compose.yaml"));
        QTEST(e.where.line, "line");
        QTEST(e.where.column, "column");
        QVERIFY2(e.message.contains(mentions), qPrintable(e.toString()));
    }

    void hugeFileIsRefused()
    {
        QByteArray big = "services:\n  a:\n    image: x\n    labels:\n";
        while (big.size() < 5000)
            big += "      k" + QByteArray::number(big.size()) + ": v\n";
        const rr::core::Error e = loadError({{project("compose.yaml"), big}}, 4096);
        QCOMPARE(e.code, QStringLiteral("compose.file.too_large"));
        QVERIFY(e.message.contains(QStringLiteral("4096")));
    }

    void binaryGarbageIsRefused()
    {
        QByteArray garbage("services:\n");
        for (int i = 0; i < 256; ++i)
            garbage += char(i);
        QCOMPARE(loadError({{project("compose.yaml"), garbage}}).code, QStringLiteral("compose.file.binary"));
        QCOMPARE(loadError({{project("compose.yaml"), QByteArray("services: \xff\xfe\n")}}).code,
                 QStringLiteral("compose.file.binary"));
    }

    void deepNestingIsRefusedWithoutRecursing()
    {
        const QByteArray deep = "x-deep: " + QByteArray(50000, '[') + QByteArray(50000, ']') + "\n";
        QVERIFY(YamlReader::estimateDepth(deep) > YamlReader::MaxDepth);
        QCOMPARE(loadError({{project("compose.yaml"), deep}}).code, QStringLiteral("compose.yaml.too_deep"));
        QByteArray dashes = "x-deep:\n";
        for (int i = 0; i < 5000; ++i)
            dashes += "- ";
        dashes += "x\n";
        QCOMPARE(loadError({{project("compose.yaml"), dashes}}).code,
                 QStringLiteral("compose.yaml.too_deep"));
        // Ordinary nesting is fine.
        QVERIFY(YamlReader::estimateDepth("a:\n  b:\n    c: [1, {d: [2]}]\n") < 12);
    }

    void aliasBombIsRefused()
    {
        QByteArray bomb = "x-a: &a [x, x, x, x, x, x, x, x, x, x]\n";
        char prev = 'a';
        for (char c = 'b'; c <= 'j'; ++c) {
            bomb += QByteArray("x-") + c + ": &" + c + " [";
            for (int i = 0; i < 10; ++i)
                bomb += QByteArray(i ? ", *" : "*") + prev;
            bomb += "]\n";
            prev = c;
        }
        QCOMPARE(loadError({{project("compose.yaml"), bomb}}).code, QStringLiteral("compose.yaml.too_large"));
    }

    void pathsOutsideTheProjectAreRefused_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::newRow("include ..") << QByteArray("include: [../outside.yaml]\nservices: {a: {image: x}}\n");
        QTest::newRow("include abs") << QByteArray("include: [/etc/hostname]\nservices: {a: {image: x}}\n");
        QTest::newRow("extends ..") << QByteArray("services:\n  a:\n    extends: {service: o, file: "
                                                  "sub/../../outside.yaml}\n");
        QTest::newRow("env_file ..") << QByteArray(
            "services:\n  a:\n    image: x\n    env_file: ../secret.env\n");
        QTest::newRow("include symlink")
            << QByteArray("include: [link/outside.yaml]\nservices: {a: {image: x}}\n");
        QTest::newRow("env_file symlink")
            << QByteArray("services:\n  a:\n    image: x\n    env_file: link.env\n");
        QTest::newRow("dotenv symlink") << QByteArray("services: {a: {image: x}}\n");
        QTest::newRow("include long")
            << QByteArray("include:\n  - path: ok.yaml\n    env_file: ../secret.env\n"
                          "services: {a: {image: x}}\n");
    }
    void pathsOutsideTheProjectAreRefused()
    {
        QFETCH(QByteArray, yaml);
        QTemporaryDir dir;
        rr::test::writeTree(dir.path(), {{QStringLiteral("outside.yaml"), "services: {o: {image: o}}\n"},
                                         {QStringLiteral("secret.env"), "S=1\n"},
                                         {project("ok.yaml"), "services: {k: {image: k}}\n"},
                                         {project("compose.yaml"), yaml}});
        QVERIFY(QFile::link(dir.path(), dir.path() + QStringLiteral("/project/link")));
        QVERIFY(QFile::link(dir.path() + QStringLiteral("/secret.env"),
                            dir.path() + QStringLiteral("/project/link.env")));
        if (QByteArray(QTest::currentDataTag()) == "dotenv symlink")
            QVERIFY(QFile::link(dir.path() + QStringLiteral("/secret.env"),
                                dir.path() + QStringLiteral("/project/.env")));
        ComposeLoadOptions o;
        o.projectDir = dir.path() + QStringLiteral("/project");
        auto p = ComposeLoader::load(o);
        QVERIFY(!p.has_value());
        QCOMPARE(p.error().category, ErrorCategory::Refused);
        QCOMPARE(p.error().code, QStringLiteral("compose.path.outside"));
        QVERIFY(p.error().where.file == QStringLiteral("compose.yaml") ||
                p.error().where.file == QStringLiteral(".env"));
    }

    void missingProjectAndFiles()
    {
        ComposeLoadOptions o;
        o.projectDir = QStringLiteral("/nonexistent/rr-project");
        QCOMPARE(ComposeLoader::load(o).error().category, ErrorCategory::Input);
        QTemporaryDir dir;
        o.projectDir = dir.path();
        QCOMPARE(ComposeLoader::load(o).error().code, QStringLiteral("compose.file.none"));
        o.files = {QStringLiteral("nope.yaml")};
        QCOMPARE(ComposeLoader::load(o).error().code, QStringLiteral("compose.file.missing"));
    }

    void optionalEnvFileMayBeMissing()
    {
        QTemporaryDir dir;
        rr::test::writeTree(dir.path(),
                            {{QStringLiteral("compose.yaml"),
                              "services:\n  a:\n    image: x\n    env_file:\n      - path: nope.env\n"
                              "        required: false\n"}});
        ComposeLoadOptions o;
        o.projectDir = dir.path();
        QVERIFY(ComposeLoader::load(o).has_value());
    }
};

QTEST_GUILESS_MAIN(TestComposeErrors)
#include "test_compose_errors.moc"
