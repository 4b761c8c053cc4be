#pragma once

#include "core/result.h"
#include "project/composeproject.h"

#include <QMap>
#include <QSet>
#include <QString>
#include <QStringList>

namespace rr::project {

struct ComposeLoadOptions
{
    QString projectDir; // absolute
    // Relative to projectDir or absolute (inside it). Empty = the first of compose.yaml,
    // compose.yml, docker-compose.yaml, docker-compose.yml plus its .override file.
    QStringList files;
    QStringList profiles;          // empty = only services without profiles; "*" = all
    QMap<QString, QString> values; // per-run values (--set); they win over .env
    qint64 maxFileBytes = 4 * 1024 * 1024;
    // Absolute paths of files that exist but whose contents are not here yet (a plan made from
    // a repository's file list): reading one fails with source.content_pending, its path in
    // the error's details, so the caller can fetch it and load again.
    QSet<QString> contentPending;
};

// Loads a Compose project the way `docker compose config` would: reads the files, the
// project's `.env`, interpolates, applies include/extends/override merging and profiles,
// and returns the normalised model. The host environment is never consulted, and no file
// outside the project directory is read.
class ComposeLoader final
{
public:
    static core::Result<ComposeProject> load(const ComposeLoadOptions &options);

    // The compose file names Compose looks for, in order.
    static QStringList defaultFileNames();
};

} // namespace rr::project
