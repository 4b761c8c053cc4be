#include "docker/contextarchiver.h"

#include "core/logging.h"

#include <QCryptographicHash>
#include <QFile>

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

namespace rr::docker {

using core::ErrorCategory;

namespace {

constexpr int MaxDepth = 200;

struct ArchiveDeleter
{
    void operator()(archive *a) const { archive_write_free(a); }
};
struct EntryDeleter
{
    void operator()(archive_entry *e) const { archive_entry_free(e); }
};

class Fd
{
public:
    explicit Fd(int fd = -1)
        : m_fd(fd)
    {}
    ~Fd()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

core::Error ioError(const QString &what, const QByteArray &path, int err)
{
    return core::makeError(
        ErrorCategory::Io, QStringLiteral("docker.context.io"),
        QStringLiteral("%1 %2 failed: %3")
            .arg(what, QFile::decodeName(path), QString::fromLocal8Bit(std::strerror(err))));
}

// One walk over the context; state shared by the recursive visits.
class Walker
{
public:
    Walker(archive *a, const DockerIgnore &ignore, const ContextArchiver::Progress &progress,
           const ContextArchiver::CancelCheck &cancelled)
        : m_archive(a)
        , m_ignore(ignore)
        , m_progress(progress)
        , m_cancelled(cancelled)
        , m_hash(QCryptographicHash::Sha256)
        , m_buffer(1 << 16)
    {}

    core::Result<void> visitDir(int dirFd, const QByteArray &relDir, int depth)
    {
        if (depth > MaxDepth)
            return core::fail(ErrorCategory::Project, QStringLiteral("docker.context.depth"),
                              QStringLiteral("The build context nests folders deeper than %1 levels at %2.")
                                  .arg(MaxDepth)
                                  .arg(QFile::decodeName(relDir)));
        std::vector<QByteArray> names;
        {
            const int dupFd = ::dup(dirFd);
            DIR *dir = dupFd >= 0 ? ::fdopendir(dupFd) : nullptr;
            if (!dir) {
                if (dupFd >= 0)
                    ::close(dupFd);
                return core::fail(ioError(QStringLiteral("Listing"), relDir, errno));
            }
            while (dirent *d = ::readdir(dir)) {
                if (std::strcmp(d->d_name, ".") != 0 && std::strcmp(d->d_name, "..") != 0)
                    names.emplace_back(d->d_name);
            }
            ::closedir(dir);
        }
        std::sort(names.begin(), names.end()); // byte order, like Go's filepath.Walk
        for (const QByteArray &name : names) {
            if (m_cancelled && m_cancelled())
                return core::fail(ErrorCategory::Cancelled, QStringLiteral("docker.cancelled"),
                                  QStringLiteral("Packing the build context was cancelled."));
            const QByteArray rel = relDir.isEmpty() ? name : relDir + '/' + name;
            struct stat st;
            if (::fstatat(dirFd, name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
                if (errno == ENOENT)
                    continue; // vanished while we walked
                return core::fail(ioError(QStringLiteral("Reading"), rel, errno));
            }
            const QString relPath = QFile::decodeName(rel);
            if (!m_generated.isEmpty() && rel == m_generated)
                continue; // the generated file takes this name's place
            const bool excluded = m_ignore.isExcluded(relPath);
            if (S_ISDIR(st.st_mode)) {
                if (excluded && !m_ignore.mayIncludeBelow(relPath)) {
                    ++m_stats.ignored;
                    continue;
                }
                if (!excluded) {
                    if (auto r = writeHeader(rel, st, AE_IFDIR); !r)
                        return r;
                    ++m_stats.directories;
                }
                Fd child(::openat(dirFd, name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
                if (child.get() < 0)
                    return core::fail(ioError(QStringLiteral("Opening"), rel, errno));
                if (auto r = visitDir(child.get(), rel, depth + 1); !r)
                    return r;
                continue;
            }
            if (excluded) {
                ++m_stats.ignored;
                continue;
            }
            core::Result<void> r;
            if (S_ISREG(st.st_mode))
                r = writeFile(dirFd, name, rel);
            else if (S_ISLNK(st.st_mode))
                r = writeLink(dirFd, name, rel, st);
            else
                ++m_stats.skipped;
            if (!r)
                return r;
        }
        return {};
    }

    // A file that exists only in the archive (an inline Dockerfile), at `rel` in the root.
    void reserve(const QByteArray &rel) { m_generated = rel; }
    core::Result<void> writeGenerated(const QByteArray &content)
    {
        struct stat st = {};
        st.st_mode = S_IFREG | 0644;
        st.st_size = content.size();
        if (auto r = writeHeader(m_generated, st, AE_IFREG); !r)
            return r;
        m_hash.addData(QByteArray(QByteArray::number(content.size()) + '\0'));
        m_hash.addData(content);
        if (archive_write_data(m_archive, content.constData(), size_t(content.size())) < 0)
            return core::fail(
                ErrorCategory::Io, QStringLiteral("docker.context.tar"),
                QStringLiteral("Writing the build context failed at %1: %2")
                    .arg(QFile::decodeName(m_generated), QString::fromUtf8(archive_error_string(m_archive))));
        ++m_stats.files;
        return {};
    }

    ContextStats finish()
    {
        m_stats.hash = QString::fromLatin1(m_hash.result().toHex());
        return m_stats;
    }
    void addHashInput(const QByteArray &extra)
    {
        m_hash.addData(QByteArrayView("extra\0", 6));
        m_hash.addData(extra);
    }

private:
    core::Result<void> writeHeader(const QByteArray &rel, const struct stat &st, unsigned int type,
                                   const QByteArray &linkTarget = {})
    {
        std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
        archive_entry_copy_pathname(entry.get(), rel.constData());
        archive_entry_set_filetype(entry.get(), type);
        archive_entry_set_perm(entry.get(), st.st_mode & 07777);
        archive_entry_set_mtime(entry.get(), st.st_mtim.tv_sec, 0);
        archive_entry_set_uid(entry.get(), 0);
        archive_entry_set_gid(entry.get(), 0);
        if (type == AE_IFREG)
            archive_entry_set_size(entry.get(), st.st_size);
        if (type == AE_IFLNK)
            archive_entry_copy_symlink(entry.get(), linkTarget.constData());
        if (archive_write_header(m_archive, entry.get()) < ARCHIVE_WARN)
            return core::fail(
                ErrorCategory::Io, QStringLiteral("docker.context.tar"),
                QStringLiteral("Writing the build context failed at %1: %2")
                    .arg(QFile::decodeName(rel), QString::fromUtf8(archive_error_string(m_archive))));
        // Hash what the image would see, not timestamps: a fresh clone must hash the same.
        const QByteArray meta = QByteArray::number(type) + '\0' + rel + '\0' +
                                QByteArray::number(st.st_mode & 07777, 8) + '\0' + linkTarget + '\0';
        m_hash.addData(meta);
        ++m_entries;
        return {};
    }

    core::Result<void> writeFile(int dirFd, const QByteArray &name, const QByteArray &rel)
    {
        Fd fd(::openat(dirFd, name.constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
        if (fd.get() < 0) {
            if (errno == ELOOP || errno == ENOENT)
                return {}; // replaced by a link or removed since we looked: never follow it
            return core::fail(ioError(QStringLiteral("Opening"), rel, errno));
        }
        struct stat st;
        if (::fstat(fd.get(), &st) != 0)
            return core::fail(ioError(QStringLiteral("Reading"), rel, errno));
        if (!S_ISREG(st.st_mode)) {
            ++m_stats.skipped;
            return {};
        }
        if (auto r = writeHeader(rel, st, AE_IFREG); !r)
            return r;
        m_hash.addData(QByteArray(QByteArray::number(qint64(st.st_size)) + '\0'));
        qint64 left = st.st_size;
        while (left > 0) {
            const ssize_t got =
                ::read(fd.get(), m_buffer.data(), size_t(std::min<qint64>(left, qint64(m_buffer.size()))));
            if (got < 0 && errno == EINTR)
                continue;
            if (got < 0)
                return core::fail(ioError(QStringLiteral("Reading"), rel, errno));
            if (got == 0)
                break; // truncated while we read: libarchive pads the entry with zeros
            if (archive_write_data(m_archive, m_buffer.data(), size_t(got)) < 0)
                return core::fail(
                    ErrorCategory::Io, QStringLiteral("docker.context.tar"),
                    QStringLiteral("Writing the build context failed at %1: %2")
                        .arg(QFile::decodeName(rel), QString::fromUtf8(archive_error_string(m_archive))));
            m_hash.addData(QByteArrayView(m_buffer.data(), got));
            left -= got;
            m_stats.bytes += got;
            m_sinceProgress += got;
        }
        ++m_stats.files;
        report();
        return {};
    }

    core::Result<void> writeLink(int dirFd, const QByteArray &name, const QByteArray &rel,
                                 const struct stat &st)
    {
        QByteArray target(qsizetype(st.st_size > 0 ? st.st_size + 1 : 4096), '\0');
        const ssize_t n = ::readlinkat(dirFd, name.constData(), target.data(), size_t(target.size()));
        if (n < 0)
            return core::fail(ioError(QStringLiteral("Reading link"), rel, errno));
        target.truncate(n);
        if (auto r = writeHeader(rel, st, AE_IFLNK, target); !r)
            return r;
        ++m_stats.symlinks;
        report();
        return {};
    }

    void report()
    {
        if (m_progress && (m_entries % 1000 == 0 || m_sinceProgress > (8 << 20))) {
            m_sinceProgress = 0;
            m_progress(m_entries, m_stats.bytes);
        }
    }

    archive *m_archive;
    const DockerIgnore &m_ignore;
    const ContextArchiver::Progress &m_progress;
    const ContextArchiver::CancelCheck &m_cancelled;
    QCryptographicHash m_hash;
    std::vector<char> m_buffer;
    QByteArray m_generated;
    ContextStats m_stats;
    qint64 m_entries = 0;
    qint64 m_sinceProgress = 0;
};

} // namespace

ContextArchiver::ContextArchiver(const QString &root, const QString &dockerfile)
    : m_root(root)
    , m_dockerfile(DockerIgnore::cleanPath(dockerfile.isEmpty() ? QStringLiteral("Dockerfile") : dockerfile))
{}

core::Result<DockerIgnore> ContextArchiver::loadIgnore() const
{
    DockerIgnore ignore;
    // BuildKit's rule: `<Dockerfile>.dockerignore` next to the Dockerfile wins over the
    // context's own .dockerignore.
    struct stat st;
    QByteArray path =
        QFile::encodeName(m_root + QLatin1Char('/') + m_dockerfile + QStringLiteral(".dockerignore"));
    if (::lstat(path.constData(), &st) != 0 || !S_ISREG(st.st_mode))
        path = QFile::encodeName(m_root + QStringLiteral("/.dockerignore"));
    if (::lstat(path.constData(), &st) == 0 && S_ISREG(st.st_mode)) {
        QFile file(QFile::decodeName(path));
        if (!file.open(QIODevice::ReadOnly))
            return core::fail(
                ErrorCategory::Io, QStringLiteral("docker.context.io"),
                QStringLiteral("Could not read %1: %2").arg(file.fileName(), file.errorString()));
        auto parsed = DockerIgnore::parse(file.readAll());
        if (!parsed)
            return parsed;
        ignore = std::move(*parsed);
    }
    // The CLI always sends both, whatever the patterns say.
    ignore.keep(QStringLiteral(".dockerignore"));
    ignore.keep(m_dockerfile);
    return ignore;
}

core::Result<ContextStats> ContextArchiver::writeTar(const QString &tarPath)
{
    if (m_dockerfile.startsWith(QLatin1String("../")) || m_dockerfile == QLatin1String("..") ||
        m_dockerfile.startsWith(QLatin1Char('/')))
        return core::fail(
            ErrorCategory::Project, QStringLiteral("docker.context.dockerfile_outside"),
            QStringLiteral("The Dockerfile %1 lies outside the build context %2.").arg(m_dockerfile, m_root));
    Fd rootFd(::open(QFile::encodeName(m_root).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (rootFd.get() < 0)
        return core::fail(ErrorCategory::Project, QStringLiteral("docker.context.missing"),
                          QStringLiteral("The build context %1 is not a readable folder: %2")
                              .arg(m_root, QString::fromLocal8Bit(std::strerror(errno))));
    struct stat st;
    if (m_inline.isNull() &&
        ::fstatat(rootFd.get(), QFile::encodeName(m_dockerfile).constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return core::fail(
            ErrorCategory::Project, QStringLiteral("docker.context.no_dockerfile"),
            QStringLiteral("There is no %1 in the build context %2.").arg(m_dockerfile, m_root));
    auto ignore = loadIgnore();
    if (!ignore)
        return core::fail(ignore.error());

    std::unique_ptr<archive, ArchiveDeleter> a(archive_write_new());
    archive_write_set_format_pax_restricted(a.get());
    if (archive_write_open_filename(a.get(), QFile::encodeName(tarPath).constData()) != ARCHIVE_OK)
        return core::fail(ErrorCategory::Io, QStringLiteral("docker.context.tar"),
                          QStringLiteral("Could not create %1: %2")
                              .arg(tarPath, QString::fromUtf8(archive_error_string(a.get()))));
    Walker walker(a.get(), *ignore, m_progress, m_cancelled);
    walker.addHashInput(QFile::encodeName(m_dockerfile) + '\0' + m_extra);
    if (!m_inline.isNull())
        walker.reserve(QFile::encodeName(m_dockerfile));
    if (auto r = walker.visitDir(rootFd.get(), {}, 0); !r)
        return core::fail(r.error());
    if (!m_inline.isNull()) {
        if (auto r = walker.writeGenerated(m_inline); !r)
            return core::fail(r.error());
    }
    if (archive_write_close(a.get()) != ARCHIVE_OK)
        return core::fail(ErrorCategory::Io, QStringLiteral("docker.context.tar"),
                          QStringLiteral("Finishing %1 failed: %2")
                              .arg(tarPath, QString::fromUtf8(archive_error_string(a.get()))));
    ContextStats stats = walker.finish();
    qCDebug(lcDocker) << "context" << m_root << stats.files << "files" << stats.bytes << "bytes"
                      << stats.ignored << "ignored";
    return stats;
}

} // namespace rr::docker
