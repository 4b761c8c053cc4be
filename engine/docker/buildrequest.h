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
