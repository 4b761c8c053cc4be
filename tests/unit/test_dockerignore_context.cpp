// Build contexts packed by ContextArchiver: .dockerignore applied to a real tree, and hostile
// contexts (links out of the context, link loops, 200k tiny files).
// Test tables read better with plain string literals than with QStringLiteral everywhere.
#undef QT_NO_CAST_FROM_ASCII

#include "docker/contextarchiver.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QMap>
#include <QTemporaryDir>
#include <QTest>

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using rr::docker::ContextArchiver;

namespace {

struct Entry
{
    char type = 'f';    // f file, d dir, l link
    QByteArray content; // file content or link target
};

// Reads a tar back with libarchive.
QMap<QString, Entry> readTar(const QString &path)
{
    QMap<QString, Entry> out;
    archive *a = archive_read_new();
    archive_read_support_format_tar(a);
    if (archive_read_open_filename(a, QFile::encodeName(path).constData(), 1 << 16) != ARCHIVE_OK)
        qFatal("cannot open %s", qPrintable(path));
    archive_entry *e = nullptr;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        Entry entry;
        QString name = QString::fromUtf8(archive_entry_pathname(e));
        if (name.endsWith(QLatin1Char('/')))
            name.chop(1);
        const auto type = archive_entry_filetype(e);
        if (type == AE_IFDIR) {
            entry.type = 'd';
        } else if (type == AE_IFLNK) {
            entry.type = 'l';
            entry.content = archive_entry_symlink(e);
        } else {
            char buf[4096];
            la_ssize_t n = 0;
            while ((n = archive_read_data(a, buf, sizeof buf)) > 0)
                entry.content.append(buf, n);
        }
        out.insert(name, entry);
    }
    archive_read_free(a);
    return out;
}

void link(const QString &target, const QString &at)
{
    QVERIFY2(::symlink(QFile::encodeName(target).constData(), QFile::encodeName(at).constData()) == 0,
             qPrintable(at));
}

} // namespace

class TestDockerIgnoreContext : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void ignoreAppliedToTree()
    {
        QTemporaryDir dir;
        rr::test::writeTree(dir.path(),
                            {{"Dockerfile", "FROM scratch\n"},
                             {".dockerignore", "*.md\n!README.md\nnode_modules\ndocs\n"
                                               "!docs/keep.txt\n**/*.log\nDockerfile\n.dockerignore\n"},
                             {"README.md", "readme"},
                             {"CHANGES.md", "changes"},
                             {"src/app.c", "int main;"},
                             {"src/debug.log", "log"},
                             {"node_modules/x/index.js", "js"},
                             {"docs/keep.txt", "keep"},
                             {"docs/drop.txt", "drop"}});
        ContextArchiver archiver(dir.path());
        const QString tar =
            dir.filePath(QStringLiteral("../ctx-%1.tar").arg(QCoreApplication::applicationPid()));
        auto stats = archiver.writeTar(tar);
        QVERIFY2(stats.has_value(), qPrintable(stats ? QString() : stats.error().message));
        const auto entries = readTar(tar);
        QFile::remove(tar);
        QStringList names = entries.keys();
        names.sort();
        // Dockerfile and .dockerignore are sent although the patterns exclude them; docs/ is
        // walked only for the exception and not sent as a folder entry itself.
        QCOMPARE(names, QStringList({".dockerignore", "Dockerfile", "README.md", "docs/keep.txt", "src",
                                     "src/app.c"}));
        QCOMPARE(entries.value(QStringLiteral("src/app.c")).content, QByteArray("int main;"));
        QCOMPARE(stats->files, 5);
        QVERIFY(stats->ignored >= 4);
    }

    void dockerfileInSubfolderIsKept()
    {
        QTemporaryDir dir;
        rr::test::writeTree(
            dir.path(),
            {{"build/app.Dockerfile", "FROM scratch\n"}, {"build/other", "x"}, {".dockerignore", "build\n"}});
        ContextArchiver archiver(dir.path(), QStringLiteral("build/app.Dockerfile"));
        // The tar is written outside the context so it stays out of the walk.
        QTemporaryDir out;
        auto stats = archiver.writeTar(out.filePath(QStringLiteral("ctx.tar")));
        QVERIFY(stats.has_value());
        const auto entries = readTar(out.filePath(QStringLiteral("ctx.tar")));
        QVERIFY(entries.contains(QStringLiteral("build/app.Dockerfile")));
        QVERIFY(!entries.contains(QStringLiteral("build/other")));
    }

    // compose's dockerfile_inline: the text travels in the archive under our own name, replacing a
    // file of that name in the folder, and the hash follows the text.
    void inlineDockerfileIsAddedToTheArchive()
    {
        QTemporaryDir dir;
        rr::test::writeTree(dir.path(), {{"app.txt", "hello"},
                                         {ContextArchiver::InlineDockerfileName, "FROM planted\n"},
                                         {"Dockerfile", "FROM on-disk\n"}});
        QTemporaryDir out;
        const QString tar = out.filePath(QStringLiteral("ctx.tar"));
        ContextArchiver archiver(dir.path());
        archiver.setInlineDockerfile("FROM busybox:1.36\nCOPY app.txt /\n");
        auto stats = archiver.writeTar(tar);
        QVERIFY2(stats.has_value(), stats ? "" : qPrintable(stats.error().message));
        const auto entries = readTar(tar);
        QCOMPARE(entries.value(QString::fromLatin1(ContextArchiver::InlineDockerfileName)).content,
                 QByteArray("FROM busybox:1.36\nCOPY app.txt /\n"));
        QCOMPARE(entries.value(QStringLiteral("app.txt")).content, QByteArray("hello"));
        QCOMPARE(entries.value(QStringLiteral("Dockerfile")).content, QByteArray("FROM on-disk\n"));

        ContextArchiver other(dir.path());
        other.setInlineDockerfile("FROM busybox:1.36\nCOPY app.txt /srv/\n");
        QVERIFY(other.writeTar(tar)->hash != stats->hash);
        // A folder with no Dockerfile at all builds from inline text alone.
        QTemporaryDir bare;
        rr::test::writeTree(bare.path(), {{"data.bin", "x"}});
        ContextArchiver only(bare.path());
        only.setInlineDockerfile("FROM scratch\nCOPY . /data/\n");
        QVERIFY(only.writeTar(tar).has_value());
    }

    // BuildKit's per-Dockerfile ignore file (`<Dockerfile>.dockerignore`) wins over the root one.
    void perDockerfileIgnoreWins()
    {
        QTemporaryDir dir;
        rr::test::writeTree(dir.path(), {{"web/Dockerfile", "FROM scratch\n"},
                                         {"web/Dockerfile.dockerignore", "secrets\n"},
                                         {".dockerignore", "assets\n"},
                                         {"secrets/key", "k"},
                                         {"assets/logo.svg", "svg"}});
        QTemporaryDir out;
        ContextArchiver own(dir.path(), QStringLiteral("web/Dockerfile"));
        QVERIFY(own.writeTar(out.filePath(QStringLiteral("own.tar"))).has_value());
        const auto entries = readTar(out.filePath(QStringLiteral("own.tar")));
        QVERIFY(!entries.contains(QStringLiteral("secrets/key")));
        QVERIFY(entries.contains(QStringLiteral("assets/logo.svg"))); // the root file is not read

        // Another Dockerfile in the same context has no file of its own: the root one applies.
        rr::test::writeTree(dir.path(), {{"api.Dockerfile", "FROM scratch\n"}});
        ContextArchiver root(dir.path(), QStringLiteral("api.Dockerfile"));
        QVERIFY(root.writeTar(out.filePath(QStringLiteral("root.tar"))).has_value());
        const auto rootEntries = readTar(out.filePath(QStringLiteral("root.tar")));
        QVERIFY(rootEntries.contains(QStringLiteral("secrets/key")));
        QVERIFY(!rootEntries.contains(QStringLiteral("assets/logo.svg")));
    }

    void missingDockerfileFails()
    {
        QTemporaryDir dir;
        rr::test::writeTree(dir.path(), {{"app.c", "x"}});
        QTemporaryDir out;
        auto stats = ContextArchiver(dir.path()).writeTar(out.filePath(QStringLiteral("ctx.tar")));
        QVERIFY(!stats.has_value());
        QCOMPARE(stats.error().code, QStringLiteral("docker.context.no_dockerfile"));
        auto outside = ContextArchiver(dir.path(), QStringLiteral("../Dockerfile"))
                           .writeTar(out.filePath(QStringLiteral("c2.tar")));
        QVERIFY(!outside.has_value());
    }

    void symlinkOutOfContextIsNotFollowed()
    {
        QFile passwd(QStringLiteral("/etc/passwd"));
        QVERIFY(passwd.open(QIODevice::ReadOnly));
        const QByteArray secret = passwd.readAll();
        QVERIFY(!secret.isEmpty());
        QTemporaryDir dir;
        rr::test::writeTree(dir.path(), {{"Dockerfile", "FROM scratch\nCOPY . /\n"}});
        link(QStringLiteral("/etc/passwd"), dir.filePath(QStringLiteral("passwd")));
        link(QStringLiteral("../../../../../../etc"), dir.filePath(QStringLiteral("etc")));
        QTemporaryDir out;
        auto stats = ContextArchiver(dir.path()).writeTar(out.filePath(QStringLiteral("ctx.tar")));
        QVERIFY(stats.has_value());
        const auto entries = readTar(out.filePath(QStringLiteral("ctx.tar")));
        QCOMPARE(entries.value(QStringLiteral("passwd")).type, 'l');
        QCOMPARE(entries.value(QStringLiteral("passwd")).content, QByteArray("/etc/passwd"));
        QCOMPARE(entries.value(QStringLiteral("etc")).type, 'l');
        QCOMPARE(entries.size(), 3); // nothing below the linked /etc
        for (const Entry &e : entries)
            QVERIFY(e.type == 'l' || !e.content.contains(secret.left(64)));
        QCOMPARE(stats->symlinks, 2);
    }

    void symlinkLoopTerminates()
    {
        QTemporaryDir dir;
        rr::test::writeTree(dir.path(), {{"Dockerfile", "FROM scratch\n"}, {"sub/file", "x"}});
        link(QStringLiteral("b"), dir.filePath(QStringLiteral("a")));
        link(QStringLiteral("a"), dir.filePath(QStringLiteral("b")));
        link(QStringLiteral(".."), dir.filePath(QStringLiteral("sub/up")));
        link(QStringLiteral("self"), dir.filePath(QStringLiteral("self")));
        QTemporaryDir out;
        auto stats = ContextArchiver(dir.path()).writeTar(out.filePath(QStringLiteral("ctx.tar")));
        QVERIFY2(stats.has_value(), qPrintable(stats ? QString() : stats.error().message));
        const auto entries = readTar(out.filePath(QStringLiteral("ctx.tar")));
        QCOMPARE(entries.value(QStringLiteral("a")).type, 'l');
        QCOMPARE(entries.value(QStringLiteral("sub/up")).content, QByteArray(".."));
        QCOMPARE(entries.value(QStringLiteral("self")).type, 'l');
        QCOMPARE(stats->symlinks, 4);
        QCOMPARE(stats->files, 2);
    }

    void hashIgnoresTimesButNotContent()
    {
        QTemporaryDir dir;
        rr::test::writeTree(dir.path(), {{"Dockerfile", "FROM scratch\n"}, {"a.txt", "one"}});
        QTemporaryDir out;
        const QString tar = out.filePath(QStringLiteral("ctx.tar"));
        const QString h1 = ContextArchiver(dir.path()).writeTar(tar)->hash;
        QFile f(dir.filePath(QStringLiteral("a.txt")));
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.setFileTime(QDateTime::currentDateTime().addDays(-3), QFileDevice::FileModificationTime));
        f.close();
        QCOMPARE(ContextArchiver(dir.path()).writeTar(tar)->hash, h1);
        ContextArchiver withArgs(dir.path());
        withArgs.setExtraHashInput("A=1");
        QVERIFY(withArgs.writeTar(tar)->hash != h1);
        rr::test::writeTree(dir.path(), {{"a.txt", "two"}});
        QVERIFY(ContextArchiver(dir.path()).writeTar(tar)->hash != h1);
    }

    void cancelStopsPacking()
    {
        QTemporaryDir dir;
        rr::test::writeTree(dir.path(), {{"Dockerfile", "FROM scratch\n"}, {"a", "1"}, {"b", "2"}});
        ContextArchiver archiver(dir.path());
        archiver.setCancelCheck([] { return true; });
        QTemporaryDir out;
        auto stats = archiver.writeTar(out.filePath(QStringLiteral("ctx.tar")));
        QVERIFY(!stats.has_value());
        QCOMPARE(stats.error().category, rr::core::ErrorCategory::Cancelled);
    }

    void twoHundredThousandTinyFiles()
    {
        constexpr int Dirs = 200;
        constexpr int PerDir = 1000;
        QTemporaryDir dir;
        rr::test::writeTree(dir.path(), {{"Dockerfile", "FROM scratch\n"}});
        QElapsedTimer made;
        made.start();
        for (int d = 0; d < Dirs; ++d) {
            const QByteArray sub = QFile::encodeName(dir.filePath(QStringLiteral("d%1").arg(d)));
            QVERIFY(::mkdir(sub.constData(), 0755) == 0);
            for (int i = 0; i < PerDir; ++i) {
                const QByteArray file = sub + "/f" + QByteArray::number(i);
                const int fd = ::open(file.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
                QVERIFY(fd >= 0);
                QCOMPARE(::write(fd, "x", 1), 1);
                ::close(fd);
            }
        }
        qInfo("created %d files in %lld ms", Dirs * PerDir, made.elapsed());
        QTemporaryDir out;
        ContextArchiver archiver(dir.path());
        qint64 lastEntries = 0;
        archiver.setProgress([&lastEntries](qint64 entries, qint64) { lastEntries = entries; });
        QElapsedTimer timer;
        timer.start();
        auto stats = archiver.writeTar(out.filePath(QStringLiteral("ctx.tar")));
        qInfo("packed %lld files into a build context in %lld ms", stats ? stats->files : -1,
              timer.elapsed());
        QVERIFY(stats.has_value());
        QCOMPARE(stats->files, qint64(Dirs * PerDir + 1));
        QCOMPARE(stats->directories, qint64(Dirs));
        QVERIFY(lastEntries >= Dirs * PerDir - 1000); // progress was reported along the way
        // Read it back: every file is in the tar.
        archive *a = archive_read_new();
        archive_read_support_format_tar(a);
        QCOMPARE(archive_read_open_filename(
                     a, QFile::encodeName(out.filePath(QStringLiteral("ctx.tar"))).constData(), 1 << 16),
                 ARCHIVE_OK);
        archive_entry *e = nullptr;
        qint64 count = 0;
        while (archive_read_next_header(a, &e) == ARCHIVE_OK)
            ++count;
        archive_read_free(a);
        QCOMPARE(count, qint64(Dirs * PerDir + 1 + Dirs));
    }
};

QTEST_GUILESS_MAIN(TestDockerIgnoreContext)
#include "test_dockerignore_context.moc"
