#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QList>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

namespace rr::docker {

// .dockerignore semantics as Docker implements them (moby/patternmatcher + the CLI's
// ignorefile reader): Go filepath.Match syntax plus "**", patterns cleaned and made relative,
// "!" exceptions where the last matching pattern wins, and a pattern that matches a parent
// directory excludes everything below it.
class DockerIgnore final
{
public:
    DockerIgnore() = default;

    // Parses .dockerignore text: '#' comment lines, blank lines, a UTF-8 BOM and
    // surrounding whitespace are ignored; "/abs" becomes "abs".
    static core::Result<DockerIgnore> parse(const QByteArray &content);
    // Patterns already split into lines (as from parse, or from a test).
    static core::Result<DockerIgnore> fromPatterns(const QStringList &patterns);

    // True when the slash-separated context-relative path is excluded from the context.
    bool isExcluded(const QString &relativePath) const;
    // Docker walks into an excluded directory only when an exception pattern starts with
    // "dir/"; anything else below it is skipped without being read.
    bool mayIncludeBelow(const QString &relativeDir) const;

    // Makes sure `relativePath` is sent even if a pattern excludes it (the Dockerfile and
    // .dockerignore itself), the way the Docker CLI appends "!path".
    void keep(const QString &relativePath);

    bool hasExceptions() const { return m_hasExceptions; }
    bool isEmpty() const { return m_patterns.isEmpty(); }
    QStringList patterns() const; // cleaned, with "!" for exceptions

    // Go's filepath.Clean for slash-separated paths (exposed for tests).
    static QString cleanPath(const QString &path);

private:
    struct Pattern
    {
        QString cleaned;
        bool exception = false;
        QRegularExpression regex;
    };
    static core::Result<Pattern> compile(const QString &cleaned, bool exception);
    bool matchesOrParentMatches(const QString &path) const;

    QList<Pattern> m_patterns;
    bool m_hasExceptions = false;
};

} // namespace rr::docker
