#pragma once

#include "core/result.h"
#include "project/detection.h"
#include "source/fetchoptions.h"
#include "source/repotree.h"
#include "source/sourcespec.h"

#include <QFuture>
#include <QHash>
#include <QObject>

#include <functional>
#include <memory>

namespace rr::source {
class Fetcher;
class GitHubApi;
} // namespace rr::source

namespace rr::control {

// What detection found, at which commit, and how it looked ("api" or "fetch").
struct RemoteDetection
{
    project::Detection detection;
    QString commit;
    QString via;
};

// A GitHub repository's file list at one commit, read through the API (for planning).
struct RemoteListing
{
    source::SourceSpec spec;
    QString commit;
    QString ref;   // the branch or tag asked for (or the default branch); empty for a commit
    QString token; // for the contents requests that follow
    std::shared_ptr<const source::RepoTree> tree;
};

// Detection before any click (issue 11): a GitHub repository is looked at through the REST API
// (ref → commit, the recursive git tree, then the compose file's contents), never cloned. Only
// when the API fails for another reason than its rate limit does it fall back to a bounded
// fetch without submodules. Answers are cached per commit. A rate-limited API gives a clear
// error and no request until it lifts (source::GitHubApi).
class RemoteDetector final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RemoteDetector)

public:
    // Yields the stored token for a host, or an empty string.
    using TokenLookup = std::function<QFuture<QString>(const QString &host)>;

    // Budget of the fallback fetch: the detection looks at a handful of files.
    static constexpr qint64 FallbackMaxBytes = qint64(128) << 20;
    static constexpr qint64 FallbackMaxCheckoutBytes = qint64(512) << 20;
    static constexpr qint64 FallbackMaxCheckoutFiles = 50000;
    static constexpr qint64 MaxComposeBytes = 1024 * 1024;

    explicit RemoteDetector(source::Fetcher *fetcher, QObject *parent = nullptr);

    void setTokenLookup(TokenLookup lookup) { m_tokens = std::move(lookup); }
    // Where the fallback clones (tests); empty = the fetcher's default cache.
    void setFallbackCacheDir(const QString &dir) { m_fallback.cacheDir = dir; }

    QFuture<core::Result<RemoteDetection>> detect(const source::SourceSpec &spec);

    // The commit and its checked file list through the API, cached per commit; never a fetch.
    // Errors as the API's (github.*), source.tree_unsafe / source.tree_too_large for a hostile
    // list, and github.not_applicable for a source the API does not cover.
    QFuture<core::Result<RemoteListing>> listing(const source::SourceSpec &spec);
    // One file's contents at the listing's commit.
    QFuture<core::Result<QByteArray>> readFile(const RemoteListing &listing, const QString &path);
    // The bounded fetch (no submodules) used when the API cannot answer.
    const source::FetchOptions &fallbackOptions() const { return m_fallback; }

private:
    struct Job;
    void withToken(const std::shared_ptr<Job> &job);
    void resolveCommit(const std::shared_ptr<Job> &job);
    void commitFor(const std::shared_ptr<Job> &job, const QString &ref);
    void listTree(const std::shared_ptr<Job> &job);
    void useTree(const std::shared_ptr<Job> &job, const std::shared_ptr<const source::RepoTree> &tree);
    void readCompose(const std::shared_ptr<Job> &job);
    void finish(const std::shared_ptr<Job> &job);
    // The API could not answer: rate limits end the detection, anything else falls back.
    void apiFailed(const std::shared_ptr<Job> &job, const core::Error &error);
    void fallBack(const std::shared_ptr<Job> &job);
    bool apiApplies(const source::SourceSpec &spec) const;

    source::Fetcher *m_fetcher;
    source::GitHubApi *m_api;
    core::Result<QString> m_apiBase;
    bool m_apiConfigured = false;
    TokenLookup m_tokens;
    source::FetchOptions m_fallback;
    QHash<QString, RemoteDetection> m_cache; // "<owner>/<repo>@<commit>:<folder>"
    static constexpr int MaxCachedTrees = 8;
    QHash<QString, std::shared_ptr<const source::RepoTree>> m_trees; // "<owner>/<repo>@<commit>"
};

} // namespace rr::control
