#pragma once

#include "docker/contextarchiver.h"

#include <QMap>
#include <QMetaType>
#include <QString>

namespace rr::docker {

enum class BuilderKind
{
    Auto,     // BuildKit where the daemon has it, else classic
    BuildKit, // version=2
    Classic,  // version=1
};

// What one build may use. The classic builder runs each step in a container with these
// limits; BuildKit (Docker 20.10) ignores memory and CPU, so only the deadline binds it.
struct BuildLimits
{
    qint64 memoryBytes = 2048LL * 1024 * 1024; // memory and memswap: no swap on top
    int cpuMilli = 2000;                       // cpuquota over a 100 ms cpuperiod
    int timeoutSeconds = 30 * 60;              // the build is cancelled then (docker.build.timeout)
};

// One image to build: the compose build section plus where the result goes.
struct BuildRequest
{
    QString contextDir;                                // absolute
    QString dockerfile = QStringLiteral("Dockerfile"); // relative to contextDir
    QString dockerfileInline;                          // when set, built from this text instead
    QMap<QString, QString> buildArgs;
    QString target;
    // The tag scheme: "<repository>:<commit12>-<contexthash8>"; `repository` is
    // "reporunner/<owner>-<repo>-<service>". `tag` (a full reference) overrides it.
    QString repository;
    QString commit; // hex; empty or non-hex (local folders) tags "local-<hash>"
    QString tag;
    QString repoLabel;             // "<owner>-<repo>": label reporunner.dev/repo, the unit of pruning
    QMap<QString, QString> labels; // extra image labels (run id, ...)
    BuilderKind builder = BuilderKind::Auto;
    bool noCache = false; // also disables skipping a build whose tag exists
    BuildLimits limits;
};

struct BuildResult
{
    QString reference; // repository:tag that was built or reused
    QString imageId;   // "sha256:..."
    bool skipped = false;
    bool usedBuildKit = false;
    ContextStats context;
};

} // namespace rr::docker

Q_DECLARE_METATYPE(rr::docker::BuildResult)
