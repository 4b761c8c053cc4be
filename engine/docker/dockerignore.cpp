#include "docker/dockerignore.h"

namespace rr::docker {

using core::ErrorCategory;

QString DockerIgnore::cleanPath(const QString &path)
{
    if (path.isEmpty())
        return QStringLiteral(".");
    const bool rooted = path.startsWith(QLatin1Char('/'));
    QStringList out;
    for (const QString &part : path.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        if (part == QLatin1String("."))
            continue;
        if (part == QLatin1String("..")) {
            if (!out.isEmpty() && out.constLast() != QLatin1String(".."))
                out.removeLast();
            else if (!rooted)
                out.append(part);
            continue;
        }
        out.append(part);
    }
    const QString joined = out.join(QLatin1Char('/'));
    if (rooted)
        return QLatin1Char('/') + joined;
    return joined.isEmpty() ? QStringLiteral(".") : joined;
}

core::Result<DockerIgnore> DockerIgnore::parse(const QByteArray &content)
{
    QStringList patterns;
    const QList<QByteArray> lines = content.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QByteArray raw = lines.at(i);
        if (i == 0 && raw.startsWith("\xEF\xBB\xBF"))
            raw = raw.mid(3);
        // Like the CLI: comments are recognised before trimming, so " #x" is a pattern.
        if (raw.startsWith('#'))
            continue;
        QString p = QString::fromUtf8(raw).trimmed();
        if (p.isEmpty())
            continue;
        const bool invert = p.startsWith(QLatin1Char('!'));
        if (invert)
            p = p.mid(1).trimmed();
        if (!p.isEmpty()) {
            p = cleanPath(p);
            if (p.size() > 1 && p.startsWith(QLatin1Char('/')))
                p = p.mid(1);
        }
        patterns.append(invert ? QLatin1Char('!') + p : p);
    }
    return fromPatterns(patterns);
}

core::Result<DockerIgnore> DockerIgnore::fromPatterns(const QStringList &patterns)
{
    DockerIgnore ignore;
    for (const QString &input : patterns) {
        QString p = input.trimmed();
        if (p.isEmpty())
            continue;
        p = cleanPath(p);
        bool exception = false;
        if (p.startsWith(QLatin1Char('!'))) {
            if (p.size() == 1)
                return core::fail(ErrorCategory::Project, QStringLiteral("docker.ignore.pattern"),
                                  QStringLiteral(".dockerignore has an exclusion \"!\" without a pattern."));
            exception = true;
            p = p.mid(1);
        }
        auto compiled = compile(p, exception);
        if (!compiled)
            return core::fail(compiled.error());
        ignore.m_hasExceptions = ignore.m_hasExceptions || exception;
        ignore.m_patterns.append(std::move(*compiled));
    }
    return ignore;
}

core::Result<DockerIgnore::Pattern> DockerIgnore::compile(const QString &cleaned, bool exception)
{
    // Translate to a regular expression the way patternmatcher does: '*' and '?' never
    // cross '/', "**" crosses any number of directories, '\' escapes the next character.
    QString re = QStringLiteral("^");
    bool inClass = false;
    const qsizetype n = cleaned.size();
    qsizetype start = 0;
    // patternmatcher treats "**literal" as a plain suffix test, so "**foo" also matches "barfoo".
    static const QRegularExpression special(QStringLiteral("[*?\\[\\\\]"));
    if (cleaned.startsWith(QLatin1String("**")) && n > 2 && cleaned.at(2) != QLatin1Char('/') &&
        !cleaned.mid(2).contains(special)) {
        re += QStringLiteral(".*");
        start = 2;
    }
    for (qsizetype i = start; i < n; ++i) {
        const QChar ch = cleaned.at(i);
        if (inClass) {
            if (ch == QLatin1Char(']'))
                inClass = false;
            if (ch == QLatin1Char('\\') && i + 1 < n) {
                re += QRegularExpression::escape(cleaned.mid(++i, 1));
                continue;
            }
            re += ch;
            continue;
        }
        if (ch == QLatin1Char('*')) {
            if (i + 1 < n && cleaned.at(i + 1) == QLatin1Char('*')) {
                ++i;
                if (i + 1 < n && cleaned.at(i + 1) == QLatin1Char('/'))
                    ++i; // "**/" is treated as "**"
                if (i + 1 >= n)
                    re += QStringLiteral(".*");
                else
                    re += QStringLiteral("(.*/)?");
            } else {
                re += QStringLiteral("[^/]*");
            }
        } else if (ch == QLatin1Char('?')) {
            re += QStringLiteral("[^/]");
        } else if (ch == QLatin1Char('\\')) {
            if (i + 1 < n)
                re += QRegularExpression::escape(cleaned.mid(++i, 1));
            else
                re += QStringLiteral("\\\\");
        } else if (ch == QLatin1Char('[')) {
            inClass = true;
            re += ch;
            // Go spells negation "[^...]" like PCRE; nothing to translate.
        } else {
            re += QRegularExpression::escape(QString(ch));
        }
    }
    if (inClass)
        return core::fail(ErrorCategory::Project, QStringLiteral("docker.ignore.pattern"),
                          QStringLiteral(".dockerignore pattern \"%1\" has an unclosed '['.").arg(cleaned));
    re += QLatin1Char('$');
    Pattern p;
    p.cleaned = cleaned;
    p.exception = exception;
    p.regex = QRegularExpression(re, QRegularExpression::DotMatchesEverythingOption);
    if (!p.regex.isValid())
        return core::fail(ErrorCategory::Project, QStringLiteral("docker.ignore.pattern"),
                          QStringLiteral(".dockerignore pattern \"%1\" is not a valid pattern (%2).")
                              .arg(cleaned, p.regex.errorString()));
    p.regex.optimize();
    return p;
}

bool DockerIgnore::matchesOrParentMatches(const QString &path) const
{
    const qsizetype lastSlash = path.lastIndexOf(QLatin1Char('/'));
    bool matched = false;
    for (const Pattern &pattern : m_patterns) {
        // An exclusion only matters once something matched, an inclusion only until then.
        if (pattern.exception != matched)
            continue;
        bool match = pattern.regex.match(path).hasMatch();
        for (qsizetype at = path.indexOf(QLatin1Char('/')); !match && at >= 0 && at <= lastSlash;
             at = path.indexOf(QLatin1Char('/'), at + 1))
            match = pattern.regex.match(QStringView(path).left(at)).hasMatch();
        if (match)
            matched = !pattern.exception;
    }
    return matched;
}

bool DockerIgnore::isExcluded(const QString &relativePath) const
{
    if (m_patterns.isEmpty())
        return false;
    return matchesOrParentMatches(cleanPath(relativePath));
}

bool DockerIgnore::mayIncludeBelow(const QString &relativeDir) const
{
    const QString prefix = cleanPath(relativeDir) + QLatin1Char('/');
    for (const Pattern &pattern : m_patterns)
        if (pattern.exception && QString(pattern.cleaned + QLatin1Char('/')).startsWith(prefix))
            return true;
    return false;
}

void DockerIgnore::keep(const QString &relativePath)
{
    const QString p = cleanPath(relativePath);
    if (!isExcluded(p))
        return;
    // Escape the name so a Dockerfile called "a*b" keeps only itself.
    QString literal;
    for (const QChar c : p) {
        if (c == QLatin1Char('*') || c == QLatin1Char('?') || c == QLatin1Char('[') || c == QLatin1Char('\\'))
            literal += QLatin1Char('\\');
        literal += c;
    }
    if (auto compiled = compile(literal, true)) {
        compiled->cleaned = p;
        m_patterns.append(std::move(*compiled));
        m_hasExceptions = true;
    }
}

QStringList DockerIgnore::patterns() const
{
    QStringList out;
    for (const Pattern &p : m_patterns)
        out << (p.exception ? QLatin1Char('!') + p.cleaned : p.cleaned);
    return out;
}

} // namespace rr::docker
