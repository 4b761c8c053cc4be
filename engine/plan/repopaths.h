#pragma once

#include <QByteArray>
#include <QMap>
#include <QString>

namespace rr::plan {

// Internal: decides whether a path from the compose file stays inside the repository, and
// reads repository files for ConfigMaps and Secrets without ever following a symlink out.
class RepoPaths final
{
public:
    struct Resolved
    {
        bool inside = false;
        // Outside and naming something that controls the host (a runtime socket, /, /proc,
        // /sys, /dev, /etc, ...): refused. Other paths outside are replaced by an empty volume.
        bool hostControl = false;
        QString why;      // when not inside: a short reason for the report
        QString absolute; // canonical when it exists
        bool exists = false;
        bool isDir = false;
    };
    static Resolved resolve(const QString &projectDir, const QString &written);

    struct Files
    {
        QMap<QString, QByteArray> byRelativePath; // relative to the mounted path ("" for a file)
        qint64 totalBytes = 0;
        bool tooLarge = false;
        int skippedOutside = 0; // symlinks pointing out of the repository, not read
    };
    // Reads a file or a directory tree; stops early once maxBytes is exceeded.
    static Files read(const QString &projectDir, const Resolved &path, qint64 maxBytes);
};

} // namespace rr::plan
