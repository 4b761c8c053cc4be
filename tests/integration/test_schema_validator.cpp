#include "testsupport.h"

#include <QTest>

// The schema validator must itself catch what it is there to catch; otherwise test_schema
// would pass vacuously.
class TestSchemaValidator : public QObject
{
    Q_OBJECT

private:
    rr::test::ProcessResult validate(const QByteArray &input)
    {
        return rr::test::run(QStringLiteral("/usr/bin/python3"),
                             {rr::test::sourcePath(QStringLiteral("tests/support/k8s_schema_validate.py"))},
                             {}, input, 60000);
    }

private Q_SLOTS:
    void acceptsValidObjects()
    {
        const QByteArray ok = R"([
          {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","labels":{"a":"b"}},
           "spec":{"selector":{"a":"b"},"ports":[{"name":"tcp-80","port":80,"targetPort":80}]}},
          {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"ns-1"},
           "spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},
           "spec":{"containers":[{"name":"web","image":"x","ports":[{"name":"tcp-80","containerPort":80}]}]}}}}])";
        const rr::test::ProcessResult r = validate(ok);
        QVERIFY2(r.exitCode == 0, r.out.constData());
        // The same as a YAML stream.
        const QByteArray yaml =
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"1\"\n";
        QCOMPARE(validate(yaml).exitCode, 0);
    }

    void rejects_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown field")
            << QByteArray(R"([{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
                              "spec":{"clusterIP":"None","frobnicate":true}}])")
            << QStringLiteral("spec.frobnicate: unknown field");
        QTest::newRow("nested unknown field")
            << QByteArray(R"([{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},
                              "spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},
                              "spec":{"containers":[{"name":"c","image":"x","securityContext":{"nope":1}}]}}}}])")
            << QStringLiteral("containers[0].securityContext.nope: unknown field");
        QTest::newRow("string for int")
            << QByteArray(R"([{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
                              "spec":{"ports":[{"port":"80"}]}}])")
            << QStringLiteral("spec.ports[0].port: expected an integer");
        QTest::newRow("int for string")
            << QByteArray(
                   R"([{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":1}}])")
            << QStringLiteral("data.a: expected a string");
        QTest::newRow("bad service name")
            << QByteArray(
                   R"([{"apiVersion":"v1","kind":"Service","metadata":{"name":"my_app"},"spec":{"clusterIP":"None"}}])")
            << QStringLiteral("metadata.name: invalid name 'my_app'");
        QTest::newRow("bad label value")
            << QByteArray(
                   R"([{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"a":"not ok"}}}])")
            << QStringLiteral("invalid label value");
        QTest::newRow("bad port name")
            << QByteArray(R"([{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},
                              "spec":{"ports":[{"name":"a-very-long-port-name","port":1}]}}])")
            << QStringLiteral("invalid port name");
        QTest::newRow("unknown kind")
            << QByteArray(R"([{"apiVersion":"v1","kind":"Frobnicator","metadata":{"name":"x"}}])")
            << QStringLiteral("unknown apiVersion/kind");
        QTest::newRow("missing required")
            << QByteArray(R"([{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},
                              "spec":{"template":{"spec":{"containers":[{"name":"c"}]}}}}])")
            << QStringLiteral("must not be `None`");
    }
    void rejects()
    {
        QFETCH(QByteArray, input);
        QFETCH(QString, expected);
        const rr::test::ProcessResult r = validate(input);
        QVERIFY2(r.exitCode == 1, QByteArray(r.out + r.err).constData());
        QVERIFY2(QString::fromUtf8(r.out).contains(expected), r.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestSchemaValidator)
#include "test_schema_validator.moc"
