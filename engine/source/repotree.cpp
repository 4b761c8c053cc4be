#include "source/repotree.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace rr::source {

using core::ErrorCategory;

core::Result<void> RepoTree::checkPath(const QString &path)
{
    const auto unsafe = [&path](const QString &why) {
        return core::fail(ErrorCategory::Refused, QStringLiteral("source.tree_unsafe"),
                          QStringLiteral("The repository's file list names \"%1\", which %2; RepoRunner "
                                         "reads nothing from it.")
                              .arg(path.left(200), why));
    };
    if (path.isEmpty() || path.size() > MaxPathLength)
        return unsafe(QStringLiteral("is empty or too long"));
    if (path.startsWith(QLatin1Char('/')) || path.contains(QLatin1Char('\\')) || path.contains(QChar(u'\0')))
        return unsafe(QStringLiteral("is not a relative path"));
    for (const QString &part : path.split(QLatin1Char('/'))) {
        if (part.isEmpty() || part == QLatin1String(".") || part == QLatin1String(".."))
            return unsafe(QStringLiteral("has an empty, \".\" or \"..\" part"));
        if (part.compare(QLatin1String(".git"), Qt::CaseInsensitive) == 0)
            return unsafe(QStringLiteral("has a \".git\" part"));
    }
    return {};
}

core::Result<RepoTree> RepoTree::fromGitHub(const QByteArray &json)
{
    const QJsonObject answer = QJsonDocument::fromJson(json).object();
    if (!answer.value(QStringLiteral("tree")).isArray() || answer.value(QStringLiteral("truncated")).toBool())
        return core::fail(ErrorCategory::Source, QStringLiteral("github.tree_incomplete"),
                          QStringLiteral("GitHub's file list is truncated or unreadable."));
    const QJsonArray listed = answer.value(QStringLiteral("tree")).toArray();
    if (listed.size() > MaxEntries)
        return core::fail(ErrorCategory::Refused, QStringLiteral("source.tree_too_large"),
                          QStringLiteral("The repository lists %1 files and folders, more than the %2 "
                                         "RepoRunner plans from without a checkout.")
                              .arg(listed.size())
                              .arg(MaxEntries));
    RepoTree tree;
    for (const QJsonValue &v : listed) {
        const QJsonObject o = v.toObject();
        Entry e;
        e.path = o.value(QStringLiteral("path")).toString();
        if (auto checked = checkPath(e.path); !checked)
            return core::fail(checked.error());
        const QString type = o.value(QStringLiteral("type")).toString();
        const QString mode = o.value(QStringLiteral("mode")).toString();
        if (type == QLatin1String("tree"))
            e.kind = Entry::Kind::Folder;
        else if (type == QLatin1String("commit"))
            e.kind = Entry::Kind::Submodule;
        else if (type == QLatin1String("blob"))
            e.kind = mode == QLatin1String("120000") ? Entry::Kind::Symlink : Entry::Kind::File;
        else
            continue;
        e.size = qMax<qint64>(0, qint64(o.value(QStringLiteral("size")).toDouble()));
        // Parents first, so a folder always precedes what is in it.
        for (qsizetype slash = e.path.indexOf(QLatin1Char('/')); slash >= 0;
             slash = e.path.indexOf(QLatin1Char('/'), slash + 1)) {
            const QString parent = e.path.left(slash);
            const Entry *known = tree.find(parent);
            if (known && known->kind != Entry::Kind::Folder)
                return core::fail(ErrorCategory::Refused, QStringLiteral("source.tree_unsafe"),
                                  QStringLiteral("The repository's file list has \"%1\" inside \"%2\", "
                                                 "which is not a folder; RepoRunner reads nothing from it.")
                                      .arg(e.path.left(200), parent.left(200)));
            if (!known)
                tree.add(Entry{parent, Entry::Kind::Folder, 0});
        }
        if (const Entry *known = tree.find(e.path)) {
            if (known->kind == Entry::Kind::Folder && e.kind == Entry::Kind::Folder)
                continue;
            return core::fail(ErrorCategory::Refused, QStringLiteral("source.tree_unsafe"),
                              QStringLiteral("The repository's file list names \"%1\" twice; RepoRunner "
                                             "reads nothing from it.")
                                  .arg(e.path.left(200)));
        }
        tree.add(e);
    }
    if (tree.m_entries.size() > MaxEntries)
        return core::fail(
            ErrorCategory::Refused, QStringLiteral("source.tree_too_large"),
            QStringLiteral("The repository has more than %1 files and folders.").arg(MaxEntries));
    return tree;
}

const RepoTree::Entry *RepoTree::find(const QString &path) const
{
    const auto it = m_index.constFind(path);
    return it == m_index.constEnd() ? nullptr : &m_entries.at(*it);
}

void RepoTree::add(const Entry &entry)
{
    m_index.insert(entry.path, m_entries.size());
    m_entries.append(entry);
}

} // namespace rr::source
