#pragma once

#include "core/result.h"

#include <QString>

namespace rr::source {

// Clones GitHub repositories from a mirror instead of github.com when REPORUNNER_GITHUB_MIRROR
// names one (tests without internet, air-gapped machines): https://github.com/<owner>/<repo>
// is fetched from <mirror><owner>/<repo>.git. Everything else about the source (owner, repo,
// ref, folder) stays as the GitHub URL said.
class GitHubMirror final
{
public:
    static constexpr const char *EnvironmentVariable = "REPORUNNER_GITHUB_MIRROR";

    // The mirror base from the environment, normalised to end in '/'; empty when unset. An
    // unusable value (not an http, https, git, ssh or file URL) is an error, never ignored:
    // silently cloning from github.com instead would hide the mistake.
    static core::Result<QString> fromEnvironment();

    // The clone URL for owner/repo: the mirror's when `mirror` is set, else github.com's.
    static QString cloneUrl(const QString &owner, const QString &repo, const QString &mirror);

    // Checks and normalises a mirror base URL.
    static core::Result<QString> normalise(const QString &mirror);
};

} // namespace rr::source
