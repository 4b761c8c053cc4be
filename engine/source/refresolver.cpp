#include "source/refresolver.h"

namespace rr::source {

namespace {

bool isSegmentPrefix(const QString &name, const QString &refPath)
{
    if (name.isEmpty() || !refPath.startsWith(name))
        return false;
    return refPath.size() == name.size() || refPath.at(name.size()) == QLatin1Char('/');
}

} // namespace

RefResolver::Split RefResolver::split(const QString &refPath, const QStringList &branches,
                                      const QStringList &tags)
{
    Split best;
    auto consider = [&](const QStringList &names, bool tag) {
        for (const QString &name : names) {
            if (!isSegmentPrefix(name, refPath))
                continue;
            // Strictly longer wins, so a branch (considered first) keeps a tie against a tag.
            if (!best.matched || name.size() > best.ref.size()) {
                best.ref = name;
                best.matched = true;
                best.isTag = tag;
            }
        }
    };
    consider(branches, false);
    consider(tags, true);
    if (!best.matched) {
        const qsizetype slash = refPath.indexOf(QLatin1Char('/'));
        best.ref = slash < 0 ? refPath : refPath.left(slash);
    }
    best.path = refPath.mid(best.ref.size());
    while (best.path.startsWith(QLatin1Char('/')))
        best.path.remove(0, 1);
    return best;
}

} // namespace rr::source
