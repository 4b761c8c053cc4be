#pragma once

#include <QMetaType>
#include <QString>

namespace rr::source {

// What the user asked to run: a remote repository (with optional ref and folder) or a local folder.
struct SourceSpec
{
    enum class Kind
    {
        Remote,
        LocalFolder
    };

    Kind kind = Kind::Remote;
    QString input;            // the original text, as typed
    QString remoteUrl;        // normalised clone URL without credentials, e.g. https://github.com/o/r.git
    QString localPath;        // absolute folder for LocalFolder (file:// resolved)
    QString ref;              // branch, tag or commit; empty means the remote HEAD
    QString subdir;           // folder inside the repository that becomes the project root ("" = root)
    QString owner;            // best effort; for local folders the parent folder's name
    QString repo;             // best effort; for local folders the folder's name
    bool refIsCommit = false; // /commit/<sha> or a 40-hex ref

    // GitHub's /tree/<ref>/<path> cannot be split by looking at it when the ref contains '/'.
    // The parser keeps the raw "<ref>/<path>" here (ref/subdir hold a first-segment guess) and
    // the fetcher splits it against the refs the remote advertises.
    QString refPath;
    bool refPathIsFile = false; // came from /blob/: the file's folder becomes the project root

    bool isLocal() const { return kind == Kind::LocalFolder; }
};

} // namespace rr::source

Q_DECLARE_METATYPE(rr::source::SourceSpec)
