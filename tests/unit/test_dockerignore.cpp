// .dockerignore semantics, checked against the examples in Docker's own documentation
// ("Dockerfile reference: .dockerignore file") and moby/patternmatcher's behaviour.
// Test tables read better with plain string literals than with QStringLiteral everywhere.
#undef QT_NO_CAST_FROM_ASCII

#include "docker/dockerignore.h"

#include <QTest>

using rr::docker::DockerIgnore;

class TestDockerIgnore : public QObject
{
    Q_OBJECT

private:
    static DockerIgnore load(const QByteArray &text)
    {
        auto ignore = DockerIgnore::parse(text);
        if (!ignore)
            qFatal("parse failed: %s", qPrintable(ignore.error().message));
        return *ignore;
    }

private Q_SLOTS:
    void documentedExample_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("excluded");
        // "*/temp*": names starting with temp in any immediate subdirectory of the root.
        QTest::newRow("subdir/temporary.txt") << "somedir/temporary.txt" << true;
        QTest::newRow("subdir/temp dir") << "somedir/temp" << true;
        QTest::newRow("inside excluded dir") << "somedir/temp/file" << true;
        QTest::newRow("root temporary not by */temp*") << "temporary.txt" << false;
        // "*/*/temp*": two levels below the root.
        QTest::newRow("two levels") << "somedir/subdir/temporary.txt" << true;
        QTest::newRow("three levels") << "a/b/c/temporary.txt" << false;
        // "temp?": one-character extension of temp in the root.
        QTest::newRow("tempa") << "tempa" << true;
        QTest::newRow("tempb") << "tempb" << true;
        QTest::newRow("temp") << "temp" << false;
        QTest::newRow("tempab") << "tempab" << false;
        QTest::newRow("kept") << "src/main.c" << false;
    }
    void documentedExample()
    {
        QFETCH(QString, path);
        QFETCH(bool, excluded);
        const DockerIgnore ignore = load("# comment\n*/temp*\n*/*/temp*\ntemp?\n");
        QCOMPARE(ignore.isExcluded(path), excluded);
    }

    void doubleStar_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("excluded");
        // "**/*.go" excludes all .go files, in the root too.
        QTest::newRow("root go") << "**/*.go"
                                 << "main.go" << true;
        QTest::newRow("deep go") << "**/*.go"
                                 << "a/b/c/x.go" << true;
        QTest::newRow("not go") << "**/*.go"
                                << "a/b/c/x.gox" << false;
        QTest::newRow("dir/** below") << "vendor/**"
                                      << "vendor/a/b" << true;
        QTest::newRow("a/**/b zero dirs") << "a/**/b"
                                          << "a/b" << true;
        QTest::newRow("a/**/b many dirs") << "a/**/b"
                                          << "a/x/y/b" << true;
        QTest::newRow("a/**/b other") << "a/**/b"
                                      << "a/x/y/c" << false;
        QTest::newRow("** everything") << "**"
                                       << "any/thing" << true;
        QTest::newRow("**suffix") << "**foo"
                                  << "barfoo" << true;
        QTest::newRow("star stays in segment") << "*.txt"
                                               << "dir/a.txt" << false;
        QTest::newRow("parent dir match") << "build"
                                          << "build/out/x.o" << true;
        QTest::newRow("leading slash") << "/build"
                                       << "build/x" << true;
        QTest::newRow("dot slash cleaned") << "./docs/../build/"
                                           << "build/x" << true;
        QTest::newRow("class") << "file[0-9].txt"
                               << "file7.txt" << true;
        QTest::newRow("negated class") << "file[^0-9].txt"
                                       << "file7.txt" << false;
        QTest::newRow("escaped star") << "a\\*b"
                                      << "a*b" << true;
        QTest::newRow("escaped star literal only") << "a\\*b"
                                                   << "axxb" << false;
        QTest::newRow("regex chars literal") << "a.b+(c)"
                                             << "a.b+(c)" << true;
        QTest::newRow("dot is not any char") << "a.b"
                                             << "axb" << false;
        QTest::newRow("question no slash") << "a?b"
                                           << "a/b" << false;
    }
    void doubleStar()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, path);
        QFETCH(bool, excluded);
        auto ignore = DockerIgnore::parse(pattern.toUtf8());
        QVERIFY(ignore.has_value());
        QCOMPARE(ignore->isExcluded(path), excluded);
    }

    void exceptions()
    {
        // "*.md / !README.md": all markdown files except README.md.
        const DockerIgnore a = load("*.md\n!README.md\n");
        QVERIFY(a.isExcluded(QStringLiteral("CHANGES.md")));
        QVERIFY(!a.isExcluded(QStringLiteral("README.md")));
        QVERIFY(a.hasExceptions());

        // "*.md / !README*.md / README-secret.md": README files except README-secret.md.
        const DockerIgnore b = load("*.md\n!README*.md\nREADME-secret.md\n");
        QVERIFY(b.isExcluded(QStringLiteral("CHANGES.md")));
        QVERIFY(!b.isExcluded(QStringLiteral("README-extra.md")));
        QVERIFY(b.isExcluded(QStringLiteral("README-secret.md")));

        // The same lines in another order: the last match wins, so every README is kept.
        const DockerIgnore c = load("*.md\nREADME-secret.md\n!README*.md\n");
        QVERIFY(!c.isExcluded(QStringLiteral("README-secret.md")));
        QVERIFY(!c.isExcluded(QStringLiteral("README.md")));
        QVERIFY(c.isExcluded(QStringLiteral("notes.md")));
    }

    void exceptionInsideExcludedDirectory()
    {
        const DockerIgnore ignore = load("docs\n!docs/keep.txt\n");
        QVERIFY(ignore.isExcluded(QStringLiteral("docs")));
        QVERIFY(ignore.isExcluded(QStringLiteral("docs/other.txt")));
        QVERIFY(!ignore.isExcluded(QStringLiteral("docs/keep.txt")));
        // Docker walks into an excluded folder only when an exception names something in it.
        QVERIFY(ignore.mayIncludeBelow(QStringLiteral("docs")));
        const DockerIgnore other = load("docs\nsrc\n!docs/keep.txt\n");
        QVERIFY(!other.mayIncludeBelow(QStringLiteral("src")));
    }

    void parsingRules()
    {
        // BOM, comments only at the start of a line, whitespace trimmed, blank lines skipped.
        const DockerIgnore ignore = load("\xEF\xBB\xBF"
                                         "first\n#second\n  third  \n\n! fourth\n");
        QCOMPARE(ignore.patterns(), QStringList({"first", "third", "!fourth"}));
        QVERIFY(ignore.isExcluded(QStringLiteral("first")));
        QVERIFY(!ignore.isExcluded(QStringLiteral("#second")));
        QVERIFY(!DockerIgnore::parse("!\n").has_value());
        QVERIFY(!DockerIgnore::parse("abc[\n").has_value());
    }

    void keepAlwaysSendsNamedFile()
    {
        DockerIgnore ignore = load("*\n");
        QVERIFY(ignore.isExcluded(QStringLiteral("Dockerfile")));
        ignore.keep(QStringLiteral("Dockerfile"));
        ignore.keep(QStringLiteral("docker/app.Dockerfile"));
        QVERIFY(!ignore.isExcluded(QStringLiteral("Dockerfile")));
        QVERIFY(!ignore.isExcluded(QStringLiteral("docker/app.Dockerfile")));
        QVERIFY(ignore.isExcluded(QStringLiteral("docker/other")));
        QVERIFY(ignore.mayIncludeBelow(QStringLiteral("docker")));
    }

    void cleanPathMatchesGo_data()
    {
        QTest::addColumn<QString>("in");
        QTest::addColumn<QString>("out");
        QTest::newRow("empty") << ""
                               << ".";
        QTest::newRow("dots") << "a/./b/../c/"
                              << "a/c";
        QTest::newRow("double slash") << "a//b"
                                      << "a/b";
        QTest::newRow("leading dotdot") << "../a"
                                        << "../a";
        QTest::newRow("rooted dotdot") << "/../a"
                                       << "/a";
        QTest::newRow("to nothing") << "a/.."
                                    << ".";
    }
    void cleanPathMatchesGo()
    {
        QFETCH(QString, in);
        QFETCH(QString, out);
        QCOMPARE(DockerIgnore::cleanPath(in), out);
    }
};

QTEST_GUILESS_MAIN(TestDockerIgnore)
#include "test_dockerignore.moc"
