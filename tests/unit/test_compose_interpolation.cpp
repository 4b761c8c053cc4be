#include "project/envfile.h"
#include "project/interpolator.h"

#include <QTest>

using namespace rr::project;
using rr::core::Location;

class TestComposeInterpolation : public QObject
{
    Q_OBJECT
private:
    static Interpolator vars()
    {
        return Interpolator({{QStringLiteral("SET"), QStringLiteral("value")},
                             {QStringLiteral("EMPTY"), QString()},
                             {QStringLiteral("B"), QStringLiteral("bee")}});
    }

private Q_SLOTS:
    void operators_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("braced") << "x${SET}y"
                                << "xvaluey";
        QTest::newRow("bare") << "$SET/path"
                              << "value/path";
        QTest::newRow("bare-unset") << "[$NOPE]"
                                    << "[]";
        QTest::newRow("escaped") << "cost $$5 and $${SET}"
                                 << "cost $5 and ${SET}";
        QTest::newRow(":- unset") << "${NOPE:-dflt}"
                                  << "dflt";
        QTest::newRow(":- empty") << "${EMPTY:-dflt}"
                                  << "dflt";
        QTest::newRow(":- set") << "${SET:-dflt}"
                                << "value";
        QTest::newRow("- unset") << "${NOPE-dflt}"
                                 << "dflt";
        QTest::newRow("- empty") << "${EMPTY-dflt}"
                                 << "";
        QTest::newRow(":+ set") << "${SET:+repl}"
                                << "repl";
        QTest::newRow(":+ empty") << "${EMPTY:+repl}"
                                  << "";
        QTest::newRow(":+ unset") << "${NOPE:+repl}"
                                  << "";
        QTest::newRow("+ empty") << "${EMPTY+repl}"
                                 << "repl";
        QTest::newRow("+ unset") << "${NOPE+repl}"
                                 << "";
        QTest::newRow(":? set") << "${SET:?boom}"
                                << "value";
        QTest::newRow("? empty") << "${EMPTY?boom}"
                                 << "";
        QTest::newRow("nested default") << "${NOPE:-${B}}"
                                        << "bee";
        QTest::newRow("nested twice") << "${NOPE:-${ALSO_NOPE:-${B}-x}}"
                                      << "bee-x";
        QTest::newRow("nested replacement") << "${SET:+<${B}>}"
                                            << "<bee>";
        QTest::newRow("default with colon") << "${NOPE:-a:b}"
                                            << "a:b";
        QTest::newRow("no dollar") << "plain"
                                   << "plain";
    }
    void operators()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        auto out = vars().interpolate(input);
        QVERIFY2(out.has_value(), qPrintable(out ? QString() : out.error().toString()));
        QCOMPARE(*out, expected);
    }

    void requiredErrorsNameVariableAndLocation_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("text");
        QTest::newRow(":? unset") << "${DB_URL:?set the database url}"
                                  << "DB_URL"
                                  << "set the database url";
        QTest::newRow(":? empty") << "${EMPTY:?must not be empty}"
                                  << "EMPTY"
                                  << "must not be empty";
        QTest::newRow("? unset") << "a ${TOKEN?need a token}"
                                 << "TOKEN"
                                 << "need a token";
    }
    void requiredErrorsNameVariableAndLocation()
    {
        QFETCH(QString, input);
        QFETCH(QString, variable);
        QFETCH(QString, text);
        const Location at{QStringLiteral("compose.yaml"), 7, 12};
        auto out = vars().interpolate(input, at);
        QVERIFY(!out.has_value());
        QCOMPARE(out.error().code, QStringLiteral("compose.interpolation.required"));
        QVERIFY2(out.error().message.contains(variable), qPrintable(out.error().message));
        QVERIFY2(out.error().message.contains(text), qPrintable(out.error().message));
        QCOMPARE(out.error().where.line, 7);
        QCOMPARE(out.error().where.column, 12);
        QVERIFY(out.error().toString().startsWith(QStringLiteral("compose.yaml:7:12:")));
    }

    void invalidFormats_data()
    {
        QTest::addColumn<QString>("input");
        QTest::newRow("unterminated") << "${SET";
        QTest::newRow("unterminated default") << "${SET:-abc";
        QTest::newRow("lone dollar end") << "price$";
        QTest::newRow("dollar digit") << "echo $1";
        QTest::newRow("bad name") << "${1abc}";
        QTest::newRow("bad operator") << "${SET/x}";
        QTest::newRow("empty braces") << "${}";
    }
    void invalidFormats()
    {
        QFETCH(QString, input);
        auto out = vars().interpolate(input, Location{QStringLiteral("f.yaml"), 2, 3});
        QVERIFY(!out.has_value());
        QCOMPARE(out.error().code, QStringLiteral("compose.interpolation.invalid"));
        QCOMPARE(out.error().where.line, 2);
    }

    void neverReadsHostEnvironment()
    {
        qputenv("RR_HOST_ONLY_SECRET", "leaked");
        auto out =
            Interpolator().interpolate(QStringLiteral("[${RR_HOST_ONLY_SECRET}][$RR_HOST_ONLY_SECRET]"));
        QVERIFY(out.has_value());
        QCOMPARE(*out, QStringLiteral("[][]"));
        QVERIFY(Interpolator().interpolate(QStringLiteral("${RR_HOST_ONLY_SECRET:-d}")).value() ==
                QStringLiteral("d"));
        qunsetenv("RR_HOST_ONLY_SECRET");
    }

    void reportsUnsetVariables()
    {
        Interpolator i;
        QVERIFY(i.interpolate(QStringLiteral("${A} $B ${C:-x}")).has_value());
        QCOMPARE(i.unsetVariables(), (QStringList{QStringLiteral("A"), QStringLiteral("B")}));
    }

    void envFileSyntax()
    {
        const QByteArray text = "# comment\n"
                                "\n"
                                "PLAIN=hello world # trailing comment\n"
                                "export EXPORTED=yes\n"
                                "REF=${PLAIN}!\n"
                                "SINGLE='no ${PLAIN} here'\n"
                                "DOUBLE=\"tab\\there ${EXPORTED}\"\n"
                                "MULTI=\"line1\n"
                                "line2\"\n"
                                "EMPTY=\n"
                                "BARE_NAME_IGNORED\n"
                                "OVERRIDDEN=from-file\n"
                                "USES_LOOKUP=${OVERRIDDEN}\n";
        auto env = EnvFile::parse(text, QStringLiteral(".env"),
                                  {{QStringLiteral("OVERRIDDEN"), QStringLiteral("from-values")}});
        QVERIFY2(env.has_value(), qPrintable(env ? QString() : env.error().toString()));
        QCOMPARE(env->value(QStringLiteral("PLAIN")), QStringLiteral("hello world"));
        QCOMPARE(env->value(QStringLiteral("EXPORTED")), QStringLiteral("yes"));
        QCOMPARE(env->value(QStringLiteral("REF")), QStringLiteral("hello world!"));
        QCOMPARE(env->value(QStringLiteral("SINGLE")), QStringLiteral("no ${PLAIN} here"));
        QCOMPARE(env->value(QStringLiteral("DOUBLE")), QStringLiteral("tab\there yes"));
        QCOMPARE(env->value(QStringLiteral("MULTI")), QStringLiteral("line1\nline2"));
        QVERIFY(env->contains(QStringLiteral("EMPTY")));
        QVERIFY(!env->contains(QStringLiteral("BARE_NAME_IGNORED")));
        QCOMPARE(env->value(QStringLiteral("USES_LOOKUP")), QStringLiteral("from-values"));
    }

    void envFileErrorsHaveLines()
    {
        auto env = EnvFile::parse("A=1\nB=\"open\n", QStringLiteral("x.env"));
        QVERIFY(!env.has_value());
        QCOMPARE(env.error().where.file, QStringLiteral("x.env"));
        QCOMPARE(env.error().where.line, 2);
        auto bad = EnvFile::parse("A=1\n9X=2\n", QStringLiteral("x.env"));
        QVERIFY(!bad.has_value());
        QCOMPARE(bad.error().where.line, 2);
    }
};

QTEST_GUILESS_MAIN(TestComposeInterpolation)
#include "test_compose_interpolation.moc"
