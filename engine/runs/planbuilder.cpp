#include "runs/planbuilder.h"

#include "core/names.h"
#include "plan/planner.h"
#include "plan/repopaths.h"
#include "plan/volumemapper.h"
#include "project/composeloader.h"
#include "project/detector.h"
#include "project/dockerfileparser.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

namespace rr::runs {

namespace {

using core::ErrorCategory;

bool insideFolder(const QString &folder, const QString &path)
{
    const QString root = QFileInfo(folder).canonicalFilePath();
    const QString real = QFileInfo(path).canonicalFilePath();
    return !root.isEmpty() && !real.isEmpty() && (real == root || real.startsWith(root + QLatin1Char('/')));
}

// Dockerfile mode: one service built from the chosen Dockerfile, named after the repository.
core::Result<project::ComposeProject> dockerfileProject(const project::Detection &detection,
                                                        const source::Checkout &checkout,
                                                        const QString &wanted)
{
    project::DockerfileCandidate chosen;
    if (!wanted.isEmpty()) {
        const QString path = QDir(detection.root).filePath(wanted);
        if (!QFileInfo(path).isFile() || !insideFolder(detection.root, path))
            return core::fail(
                ErrorCategory::Input, QStringLiteral("project.dockerfile_missing"),
                QStringLiteral("Dockerfile \"%1\" does not exist inside the project").arg(wanted));
        chosen.dockerfile = QDir::cleanPath(wanted);
        chosen.context = QStringLiteral(".");
        for (const auto &candidate : detection.dockerfiles)
            if (candidate.dockerfile == chosen.dockerfile)
                chosen = candidate;
    } else if (detection.hasDockerfile()) {
        chosen = detection.dockerfiles.first();
    } else {
        return core::fail(ErrorCategory::Project, QStringLiteral("project.no_dockerfile"),
                          QStringLiteral("this project has no Dockerfile; use compose mode"));
    }

    project::ComposeProject p;
    p.projectDir = detection.root;
    p.name =
        core::names::toDnsLabel(checkout.spec.repo.isEmpty() ? QStringLiteral("app") : checkout.spec.repo);
    project::Service s;
    s.name = p.name;
    s.where = {chosen.dockerfile, 1, 1};
    project::BuildSpec build;
    build.context = chosen.context;
    build.dockerfile = QDir(QDir(detection.root).filePath(chosen.context))
                           .relativeFilePath(QDir(detection.root).filePath(chosen.dockerfile));
    build.where = s.where;
    s.build = build;
    s.keys.insert(QStringLiteral("build"), s.where);
    p.services.append(s);
    return p;
}

// True when `path` stays inside `folder`, by its written form and, where it exists, by
// where its symlinks lead.
bool staysInside(const QString &folder, const QString &path)
{
    const QString root = QDir::cleanPath(folder);
    const QString clean = QDir::cleanPath(path);
    if (clean != root && !clean.startsWith(root + QLatin1Char('/')))
        return false;
    return !QFileInfo::exists(path) || insideFolder(folder, path);
}

core::Unexpected outsideRepo(const project::Service &s, const QString &key, const QString &what)
{
    return core::fail(
        ErrorCategory::Refused, QStringLiteral("project.build_outside"),
        QStringLiteral("service %1: %2: %3 is outside the repository; builds may only use files "
                       "inside it")
            .arg(s.name, key, what),
        s.build->where);
}

core::Result<QMap<QString, project::DockerfileFacts>> readFacts(const project::ComposeProject &p)
{
    QMap<QString, project::DockerfileFacts> facts;
    for (const project::Service &s : p.services) {
        if (!s.build || !s.build->dockerfileInline.isEmpty() ||
            s.build->context.contains(QLatin1String("://")))
            continue;
        const QString context = QDir(p.projectDir).filePath(s.build->context);
        if (!staysInside(p.projectDir, context))
            return outsideRepo(s, QStringLiteral("build.context"),
                               QStringLiteral("'%1'").arg(s.build->context));
        const QString dockerfile = QDir(context).filePath(
            s.build->dockerfile.isEmpty() ? QStringLiteral("Dockerfile") : s.build->dockerfile);
        if (!staysInside(p.projectDir, dockerfile))
            return outsideRepo(s, QStringLiteral("build.dockerfile"),
                               QStringLiteral("'%1'").arg(s.build->dockerfile.isEmpty()
                                                              ? QStringLiteral("Dockerfile")
                                                              : s.build->dockerfile));
        if (!QFileInfo::exists(dockerfile))
            return core::fail(ErrorCategory::Project, QStringLiteral("project.dockerfile_missing"),
                              QStringLiteral("service %1 builds from %2, which does not exist")
                                  .arg(s.name, QDir(p.projectDir).relativeFilePath(dockerfile)),
                              s.build->where);
        auto parsed = project::DockerfileParser::parseFile(dockerfile, s.build->target);
        if (!parsed)
            return core::fail(parsed.error());
        facts.insert(s.name, *parsed);
    }
    return facts;
}

bool isYaml(const QString &file)
{
    return file.endsWith(QLatin1String(".yml"), Qt::CaseInsensitive) ||
           file.endsWith(QLatin1String(".yaml"), Qt::CaseInsensitive);
}

// What the user chose over detection: -f files, or the file a /blob/ URL names (a compose
// file, else a Dockerfile). Each must be a file inside the project.
core::Result<PlanRequest> withChosenFiles(const source::Checkout &checkout, PlanRequest request)
{
    if (request.composeFiles.isEmpty() && !checkout.selectedFile.isEmpty()) {
        if (isYaml(checkout.selectedFile)) {
            request.composeFiles = {checkout.selectedFile};
            request.mode = request.mode.value_or(project::ProjectMode::Compose);
        } else if (request.dockerfile.isEmpty()) {
            request.dockerfile = checkout.selectedFile;
        }
    }
    for (const QString &file : std::as_const(request.composeFiles)) {
        const QString path = QDir(checkout.projectDir).filePath(file);
        if (!QFileInfo(path).isFile() || !insideFolder(checkout.projectDir, path))
            return core::fail(ErrorCategory::Input, QStringLiteral("project.compose_file_missing"),
                              QStringLiteral("The compose file \"%1\" is not a file in the project folder.")
                                  .arg(file.left(200)));
    }
    if (!request.composeFiles.isEmpty())
        request.mode = request.mode.value_or(project::ProjectMode::Compose);
    return request;
}

// Which of `paths` (absolute) the checkout has no contents for yet; both the written and the
// canonical form count, since a symlink may lead to a placeholder.
QStringList stillPending(const source::Checkout &checkout, const QStringList &paths)
{
    QStringList out;
    for (const QString &path : paths) {
        const QString canonical = QFileInfo(path).canonicalFilePath();
        const QString hit = checkout.contentPending.contains(canonical)               ? canonical
                            : checkout.contentPending.contains(QDir::cleanPath(path)) ? QDir::cleanPath(path)
                                                                                      : QString();
        if (!hit.isEmpty() && !out.contains(hit))
            out << hit;
    }
    return out;
}

core::Unexpected contentPending(const QStringList &paths)
{
    core::Error error = core::makeError(
        ErrorCategory::Source, QStringLiteral("source.content_pending"),
        QStringLiteral("%1 file(s) of the repository have not been read yet").arg(paths.size()));
    error.details = paths.join(QLatin1Char('\n'));
    return core::fail(error);
}

// Files detection reads: the compose file it names services from, the Dockerfiles in
// subfolders whose build context it guesses.
QStringList detectionReads(const project::Detection &d)
{
    QStringList out;
    // Detection names services only from a compose file of at most 1 MiB.
    if (d.hasCompose() && QFileInfo(QDir(d.root).filePath(d.composeFiles.first())).size() <= 1024 * 1024)
        out << QDir(d.root).filePath(d.composeFiles.first());
    for (const project::DockerfileCandidate &c : d.dockerfiles)
        if (c.dockerfile.contains(QLatin1Char('/')))
            out << QDir(d.root).filePath(c.dockerfile);
    return out;
}

// A repository path the planner copies into a ConfigMap: its files, when they fit (a larger
// one is baked into the image at start, from the checkout, and its bytes are not read now).
QStringList copiedFiles(const QString &projectDir, const QString &written)
{
    const plan::RepoPaths::Resolved r = plan::RepoPaths::resolve(projectDir, written);
    if (!r.inside || !r.exists)
        return {};
    if (!r.isDir)
        return QFileInfo(r.absolute).size() <= plan::VolumeMapper::MaxConfigMapBytes ? QStringList{r.absolute}
                                                                                     : QStringList{};
    QStringList files;
    qint64 total = 0;
    QDirIterator it(r.absolute, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        total += QFileInfo(file).size();
        if (total > plan::VolumeMapper::MaxConfigMapBytes)
            return {};
        files << file;
    }
    return files;
}

// Files the planner reads once the project is loaded: each build's Dockerfile, the bind
// mounts and the configs/secrets it copies from the repository.
QStringList projectReads(const project::ComposeProject &p)
{
    QStringList out;
    for (const project::Service &s : p.services) {
        if (s.build && s.build->dockerfileInline.isEmpty() &&
            !s.build->context.contains(QLatin1String("://")))
            out << QDir(QDir(p.projectDir).filePath(s.build->context))
                       .filePath(s.build->dockerfile.isEmpty() ? QStringLiteral("Dockerfile")
                                                               : s.build->dockerfile);
        for (const project::VolumeMount &m : s.volumes)
            if (m.type == project::VolumeMount::Type::Bind)
                out << copiedFiles(p.projectDir, m.source);
    }
    for (const auto *sources : {&p.configs, &p.secrets})
        for (const project::FileSource &fs : *sources)
            if (!fs.file.isEmpty())
                out << copiedFiles(p.projectDir, fs.file);
    return out;
}

} // namespace

core::Result<PreparedPlan> PlanBuilder::build(const source::Checkout &checkout, const PlanRequest &asked)
{
    const auto chosen = withChosenFiles(checkout, asked);
    if (!chosen)
        return core::fail(chosen.error());
    const PlanRequest &request = *chosen;
    auto detection = project::Detector::detectFolder(checkout.projectDir);
    if (!detection && request.composeFiles.isEmpty())
        return core::fail(detection.error());
    if (detection && !checkout.contentPending.isEmpty())
        if (const QStringList pending = stillPending(checkout, detectionReads(*detection));
            !pending.isEmpty())
            return contentPending(pending);
    if (!request.composeFiles.isEmpty()) {
        // Named files replace detection's (which may have found none under their names).
        if (!detection)
            detection = project::Detection{QFileInfo(checkout.projectDir).canonicalFilePath(), {}, {}, {}};
        detection->composeFiles = request.composeFiles;
    }

    PreparedPlan out;
    out.checkout = checkout;
    out.detection = *detection;
    out.mode = request.mode.value_or(request.dockerfile.isEmpty() ? detection->defaultMode()
                                                                  : project::ProjectMode::Dockerfile);
    if (out.mode == project::ProjectMode::Compose) {
        if (!detection->hasCompose())
            return core::fail(ErrorCategory::Input, QStringLiteral("project.no_compose"),
                              QStringLiteral("this project has no compose file; use --mode dockerfile"));
        project::ComposeLoadOptions options;
        options.projectDir = detection->root;
        options.files = detection->composeFiles;
        options.profiles = request.profiles;
        options.values = request.values;
        options.contentPending = checkout.contentPending;
        auto loaded = project::ComposeLoader::load(options);
        if (!loaded)
            return core::fail(loaded.error());
        out.project = *loaded;
        // The same files with every profile on: what a user can pick from. A project whose
        // inactive services do not load (say, a variable only they need) still plans.
        options.profiles = {QStringLiteral("*")};
        auto everything = project::ComposeLoader::load(options);
        if (!everything && everything.error().code == QLatin1String("source.content_pending"))
            return core::fail(everything.error());
        out.catalog = everything ? everything->services : out.project.services;
    } else {
        auto synthesised = dockerfileProject(*detection, checkout, request.dockerfile);
        if (!synthesised)
            return core::fail(synthesised.error());
        out.project = *synthesised;
    }

    if (!checkout.contentPending.isEmpty())
        if (const QStringList pending = stillPending(checkout, projectReads(out.project)); !pending.isEmpty())
            return contentPending(pending);

    auto facts = readFacts(out.project);
    if (!facts)
        return core::fail(facts.error());

    plan::PlanOptions options;
    options.runId = request.runId.isEmpty() ? core::names::newRunId() : request.runId;
    options.owner = checkout.spec.owner;
    options.repo = checkout.spec.repo;
    options.commit = checkout.commit;
    options.subdir = checkout.spec.subdir;
    options.services = request.services;
    options.primaryService = request.primaryService;
    options.allowUnsafe = request.allowUnsafe;
    options.offline = request.offline;
    options.fastProbes = request.fastProbes;
    options.variables = request.values;
    options.quota = request.quota;
    auto planned = plan::Planner::plan(out.project, *facts, options);
    if (!planned)
        return core::fail(planned.error());
    out.plan = *planned;
    return out;
}

} // namespace rr::runs
