#pragma once

#include <QString>
#include <QStringList>

namespace rr::source {

// Splits GitHub's ambiguous "<ref>/<path>" (from /tree/ or /blob/) using the remote's refs.
class RefResolver final
{
public:
    struct Split
    {
        QString ref;  // the matched branch or tag, or the first segment when nothing matched
        QString path; // what is left after the ref ("" when none)
        bool matched = false;
        bool isTag = false;
    };

    // `branches` and `tags` are short names (no refs/heads/ prefix). The longest name that
    // matches whole leading segments wins; a branch beats a tag of the same name, as on GitHub.
    static Split split(const QString &refPath, const QStringList &branches, const QStringList &tags);
};

} // namespace rr::source
