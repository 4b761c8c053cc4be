#include "project/detector.h"

#include "core/logging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>

#include <yaml-cpp/yaml.h>

namespace rr::project {

namespace {

// The Compose spec's lookup order; each may have a sibling `.override` file.
const QStringList &composeNames()
{
    static const QStringList names{QStringLiteral("compose.yaml"), QStringLiteral("compose.yml"),
                                   QStringLiteral("docker-compose.yaml"),
                                   QStringLiteral("docker-compose.yml")};
    return names;
}

// Compose files bigger than this are not read just to name their services.
constexpr qint64 MaxComposeBytes = 1024 * 1024;

// Folders where projects conventionally keep their Dockerfile, best first.
const QStringList &dockerfileFolders()
{
    static const QStringList folders{QString(), QStringLiteral("docker"), QStringLiteral(".docker"),
                                     QStringLiteral("build"), QStringLiteral("deploy")};
    return folders;
}

// Lower is better: Dockerfile, Containerfile, Dockerfile.x, x.Dockerfile; -1 = not a Dockerfile.
int dockerfileRank(const QString &fileName)
{
    if (fileName.endsWith(QLatin1String(".dockerignore")))
        return -1;
    if (fileName == QLatin1String("Dockerfile") || fileName == QLatin1String("dockerfile"))
        return 0;
    if (fileName == QLatin1String("Containerfile"))
        return 1;
    if (fileName.startsWith(QLatin1String("Dockerfile.")) ||
        fileName.startsWith(QLatin1String("Containerfile.")))
        return 2;
    if (fileName.endsWith(QLatin1String(".Dockerfile")) || fileName.endsWith(QLatin1String(".dockerfile")))
        return 3;
    return -1;
}

QString folderOf(const QString &relative)
{
    const qsizetype slash = relative.lastIndexOf(QLatin1Char('/'));
    return slash < 0 ? QString() : relative.left(slash);
}

QString fileNameOf(const QString &relative)
{
    return relative.mid(relative.lastIndexOf(QLatin1Char('/')) + 1);
}

// Dockerfiles and compose files among `paths`, in priority order.
Detection classify(const QStringList &paths)
{
    const QSet<QString> present(paths.cbegin(), paths.cend());
    Detection d;
    for (const QString &name : composeNames()) {
        if (!present.contains(name))
            continue;
        d.composeFiles << name;
        const QString stem = name.left(name.lastIndexOf(QLatin1Char('.')));
        for (const QString &ext : {QStringLiteral(".yaml"), QStringLiteral(".yml")})
            if (present.contains(stem + QStringLiteral(".override") + ext)) {
                d.composeFiles << stem + QStringLiteral(".override") + ext;
                break;
            }
        break;
    }
    QList<QPair<int, QString>> ranked;
    for (const QString &path : paths) {
        const int folderIndex = int(dockerfileFolders().indexOf(folderOf(path)));
        const int rank = dockerfileRank(fileNameOf(path));
        if (folderIndex >= 0 && rank >= 0)
            ranked.append({folderIndex * 10 + rank, path});
    }
    std::sort(ranked.begin(), ranked.end());
    for (const auto &[rank, path] : ranked)
        d.dockerfiles.append({path, QStringLiteral(".")});
    return d;
}

// Where a Dockerfile in a subfolder expects its context: the project root unless its
// COPY/ADD sources only exist next to the Dockerfile.
QString guessContext(const QString &root, const QString &dockerfile)
{
    const QString folder = folderOf(dockerfile);
    if (folder.isEmpty())
        return QStringLiteral(".");
    QFile f(root + QLatin1Char('/') + dockerfile);
    if (f.size() > 1024 * 1024 || !f.open(QIODevice::ReadOnly))
        return QStringLiteral(".");
    static const QRegularExpression copy(QStringLiteral("^\\s*(?:COPY|ADD)\\s+(.*)$"),
                                         QRegularExpression::CaseInsensitiveOption |
                                             QRegularExpression::MultilineOption);
    int atRoot = 0;
    int atFolder = 0;
    auto it = copy.globalMatch(QString::fromUtf8(f.readAll()));
    while (it.hasNext()) {
        QStringList words = it.next().captured(1).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (words.isEmpty() || words.first().startsWith(QLatin1Char('[')))
            continue;
        if (std::any_of(words.cbegin(), words.cend(),
                        [](const QString &w) { return w.startsWith(QLatin1String("--from")); }))
            continue;
        while (!words.isEmpty() && words.first().startsWith(QLatin1String("--")))
            words.removeFirst();
        words.removeLast(); // destination
        for (const QString &src : words) {
            if (src.contains(QLatin1String("://")) || src.contains(QLatin1Char('$')) ||
                src == QLatin1String("."))
                continue;
            const QString plain = src.section(QLatin1Char('*'), 0, 0);
            if (QFileInfo::exists(root + QLatin1Char('/') + plain))
                ++atRoot;
            if (QFileInfo::exists(root + QLatin1Char('/') + folder + QLatin1Char('/') + plain))
                ++atFolder;
        }
    }
    return atFolder > atRoot ? folder : QStringLiteral(".");
}

// True when `path` (which may be a symlink) stays inside `root`.
bool staysInside(const QString &canonicalRoot, const QString &path)
{
    const QString real = QFileInfo(path).canonicalFilePath();
    return !real.isEmpty() && (real == canonicalRoot || real.startsWith(canonicalRoot + QLatin1Char('/')));
}

QStringList serviceNames(const QString &composePath)
{
    QFile file(composePath);
    if (file.size() > MaxComposeBytes || !file.open(QIODevice::ReadOnly))
        return {};
    return Detector::composeServiceNames(file.readAll());
}

} // namespace

core::Result<Detection> Detector::detectFolder(const QString &root)
{
    const QFileInfo info(root);
    if (!info.isDir())
        return core::fail(core::ErrorCategory::Project, QStringLiteral("project.not_a_folder"),
                          QStringLiteral("%1 is not a folder").arg(root));
    const QString canonicalRoot = info.canonicalFilePath();
    QStringList paths;
    for (const QString &folder : dockerfileFolders()) {
        const QDir dir(canonicalRoot + (folder.isEmpty() ? QString() : QLatin1Char('/') + folder));
        if (!dir.exists())
            continue;
        for (const QFileInfo &entry : dir.entryInfoList(QDir::Files | QDir::Hidden | QDir::System)) {
            const QString relative =
                folder.isEmpty() ? entry.fileName() : folder + QLatin1Char('/') + entry.fileName();
            if (!staysInside(canonicalRoot, entry.absoluteFilePath())) {
                qCWarning(lcProject) << "ignoring" << relative << "because it points outside the project";
                continue;
            }
            paths << relative;
        }
    }
    Detection d = classify(paths);
    d.root = canonicalRoot;
    for (DockerfileCandidate &c : d.dockerfiles)
        c.context = guessContext(canonicalRoot, c.dockerfile);
    if (d.hasCompose())
        d.composeServices = serviceNames(canonicalRoot + QLatin1Char('/') + d.composeFiles.first());
    if (!d.hasCompose() && !d.hasDockerfile())
        return core::fail(
            core::ErrorCategory::Project, QStringLiteral("project.nothing_to_run"),
            QStringLiteral("no Dockerfile or compose file found in %1 (looked for compose.yaml, "
                           "docker-compose.yml, Dockerfile, Containerfile at the root and in docker/, "
                           ".docker/, build/, deploy/)")
                .arg(root));
    return d;
}

Detection Detector::detectFileList(const QStringList &relativePaths)
{
    return classify(relativePaths);
}

QStringList Detector::composeServiceNames(const QByteArray &yaml)
{
    QStringList out;
    if (yaml.size() > MaxComposeBytes)
        return out;
    try {
        const YAML::Node doc = YAML::Load(yaml.toStdString());
        if (doc.IsMap() && doc["services"] && doc["services"].IsMap())
            for (const auto &kv : doc["services"])
                out << QString::fromStdString(kv.first.as<std::string>());
    } catch (const YAML::Exception &e) {
        qCDebug(lcProject) << "service list unavailable:" << e.what();
    }
    return out;
}

} // namespace rr::project
